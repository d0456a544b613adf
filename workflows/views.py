"""Pages that move dossiers along the path: home, create, the unit's step buttons, the reviewers'
inbox and review page, the decision page, and the dashboard. Each POST calls workflows.services;
a DossierError comes back as a message on the same page with the user's input kept."""

import datetime as dt
import logging
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from dossiers import selectors as dossier_selectors
from dossiers.criteria.views import REPORT_ROLES
from dossiers.errors import Conflict, DossierError, InvalidInput, NotPermitted
from dossiers.forms import parse_day
from dossiers import services as dossier_services
from dossiers.models import (
    AwardForm, Campaign, Dossier, DossierStatus, Membership, ReturnRequest, Role, Unit, kind_of,
)
from dossiers.policy import Action, may, may_open_review, possible
from dossiers.rules import can_act, can_view_dossier
from dossiers.views import check_seen_status, describe_nominees, dossier_url, error_overrides, render_dossier

from . import selectors, services
from .flows import ACTIVE

log = logging.getLogger("khenthuong.web")
INBOX_PAGE_SIZE = 50


# --- home ----------------------------------------------------------------------------------------
@login_required
def home(request):
    """Each role lands on its own work: a unit sees open campaigns (with the countdown) and its
    dossiers; reviewers and signers see their inbox."""
    user = request.user
    roles = {role for _unit, role in selectors.user_pairs(user)}
    is_unit = bool(roles & {Role.UNIT_OFFICER, Role.UNIT_HEAD})
    is_reviewer = bool(roles & {Role.APPRAISER, Role.HOME_AFFAIRS, Role.CHAIRMAN}) or user.is_superuser
    tasks = list(selectors.inbox(user)[:50])
    now = timezone.now()
    context = {
        "is_unit": is_unit,
        "is_reviewer": is_reviewer,
        "is_chairman": Role.CHAIRMAN in roles,
        "campaigns": dossier_selectors.open_campaigns_for(user, now=now) if is_unit else [],
        "dossiers": list(dossier_selectors.unit_dossiers(user)[:30]) if is_unit else [],
        "tasks": tasks,
        "now": now,
        "due_soon_at": now + selectors.DUE_SOON,
        "overdue": sum(1 for t in tasks if t.due_at and t.due_at < now),
        "due_soon": sum(1 for t in tasks if t.due_at and now <= t.due_at <= now + selectors.DUE_SOON),
    }
    return render(request, "home.html", context)


def _int(value) -> int:
    """A posted id, or 0 (matches nothing) when it is not a small positive integer."""
    value = str(value or "")
    return int(value) if value.isdigit() and len(value) < 18 else 0


def _ints(values) -> set[int]:
    return {number for number in map(_int, values) if number}


# --- the unit -------------------------------------------------------------------------------------
@login_required
@require_POST
def dossier_create(request):
    campaign = get_object_or_404(Campaign, pk=_int(request.POST.get("campaign")))
    award_form = get_object_or_404(AwardForm, pk=_int(request.POST.get("award_form")), campaign=campaign)
    unit = get_object_or_404(Unit, pk=_int(request.POST.get("unit")))
    try:
        dossier = services.dossier_create(campaign=campaign, award_form=award_form, unit=unit, actor=request.user)
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect("home")
    messages.success(request, _("Đã lập hồ sơ #%(pk)s. Hãy thêm đối tượng và tải lên các thành phần hồ sơ.")
                     % {"pk": dossier.pk})
    return redirect(dossier_url(dossier))


@login_required
@require_POST
def complete_steps(request, pk):
    """"Hoàn tất, trình thủ trưởng": finish every preparation step that is complete, in order, so an
    officer who prepared everything at once needs one click."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    done = []
    try:
        check_seen_status(request, dossier)
        if not possible(dossier, Action.PREPARE):
            raise InvalidInput(_("Hồ sơ không còn ở bước chuẩn bị của đơn vị."))
        while possible(dossier, Action.PREPARE):
            step = dossier.current_step
            dossier = services.dossier_complete_step(dossier=dossier, actor=request.user, step=step)
            done.append(str(step.label))
    except DossierError as exc:
        if done:
            messages.success(request, _("Đã hoàn thành: %(steps)s.") % {"steps": ", ".join(done)})
        return render_dossier(request, dossier, status=exc.status_code, **error_overrides(exc))
    if possible(dossier, Action.SUBMIT):
        messages.success(request, _("Hồ sơ đã đủ thành phần và được trình thủ trưởng đơn vị ký gửi."))
    else:
        messages.success(request, _("Đã hoàn thành: %(steps)s.") % {"steps": ", ".join(done)})
    return redirect(dossier_url(dossier))


def _path_action(request, pk, act, success: str, **keep):
    """One move along the path from the dossier page: the service does the work; a refusal comes
    back on the same page with what was typed (`keep`) still in the form."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    try:
        check_seen_status(request, dossier)
        act(dossier)
    except DossierError as exc:
        return render_dossier(request, dossier, status=exc.status_code, **keep, **error_overrides(exc))
    messages.success(request, success)
    return redirect(dossier_url(dossier))


