"""Pages for the unit's leaders and administrators: delegation (ủy quyền / giao quyền) and handing an
absent officer's open work to a colleague (giao lại việc). Each POST calls its service; a refusal comes
back on the same page, with what was typed kept."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers.errors import DossierError, InvalidInput
from dossiers.forms import parse_day
from dossiers.models import DELEGABLE_ROLES, Delegation, DelegationKind, Membership, Role, Unit, acting_unit_q
from dossiers.rules import is_admin
from dossiers.services import delegation_create, delegation_revoke

from .. import structure
from ._common import _int


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _leader_memberships(user):
    return list(Membership.objects.filter(acting_unit_q("unit__"), user=user, is_active=True,
                                          role__in=DELEGABLE_ROLES).select_related("unit").order_by("unit__name"))


def _colleagues(unit_ids, exclude=None):
    """The active members of the units, one row per person and unit (for the choosers)."""
    rows = (Membership.objects.filter(unit_id__in=unit_ids, is_active=True, user__is_active=True)
            .select_related("user", "unit").order_by("unit__name", "user__first_name", "user__username"))
    seen, people = set(), []
    for m in rows:
        if (m.unit_id, m.user_id) in seen or (exclude and m.user_id == exclude.pk):
            continue
        seen.add((m.unit_id, m.user_id))
        people.append({"unit": m.unit, "user": m.user, "title": m.title})
    return people


def _day(value: str, label: str):
    try:
        return parse_day(value)
    except (ValueError, TypeError):
        raise InvalidInput(_("%(label)s “%(value)s” không hợp lệ: nhập theo dạng ngày/tháng/năm.")
                           % {"label": label, "value": (value or "")[:20]}) from None


@login_required
@require_http_methods(["GET", "POST"])
def delegations(request):
    """A leader's delegations: give one (role, deputy, from–to, how the deputy signs), see those given and
    received, end one early."""
    user = request.user
    mine = _leader_memberships(user)
    received = list(Delegation.objects.filter(delegate=user).select_related("unit", "delegator")[:50])
    if not mine and not received and not is_admin(user):
        raise Http404
    error, problems, posted = None, [], request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            if posted.get("action") == "revoke":
                delegation = Delegation.objects.filter(pk=_int(posted.get("delegation"))).first()
                if delegation is None:
                    raise InvalidInput(_("Không tìm thấy ủy quyền này."))
                delegation_revoke(delegation=delegation, actor=user)
                messages.success(request, _("Đã chấm dứt ủy quyền."))
                return redirect("workflows:delegations")
            membership = next((m for m in mine if m.pk == _int(posted.get("membership"))), None)
            if membership is None:
                raise InvalidInput(_("Hãy chọn vai trò cần ủy quyền."))
            delegate = get_user_model().objects.filter(pk=_int(posted.get("delegate"))).first()
            if delegate is None:
                raise InvalidInput(_("Hãy chọn người được ủy quyền."))
            created = delegation_create(
                unit=membership.unit, delegator=user, delegate=delegate, role=membership.role,
                kind=posted.get("kind", ""), valid_from=_day(posted.get("valid_from", ""), _("Từ ngày")),
                valid_to=_day(posted.get("valid_to", ""), _("Đến hết ngày")), basis=posted.get("basis", ""),
                actor=user)
            messages.success(request, _("Đã ủy quyền cho %(name)s từ ngày %(from)s đến hết ngày %(to)s.")
                             % {"name": _name(created.delegate), "from": created.valid_from.strftime("%d/%m/%Y"),
                                "to": created.valid_to.strftime("%d/%m/%Y")})
            return redirect("workflows:delegations")
        except DossierError as exc:
            error, problems = exc.message, exc.problems
    given = list(Delegation.objects.filter(delegator=user).select_related("unit", "delegate")[:50])
    return render(request, "workflows/delegations.html", {
        "memberships": mine, "given": given, "received": received, "kinds": DelegationKind.choices,
        "colleagues": _colleagues([m.unit_id for m in mine], exclude=user), "posted": posted,
        "may_reassign": is_admin(user) or any(m.role == Role.UNIT_HEAD for m in mine),
        "error": error, "problems": problems}, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def reassign(request):
    """An administrator or head of a unit hands the open tasks of an absent officer to a colleague.
    (Only acting units are listed, so a merged unit's leftovers are never handed on here: the merger
    already moved them.)"""
    user = request.user
    if is_admin(user):
        units = list(Unit.objects.filter(acting_unit_q()).order_by("name"))
    else:
        units = list(Unit.objects.filter(acting_unit_q(), memberships__user=user, memberships__is_active=True,
                                         memberships__role__in=[Role.ADMIN, Role.UNIT_HEAD]).distinct().order_by("name"))
    if not units:
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    unit = next((u for u in units if u.pk == _int(source.get("unit"))), units[0])
    people = _colleagues([unit.pk])
    absent = next((p["user"] for p in people if p["user"].pk == _int(source.get("absent"))), None)
    tasks = list(structure.open_tasks_of(absent, unit)) if absent else []
    error, problems = None, []
    if request.method == "POST":
        to = next((p["user"] for p in people if p["user"].pk == _int(source.get("to"))), None)
        try:
            if absent is None or to is None:
                raise InvalidInput(_("Hãy chọn người vắng mặt và người nhận việc."))
            moved = structure.tasks_reassign(unit=unit, absent=absent, to=to, actor=user,
                                             reason=source.get("reason", ""),
                                             task_ids=[_int(v) for v in source.getlist("task")])
            messages.success(request, _("Đã giao %(n)s việc của %(absent)s cho %(to)s.")
                             % {"n": moved, "absent": _name(absent), "to": _name(to)})
            return redirect(f"{request.path}?unit={unit.pk}&absent={absent.pk}")
        except DossierError as exc:
            error, problems = exc.message, exc.problems
    return render(request, "workflows/reassign.html", {
        "units": units, "unit": unit, "people": people, "absent": absent, "tasks": tasks, "posted": source,
        "error": error, "problems": problems}, status=400 if error else 200)
