"""The chairman's decision page: the dossiers awaiting decision grouped by award form, the draft
PDF, the confirmation of what will be signed, and the signing itself (workflows.services)."""

import datetime as dt
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
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
DECISIONS_PAGE_SIZE = 50
CONFIRM_NAMES = 200     # the confirmation names this many nominees, then says how many more


@login_required
@require_http_methods(["GET", "POST"])
def decisions(request):
    """Chủ tịch: the dossiers awaiting decision, one award form at a time (one Quyết định each),
    paged, with each nominee; approve all or per nominee, or every dossier awaiting in the form
    (decided by a query here, not by the ids the page posts); the decision number and date. "Xem dự
    thảo" gives the draft PDF (DỰ THẢO); "Ký quyết định…" shows what will be signed; "Xác nhận ký"
    signs."""
    forms = selectors.decision_forms(request.user)
    if not forms and not roles_at_any(request.user, Role.CHAIRMAN):
        raise Http404
    if request.method == "GET":
        return _render_decisions(request, forms)
    posted = request.POST
    action = posted.get("action", "confirm")
    if action == "edit":
        return _render_decisions(request, forms, posted=posted)
    try:
        chosen, outcomes, number, signed_on = _decision_input(request)
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
        return _render_decisions(request, forms, status=exc.status_code, posted=posted, **error_overrides(exc))
    messages.success(request, _("Đã ký quyết định cho %(count)s hồ sơ.") % {"count": len(chosen)})
    if decision is not None:  # None: nobody was awarded, no Quyết định to show
        return redirect("certificates:decision", decision.pk)
    return redirect("workflows:decisions")


def _chosen_digest(dossiers) -> str:
    """What "every dossier awaiting in this form" meant when the confirmation was shown."""
    return hashlib.sha256(",".join(str(d.pk) for d in sorted(dossiers, key=lambda d: d.pk)).encode()).hexdigest()


def _decision_input(request):
    """The chosen dossiers (of the posted award form), each nominee's outcome (a nominee of an
    unticked dossier is not decided), the number and the date. A posted dossier that is not awaiting
    this user's decision is refused with its real reason: not theirs to decide, or decided meanwhile.
    With scope=all: every dossier awaiting the user's decision in the form, read here (the dossiers
    shown on the page and unticked left out; their nominees as ticked; the others' all awarded)."""
    posted = request.POST
    form_id = _int(posted.get("award_form"))
    chosen_ids = _ints(posted.getlist("dossier"))
    awarded = _ints(posted.getlist("award"))
    if posted.get("scope") == "all" and form_id is not None:
        shown = _ints(posted.getlist("shown"))
        chosen = [d for d in selectors.awaiting_decision(request.user, award_form_id=form_id)
                  if d.pk in chosen_ids or d.pk not in shown]
        if not chosen:
            raise InvalidInput(_("Hãy chọn ít nhất một hồ sơ để ký quyết định."))
        if posted.get("action") == "sign" and posted.get("digest") != _chosen_digest(chosen):
            raise Conflict(_("Danh sách hồ sơ chờ quyết định của hình thức này đã thay đổi từ lúc xác nhận: "
                             "hãy xem lại trước khi ký."))
        outcomes = {n.pk: (n.pk in awarded if d.pk in shown else True) for d in chosen for n in d.nominees.all()}
    else:
        awaiting = list(selectors.awaiting_decision(request.user, pks=chosen_ids))
        gone = sorted(chosen_ids - {d.pk for d in awaiting})
        if gone:
            found = {d.pk: d for d in Dossier.objects.filter(pk__in=gone).select_related("campaign", "award_form",
                                                                                            "unit")}
            not_mine = [pk for pk in gone if pk not in found or not _may_decide(request.user, found[pk])]
            if not_mine:
                raise NotPermitted(_("Bạn không có thẩm quyền quyết định hồ sơ %(ids)s.")
                                   % {"ids": ", ".join(f"#{pk}" for pk in not_mine)})
            raise Conflict.moved_on(pks=gone, status=", ".join(
                str(DossierStatus(found[pk].status).label) for pk in gone if pk in found) or "—")
        other_form = sorted(d.pk for d in awaiting if d.award_form_id != form_id)
        if other_form:
            raise InvalidInput(_("Hồ sơ %(ids)s thuộc hình thức khen thưởng khác: mỗi hình thức là một quyết định.")
                               % {"ids": ", ".join(f"#{pk}" for pk in other_form)})
        chosen = awaiting
        if not chosen:
            raise InvalidInput(_("Hãy chọn ít nhất một hồ sơ để ký quyết định."))
        outcomes = {n.pk: n.pk in awarded for d in chosen for n in d.nominees.all()}
    signed_on = _parse_date(posted.get("signed_on", ""))
    number = posted.get("number", "")
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
    awarded = [n for n in nominees if outcomes.get(n.pk)]
    not_awarded = [n for n in nominees if not outcomes.get(n.pk)]
    form = chosen[0].award_form
    context = {
        "award_form": form, "campaign": form.campaign, "dossiers": chosen, "number": " ".join(number.split()),
        "signed_on": signed_on, "awarded": awarded[:CONFIRM_NAMES], "awarded_count": len(awarded),
        "awarded_more": max(len(awarded) - CONFIRM_NAMES, 0),
        "not_awarded": not_awarded[:CONFIRM_NAMES], "not_awarded_more": max(len(not_awarded) - CONFIRM_NAMES, 0),
        "posted": request.POST,
        "digest": _chosen_digest(chosen) if request.POST.get("scope") == "all" else "",
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


def _render_decisions(request, forms, *, status=200, posted=None, **extra):
    """The award forms awaiting the user's decision (with how many dossiers each) and one of them
    (?form=, the posted one, or the first), its dossiers paged: a Quyết định covers one award form."""
    posted_form = _int(posted.get("award_form")) if posted else None
    by_id = {form.pk: (form, count) for form, count in forms}
    form_id = posted_form if posted_form in by_id else _int(request.GET.get("form"))
    if form_id not in by_id:
        form_id = forms[0][0].pk if forms else None
    group = None
    if form_id is not None:
        form, count = by_id[form_id]
        page = Paginator(selectors.awaiting_decision(request.user, award_form_id=form_id),
                         DECISIONS_PAGE_SIZE).get_page(request.GET.get("page") or (posted or {}).get("page"))
        dossiers = list(page.object_list)
        mine = posted is not None and form_id == posted_form
        chosen = _ints(posted.getlist("dossier")) if mine else {d.pk for d in dossiers}
        group = {
            "award_form": form, "count": count, "page": page, "dossiers": dossiers, "chosen": chosen,
            # a nominee of an unticked dossier is shown unticked: it is not decided with this Quyết định
            "awarded": (_ints(posted.getlist("award")) & {n.pk for d in dossiers if d.pk in chosen
                                                          for n in d.nominees.all()} if mine
                        else {n.pk for d in dossiers for n in d.nominees.all()}),
            "all": (posted.get("scope") == "all") if mine else False,
            "number": posted.get("number", "") if mine else "",
            "signed_on": posted.get("signed_on", "") if mine else timezone.localdate().strftime("%d/%m/%Y"),
            "error": extra.get("error") if mine else None,
            "problems": extra.get("problems", []) if mine else [],
        }
    context = {"groups": [group] if group else [], "forms": forms, "form_id": form_id,
               "signer": _signer(request.user, group["award_form"].deciding_unit_id if group else None),
               "error": None, "problems": [], **extra}
    if group and posted_form == form_id:  # the message sits beside the form it is about
        context.update(error=None, problems=[])
    return render(request, "workflows/decisions.html", context, status=status)