@login_required
@require_POST
def dossier_submit(request, pk):
    comment = request.POST.get("comment", "")
    return _path_action(request, pk, lambda d: services.dossier_submit(dossier=d, actor=request.user,
                                                                      comment=comment),
                        _("Đã ký và gửi hồ sơ để thẩm định. In giấy tiếp nhận hồ sơ và hẹn trả kết quả từ "
                          "đường dẫn ở đầu trang."))


@login_required
@require_POST
def dossier_resubmit(request, pk):
    """The unit's written replies to returned items (reply_<n>) are saved first, whatever happens
    next; "save" stops there, otherwise the dossier is sent back (refused while an item is unanswered)."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    comment = request.POST.get("comment", "")
    replies = {int(key[6:]): value for key, value in request.POST.items()
               if key.startswith("reply_") and key[6:].isdigit() and len(key) < 12}
    try:
        check_seen_status(request, dossier)
        if replies:
            dossier_services.return_reply(dossier=dossier, actor=request.user, replies=replies)
        if request.POST.get("action") == "save":
            messages.success(request, _("Đã lưu ý kiến của đơn vị."))
            return redirect(dossier_url(dossier))
        request_pk = ReturnRequest.objects.filter(dossier=dossier, resolved_at__isnull=True).values_list(
            "pk", flat=True).first()
        services.dossier_resubmit(dossier=dossier, actor=request.user, comment=comment)
    except DossierError as exc:
        return render_dossier(request, dossier, status=exc.status_code, replies_posted=replies, resubmit_comment=comment,
                              **error_overrides(exc))
    if ReturnRequest.objects.filter(pk=request_pk, late=True).exists():
        messages.warning(request, _("Đã gửi lại hồ sơ đã bổ sung, sau hạn bổ sung: lần gửi này được ghi nhận là "
                                    "quá hạn."))
    else:
        messages.success(request, _("Đã gửi lại hồ sơ đã bổ sung."))
    return redirect(dossier_url(dossier))


@login_required
@require_POST
def dossier_withdraw(request, pk):
    reason = request.POST.get("reason", "")
    return _path_action(request, pk, lambda d: services.dossier_withdraw(dossier=d, actor=request.user,
                                                                        reason=reason),
                        _("Đã rút hồ sơ."), withdraw_reason=reason)


# --- reviewers ------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    filters = selectors.InboxFilters.from_query(request.GET)
    if request.method == "POST":
        return _forward_selected(request, filters)
    return _render_inbox(request, filters)


def _render_inbox(request, filters, *, status=200, **extra):
    now = timezone.now()
    campaigns, units = selectors.inbox_choices(request.user)
    pages = Paginator(selectors.inbox(request.user, filters, now=now), INBOX_PAGE_SIZE)
    page = pages.get_page(filters.page)
    tasks = list(page.object_list)
    context = {"tasks": tasks, "page": page, "total": pages.count,
               "prev_query": filters.querystring(page=page.previous_page_number()) if page.has_previous() else "",
               "next_query": filters.querystring(page=page.next_page_number()) if page.has_next() else "", "filters": filters, "campaigns": campaigns, "units": units, "now": now,
               "due_soon_at": now + selectors.DUE_SOON, "statuses": DossierStatus.choices,
               "can_forward": any(t.is_review for t in tasks), "selected": set(), **extra}
    return render(request, "workflows/inbox.html", context, status=status)


def _forward_selected(request, filters):
    """Approve several dossiers at once and show the consolidated list (danh sách tổng hợp)."""
    ids = sorted(_ints(request.POST.getlist("dossier")))
    if not ids:
        return _render_inbox(request, filters, status=400, error=_("Hãy chọn ít nhất một hồ sơ để chuyển tiếp."))
    forwarded, failures, codes = [], [], set()
    found = {d.pk: d for d in Dossier.objects.filter(pk__in=ids).select_related("campaign", "award_form", "unit")}
    for pk in ids:
        dossier = found.get(pk)
        if dossier is None or not can_view_dossier(request.user, dossier):
            # another unit's dossier is not found, never named (its unit would leak)
            failures.append((SimpleNamespace(pk=pk, unit=None), _("Không tìm thấy hồ sơ.")))
            continue
        step = dossier.current_step
        try:
            if not may(request.user, dossier, Action.REVIEW):
                raise Http404
            services.dossier_approve_step(dossier=dossier, actor=request.user,
                                          comment=request.POST.get("comment", ""))
            forwarded.append((dossier, step))
        except Http404:
            failures.append((dossier, _("Bạn không xử lý hồ sơ này ở bước hiện tại.")))
        except DossierError as exc:
            failures.append((dossier, str(exc)))
            codes.add(exc.status_code)
    for dossier, _step in forwarded:
        dossier.refresh_from_db()
    return render(request, "workflows/forwarded.html",
                  {"forwarded": forwarded, "failures": failures, "now": timezone.now()},
                  status=200 if forwarded else (409 if codes == {409} else 400))


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    """Documents side by side with a preview; accept or return each with a reason; approve the step."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    documents = list(dossier_selectors.current_documents(dossier))
    if not may_open_review(request.user, dossier):
        if request.method == "POST":
            try:  # someone else moved it on meanwhile: say so, keep what was typed
                check_seen_status(request, dossier)
            except DossierError as exc:
                return _render_review(request, dossier, documents, status=exc.status_code, posted=request.POST,
                                      **error_overrides(exc))
            messages.error(request, NotPermitted().message)    # may see the dossier, may not act on it
        return redirect(dossier_url(dossier))
    if request.method == "GET":
        return _render_review(request, dossier, documents)
    posted = request.POST
    action = posted.get("action")
    try:
        check_seen_status(request, dossier)
        verdict = services.dossier_review(dossier=dossier, actor=request.user, action=action,
                                          reasons=_reasons_from(posted, documents),
                                          comment=posted.get("comment", ""),
                                          verdicts={d.pk: posted.get(f"verdict_{d.pk}", "") for d in documents})
        messages.success(request, {
            "approve": _("Đã chuyển tiếp hồ sơ #%(pk)s."),
            "return": _("Đã trả lại hồ sơ #%(pk)s để đơn vị bổ sung."),
            "reject": _("Đã loại hồ sơ #%(pk)s."),
        }[verdict] % {"pk": dossier.pk})
    except DossierError as exc:
        dossier.refresh_from_db()
        return _render_review(request, dossier, documents, status=exc.status_code, posted=posted,
                              **error_overrides(exc))
    return redirect("workflows:inbox")


