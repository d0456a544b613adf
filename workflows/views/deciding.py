"""The chairman's decision page: the dossiers awaiting decision grouped by award form, the draft
PDF, the confirmation of what will be signed, and the signing itself (workflows.services)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers.errors import Conflict, DossierError, InvalidInput, NotPermitted
from dossiers.forms import parse_day
from dossiers.models import Dossier, DossierStatus, Role, kind_of
from dossiers.rules import can_act
from dossiers.views import error_overrides

from .. import selectors, services
from ._common import _int, _ints


# --- the decision ---------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def decisions(request):
    """Chủ tịch: the dossiers awaiting decision, grouped by award form (one Quyết định each), with
    each nominee; approve all or per nominee; the decision number and date. "Xem dự thảo" gives
    the draft PDF (DỰ THẢO); "Ký quyết định…" shows what will be signed; "Xác nhận ký" signs."""
    awaiting = selectors.awaiting_decision(request.user)
    if not awaiting and not roles_at_any(request.user, Role.CHAIRMAN):
        raise Http404
    if request.method == "GET":
        return _render_decisions(request, awaiting)
    posted = request.POST
    action = posted.get("action", "confirm")
    if action == "edit":
        return _render_decisions(request, awaiting, posted=posted)
    try:
        chosen, outcomes, number, signed_on = _decision_input(request, awaiting)
        if action == "preview":
            pdf = services.decision_preview(dossiers=chosen, actor=request.user, outcomes=outcomes, number=number,
                                            signed_on=signed_on)
            response = HttpResponse(pdf, content_type="application/pdf")
            response["Content-Disposition"] = 'inline; filename="du-thao-quyet-dinh.pdf"'
            return response
        if action != "sign":
            # the confirmation: what will be signed, checked by a dry run of the signing itself
            services.decision_preview(dossiers=chosen, actor=request.user, outcomes=outcomes, number=number,
                                      signed_on=signed_on, pdf=False)
            return _render_confirmation(request, chosen, outcomes, number, signed_on)
        decision = services.decision_sign(dossiers=chosen, actor=request.user, outcomes=outcomes, number=number,
                                          signed_on=signed_on)
    except DossierError as exc:
        return _render_decisions(request, awaiting, status=exc.status_code, posted=posted, **error_overrides(exc))
    messages.success(request, _("Đã ký quyết định cho %(count)s hồ sơ.") % {"count": len(chosen)})
    if decision is not None:  # None: nobody was awarded, no Quyết định to show
        return redirect("certificates:decision", decision.pk)
    return redirect("workflows:decisions")


def _decision_input(request, awaiting):
    """The chosen dossiers (of the posted award form), each nominee's outcome (a nominee of an
    unticked dossier is not decided), the number and the date. A posted dossier that is not awaiting
    this user's decision is refused with its real reason: not theirs to decide, or decided meanwhile."""
    posted = request.POST
    form_id = _int(posted.get("award_form"))
    chosen_ids = _ints(posted.getlist("dossier"))
    gone = sorted(chosen_ids - {d.pk for d in awaiting})
    if gone:
        found = {d.pk: d for d in Dossier.objects.filter(pk__in=gone).select_related("campaign", "award_form", "unit")}
        not_mine = [pk for pk in gone if pk not in found or not _may_decide(request.user, found[pk])]
        if not_mine:
            raise NotPermitted(_("Bạn không có thẩm quyền quyết định hồ sơ %(ids)s.")
                               % {"ids": ", ".join(f"#{pk}" for pk in not_mine)})
        raise Conflict.moved_on(pks=gone, status=", ".join(
            str(DossierStatus(found[pk].status).label) for pk in gone if pk in found) or "—")
    other_form = sorted(d.pk for d in awaiting if d.pk in chosen_ids and d.award_form_id != form_id)
    if other_form:
        raise InvalidInput(_("Hồ sơ %(ids)s thuộc hình thức khen thưởng khác: mỗi hình thức là một quyết định.")
                           % {"ids": ", ".join(f"#{pk}" for pk in other_form)})
    chosen = [d for d in awaiting if d.pk in chosen_ids]
    if not chosen:
        raise InvalidInput(_("Hãy chọn ít nhất một hồ sơ để ký quyết định."))
    signed_on = _parse_date(posted.get("signed_on", ""))
    number = posted.get("number", "")
    awarded = _ints(posted.getlist("award"))
    outcomes = {n.pk: n.pk in awarded for d in chosen for n in d.nominees.all()}
    return chosen, outcomes, number, signed_on


