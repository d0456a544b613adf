"""The reviewers' pages: the inbox (filters, pages, forwarding several dossiers at once) and the
review page (documents side by side, accept or return each with a reason, approve the step)."""

import logging
from types import SimpleNamespace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers import selectors as dossier_selectors
from dossiers.errors import DossierError, InvalidInput, NotPermitted
from dossiers.models import Dossier, DossierStatus
from dossiers.policy import Action, may, may_open_review, possible
from dossiers.rules import can_view_dossier
from dossiers.views import check_seen_status, describe_nominees, dossier_url, error_overrides

from .. import selectors, services
from ..flows import ACTIVE
from ._common import _ints

log = logging.getLogger("khenthuong.web")
INBOX_PAGE_SIZE = 50


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
    # the page is chosen among task ids; only its rows are loaded with their dossiers
    pages = Paginator(selectors.inbox(request.user, filters, now=now).values_list("pk", flat=True), INBOX_PAGE_SIZE)
    page = pages.get_page(filters.page)
    tasks = selectors.inbox_tasks(page.object_list)
    if not (filters.campaign or filters.unit or filters.status or filters.due or filters.q):
        request._inbox_total = pages.count        # the top bar's count is this one: not counted twice
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
               "consultation": dossier_selectors.consultation_outcome(dossier),
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