def _reasons_from(posted, documents) -> list[dict]:
    reasons = []
    for document in documents:
        if posted.get(f"verdict_{document.pk}") == "return":
            text = " ".join(posted.get(f"reason_{document.pk}", "").split())
            if not text:
                raise InvalidInput(_("Hãy ghi lý do trả lại cho “%(doc)s”.") % {"doc": _doc_label(document)})
            reasons.append({"text": text, "document_type": document.document_type.code,
                            "nominee": document.nominee_id})
    general = " ".join(posted.get("general_reason", "").split())
    if general:
        reasons.append({"text": general, "document_type": None, "nominee": None})
    return reasons


def _doc_label(document) -> str:
    name = document.document_type.name
    return f"{name} — {document.nominee.name}" if document.nominee_id else name


def _render_review(request, dossier, documents, *, status=200, posted=None, **extra):
    posted = posted or {}
    # nothing pre-selected: the reviewer chooses "Đạt" or "Trả lại" for each document
    rows = [{"document": d, "label": _doc_label(d), "verdict": posted.get(f"verdict_{d.pk}", ""),
             "reason": posted.get(f"reason_{d.pk}", ""), "earlier": []} for d in documents]
    # the review after a return: per item the earlier reason, the unit's reply, what changed
    earlier = dossier_selectors.last_answered_return(dossier, dossier.current_step) if dossier.current_step else None
    earlier_items, changes = [], []
    if earlier:
        earlier_items = dossier_selectors.return_items(dossier, earlier)
        changes = dossier_selectors.nominee_changes(dossier, earlier)
        for item in earlier_items:
            matched = [row for row in rows if item.document_type is not None
                       and row["document"].document_type_id == item.document_type.pk
                       and (item.nominee is None or row["document"].nominee_id == item.nominee.pk)]
            for row in matched:
                row["earlier"].append(item)
    context = {"dossier": dossier, "rows": rows, "at_decision": possible(dossier, Action.DECIDE),
               "earlier_return": earlier, "earlier_items": earlier_items,
               "nominee_changes": changes,
               "can_act_now": may_open_review(request.user, dossier), "nominees": describe_nominees(dossier.nominees.select_related("person", "unit")),
               "posted": posted, "general_reason": posted.get("general_reason", ""),
               "comment": posted.get("comment", ""), "task": dossier.tasks.filter(status__in=ACTIVE, flow_task_type="HUMAN").first(),
               "criteria_html": _criteria_html(request, dossier),
               "error": None, "problems": [], **extra}
    return render(request, "workflows/review.html", context, status=status)


