"""Đăng ký thi đua: a unit's page to register its titles and targets at the start of the year, and
the province's office (Ban TĐKT, Sở Nội vụ) list to confirm or return them. Views only call the
services of criteria.registrations; a refusal comes back on the same page with the input kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dossiers.errors import DossierError
from dossiers.models import Campaign, Membership, NomineeKind, Unit

from . import registrations
from .models import EmulationRegistration


def _campaigns():
    return list(Campaign.objects.filter(registration_rule__isnull=False).select_related("registration_rule")
                .order_by("-period_start", "-pk"))


def _my_units(user) -> list[Unit]:
    ids = (Membership.objects.filter(user=user, is_active=True, unit__successor__isnull=True,
                                     role__in=registrations.UNIT_ROLES).values_list("unit_id", flat=True))
    return list(Unit.objects.filter(pk__in=ids).order_by("name"))


def _rows(campaign, registration, posted=None):
    """One input per (award form, kind): the number registered (0 or empty: not registered)."""
    counts = {(line.award_form_id, line.nominee_kind): line.count for line in registration.lines.all()} \
        if registration else {}
    rows = []
    for form in campaign.award_forms.order_by("pk"):
        for kind in NomineeKind:
            name = f"n-{form.pk}-{kind.value}"
            value = posted.get(name, "") if posted is not None else counts.get((form.pk, kind.value), "")
            rows.append({"form": form, "kind": kind, "name": name, "value": value})
    return rows


def _page(request, campaign, *, unit=None, posted=None, status=200):
    units = _my_units(request.user)
    may_confirm = registrations.may_confirm(request.user, campaign)
    if not units and not may_confirm:
        raise Http404
    unit = unit or (units[0] if units else None)
    mine = (EmulationRegistration.objects.filter(campaign=campaign, unit=unit).prefetch_related("lines").first()
            if unit else None)
    context = {
        "campaigns": _campaigns(), "campaign": campaign, "rule": campaign.registration_rule,
        "units": units, "unit": unit, "mine": mine, "rows": _rows(campaign, mine, posted) if unit else [],
        "targets": posted.get("targets", "") if posted is not None else (mine.targets if mine else ""),
        "is_open": registrations.registration_open(campaign),
        "may_confirm": may_confirm,
        "all": list(registrations.registrations_for(campaign)) if may_confirm else [],
    }
    return render(request, "criteria/registrations.html", context, status=status)


@login_required
def registration_home(request):
    campaigns = _campaigns()
    if not campaigns:
        return render(request, "criteria/registrations.html", {"campaign": None})
    pk = request.GET.get("dot")
    campaign = next((c for c in campaigns if str(c.pk) == pk), campaigns[0])
    unit = None
    if request.GET.get("don-vi"):
        unit = next((u for u in _my_units(request.user) if str(u.pk) == request.GET["don-vi"]), None)
    return _page(request, campaign, unit=unit)


def _url(campaign, unit=None) -> str:
    url = reverse("criteria:registrations") + f"?dot={campaign.pk}"
    return url + (f"&don-vi={unit.pk}" if unit else "")


@login_required
@require_POST
def registration_submit(request, pk, unit_pk):
    campaign = get_object_or_404(Campaign, pk=pk, registration_rule__isnull=False)
    unit = next((u for u in _my_units(request.user) if u.pk == unit_pk), None)
    if unit is None:
        raise Http404  # another unit's registration: not found
    lines, problems = [], []
    for row in _rows(campaign, None, request.POST):
        text = (row["value"] or "").strip()
        if not text or text == "0":
            continue
        if not text.isdigit():
            problems.append(_("Số lượng “%(form)s” (%(kind)s) phải là một số nguyên.") % {
                "form": row["form"].name, "kind": row["kind"].label.lower()})
            continue
        lines.append(registrations.LineInput(award_form=row["form"], nominee_kind=row["kind"].value, count=int(text)))
    try:
        if problems:
            raise DossierError(_("Bản đăng ký thi đua chưa hợp lệ:"), problems=problems)
        registrations.registration_submit(campaign=campaign, unit=unit, actor=request.user, lines=lines,
                                          targets=request.POST.get("targets", ""))
    except DossierError as exc:
        messages.error(request, str(exc))
        return _page(request, campaign, unit=unit, posted=request.POST, status=exc.status_code)
    messages.success(request, _("Đã gửi bản đăng ký thi đua của %(unit)s; chờ Ban Thi đua – Khen thưởng xác nhận.")
                     % {"unit": unit.name})
    return redirect(_url(campaign, unit))


@login_required
@require_POST
def registration_review(request, pk, verdict):
    registration = get_object_or_404(EmulationRegistration.objects.select_related("campaign", "unit"), pk=pk)
    if not registrations.may_confirm(request.user, registration.campaign):
        raise Http404
    try:
        if verdict == "confirm":
            registrations.registration_confirm(registration=registration, actor=request.user,
                                               note=request.POST.get("note", ""))
            messages.success(request, _("Đã xác nhận đăng ký thi đua của %(unit)s.") % {"unit": registration.unit.name})
        else:
            registrations.registration_return(registration=registration, actor=request.user,
                                              note=request.POST.get("note", ""))
            messages.success(request, _("Đã trả lại bản đăng ký của %(unit)s để sửa.") % {"unit": registration.unit.name})
    except DossierError as exc:
        messages.error(request, str(exc))
        return _page(request, registration.campaign, status=exc.status_code)
    return redirect(_url(registration.campaign) + f"#dk-{registration.pk}")