def _may_decide(user, dossier) -> bool:
    """`user` signs decisions at the unit that decides this dossier (whatever its state now)."""
    return any(can_act(user, dossier, step) for step in dossier.path() if kind_of(step).is_decision)


def _signer(user, unit_id):
    """How `user` signs at the deciding unit (own office: KT. …; a delegation: KT. / TUQ. …), for the pages."""
    from types import SimpleNamespace

    from dossiers.rules import signing_capacity

    capacity = signing_capacity(user, unit_id, Role.CHAIRMAN) if unit_id else None
    if capacity is None:
        return None
    return SimpleNamespace(user=user, title=capacity.title, signs_for=capacity.signs_for, capacity=capacity.capacity)


def _render_confirmation(request, chosen, outcomes, number, signed_on):
    nominees = [n for d in chosen for n in d.nominees.all()]
    form = chosen[0].award_form
    context = {
        "award_form": form, "campaign": form.campaign, "dossiers": chosen, "number": " ".join(number.split()),
        "signed_on": signed_on, "awarded": [n for n in nominees if outcomes.get(n.pk)],
        "not_awarded": [n for n in nominees if not outcomes.get(n.pk)], "posted": request.POST,
        "signer": _signer(request.user, form.deciding_unit_id),
    }
    return render(request, "workflows/decision_confirm.html", context)


def roles_at_any(user, role) -> bool:
    return any(r == role for _u, r in selectors.user_pairs(user))


def _parse_date(value: str) -> dt.date:
    try:
        return parse_day(value) if value.strip() else timezone.localdate()
    except ValueError:
        raise InvalidInput(_("Ngày ký “%(value)s” không hợp lệ: nhập theo dạng ngày/tháng/năm.")
                           % {"value": value[:20]}) from None


def _render_decisions(request, awaiting, *, status=200, posted=None, **extra):
    """One group per award form: a Quyết định covers the dossiers of one award form."""
    posted_form = _int(posted.get("award_form")) if posted else None
    groups = {}
    for dossier in awaiting:
        groups.setdefault(dossier.award_form_id, {"award_form": dossier.award_form, "dossiers": []})["dossiers"].append(
            dossier)
    for form_id, group in groups.items():
        mine = posted is not None and form_id == posted_form
        group["chosen"] = (_ints(posted.getlist("dossier")) if mine
                           else {d.pk for d in group["dossiers"]})
        # a nominee of an unticked dossier is shown unticked: it is not decided with this Quyết định
        group["awarded"] = (_ints(posted.getlist("award")) & {n.pk for d in group["dossiers"] if d.pk in group["chosen"]
                                                              for n in d.nominees.all()} if mine
                            else {n.pk for d in group["dossiers"] for n in d.nominees.all()})
        group["number"] = posted.get("number", "") if mine else ""
        group["signed_on"] = posted.get("signed_on", "") if mine else timezone.localdate().strftime("%d/%m/%Y")
        group["error"] = extra.get("error") if mine else None
        group["problems"] = extra.get("problems", []) if mine else []
    shown_in_group = posted_form in groups
    context = {"groups": list(groups.values()), "awaiting": awaiting,
               "signer": _signer(request.user, next((g["award_form"].deciding_unit_id for g in groups.values()), None)),
               "error": None, "problems": [], **extra}
    if shown_in_group:  # the message sits beside the form it is about
        context.update(error=None, problems=[])
    return render(request, "workflows/decisions.html", context, status=status)