def _criteria_html(request, dossier) -> str:
    """The criteria appraisal panel. Its failure must not take the review page down: it is logged, and
    the page says the panel is missing."""
    try:
        return render_to_string("criteria/_evaluation.html", {"dossier": dossier}, request=request)
    except Exception:
        log.exception("criteria panel failed for dossier %s", dossier.pk)
        return format_html('<section class="card" id="criteria-unavailable"><div class="alert alert-error" '
                           'role="alert">{}</div></section>',
                           _("Không hiển thị được phần đánh giá tiêu chí của hồ sơ này do lỗi hệ thống (đã ghi "
                             "nhận để xử lý). Hãy tự đối chiếu tiêu chí trước khi quyết định, hoặc tải lại trang "
                             "sau ít phút."))


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


def _render_confirmation(request, chosen, outcomes, number, signed_on):
    nominees = [n for d in chosen for n in d.nominees.all()]
    form = chosen[0].award_form
    context = {
        "award_form": form, "campaign": form.campaign, "dossiers": chosen, "number": " ".join(number.split()),
        "signed_on": signed_on, "awarded": [n for n in nominees if outcomes.get(n.pk)],
        "not_awarded": [n for n in nominees if not outcomes.get(n.pk)], "posted": request.POST,
        "signer": Membership.objects.filter(user=request.user, role=Role.CHAIRMAN, is_active=True,
                                            unit_id=form.deciding_unit_id).select_related("user").first(),
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
               "signer": Membership.objects.filter(user=request.user, role=Role.CHAIRMAN, is_active=True)
               .select_related("user").first(),
               "error": None, "problems": [], **extra}
    if shown_in_group:  # the message sits beside the form it is about
        context.update(error=None, problems=[])
    return render(request, "workflows/decisions.html", context, status=status)


# --- dashboard ------------------------------------------------------------------------------------
@login_required
def dashboard(request):
    campaign = None
    campaign_id = _int(request.GET.get("campaign"))
    if campaign_id:
        campaign = Campaign.objects.filter(pk=campaign_id).first()
    stats = selectors.dashboard(request.user, campaign=campaign)
    peak = max([count for _v, _l, count in stats.by_status] + [1])
    status_bars = [{"value": v, "label": label, "count": count, "width": 100.0 * count / peak}
                   for v, label, count in stats.by_status]
    days_peak = max([days for _l, days, _n in stats.step_days] + [1])
    step_bars = [{"label": label, "days": days, "count": n, "width": 100.0 * days / days_peak}
                 for label, days, n in stats.step_days]
    rating_peak = max([n for _s, n in stats.rating_histogram] + [1])
    rating_bars = [{"score": s, "count": n, "width": 100.0 * n / rating_peak} for s, n in stats.rating_histogram]
    context = {"stats": stats, "campaign": campaign, "campaigns": Campaign.objects.all(),
               "status_bars": status_bars, "step_bars": step_bars, "rating_bars": rating_bars,
               "status_chart_height": 24 * len(status_bars) + 8,
               "step_chart_height": 24 * max(len(step_bars), 1) + 8,
               "gauges": [
                   {"label": _("Đúng hạn"), "value": stats.on_time_rate, "target": None,
                    "note": ngettext("%(n)s bước đã xử lý", "%(n)s bước đã xử lý", stats.finished_tasks)
                    % {"n": stats.finished_tasks}},
                   {"label": _("Hài lòng"), "value": stats.satisfaction_rate, "target": 95,
                    "note": ngettext("%(n)s lượt đánh giá", "%(n)s lượt đánh giá", stats.rating_count)
                    % {"n": stats.rating_count}},
               ]}
    return render(request, "workflows/dashboard.html", context)


# --- navigation (context processor) ---------------------------------------------------------------
def nav_context(request):
    """What the top bar needs: whether the user has an inbox, its size, whether they sign decisions."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = {role for _unit, role in selectors.user_pairs(user)}
    return {"nav_has_inbox": bool(roles) or user.is_superuser,
            "nav_inbox_count": selectors.inbox_count(user) if roles else 0,
            "nav_is_chairman": Role.CHAIRMAN in roles,
            "nav_reports": bool(roles & REPORT_ROLES) or user.is_superuser,
            "nav_deadlines": bool(roles - {Role.UNIT_OFFICER}) or user.is_superuser}
