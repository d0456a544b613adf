"""The dossier page and the work inside a step (nominees, documents, council, rating). Views stay
thin: they shape input, call one service, and turn a DossierError into a message on the same page
with what the user typed kept. Moves along the path are in workflows.views, which renders this
same page through `render_dossier`."""

import logging
from urllib.parse import quote

from csp.constants import SELF
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST
from . import selectors, services
from .errors import Conflict, DossierError, NotPermitted
from .forms import CouncilForm, NomineeForm, RatingForm, UploadForm
from .models import Document, DocumentType, DossierStatus, Nominee
from .policy import actions_for
from .rules import is_unit_member
from .services.documents import receiving_failed

log = logging.getLogger("khenthuong.web")


def _storage_read_errors() -> tuple[type[Exception], ...]:
    """What the document storage raises when it cannot be read: the disk (OSError), S3 (botocore)."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # pragma: no cover - boto3 is a dependency
        return (OSError,)
    return (OSError, BotoCoreError, ClientError)


STORAGE_READ_ERRORS = _storage_read_errors()


def wants_json(request) -> bool:
    return request.headers.get("x-requested-with") == "XMLHttpRequest" or "application/json" in request.headers.get(
        "accept", "")


def check_seen_status(request, dossier) -> None:
    """Two people on one dossier: the page posts the status it showed; a different status now means
    someone else acted first."""
    seen = request.POST.get("seen_status")
    if seen and seen != dossier.status:
        raise Conflict.moved_on(pks=[dossier.pk], status=dossier.get_status_display())


def dossier_context(request, dossier, **overrides) -> dict:
    """The dossier page: what it shows, and what this user may do now (dossiers.policy)."""
    actions = actions_for(request.user, dossier)
    return_request = selectors.open_return_request(dossier)
    nominees = describe_nominees(dossier.nominees.select_related("person", "unit"))
    has_rating = _has_rating(dossier)
    return_items = selectors.return_items(dossier, return_request) if return_request else []
    posted_replies = overrides.pop("replies_posted", None) or {}
    for item in return_items:
        item.draft = posted_replies.get(item.index, item.reply)
    results = selectors.decision_results(dossier) if dossier.is_decided else []
    for nominee in nominees:  # the certificate of the newest decision in force
        nominee.issued = next((r.issued[nominee.pk] for r in results if not r.revoked and nominee.pk in r.issued), None)
    context = {
        "dossier": dossier,
        "task": selectors.open_task(dossier),
        "actions": actions,
        "is_unit": actions.is_unit,
        "can_edit": actions.edit,
        "can_edit_nominees": actions.edit_nominees,
        "can_prepare": actions.prepare,
        "can_submit": actions.submit,
        "can_resubmit": actions.resubmit,
        "can_withdraw": actions.withdraw,
        "can_review": actions.review,
        "can_decide": actions.decide,
        "can_rate": actions.rate,
        "rating": dossier.rating if has_rating else None,
        "nominees": nominees,
        "return_request": return_request,
        "general_reasons": selectors.general_reasons(return_request),
        "return_items": return_items,
        "results": results,
        "decided_event": (selectors.timeline(dossier).filter(kind="decision", data__step__isnull=False).first()
                          if dossier.is_decided else None),
        "unanswered": sum(1 for item in return_items if not item.answered),
        "checklist": selectors.checklist(dossier, return_request=return_request),
        "documents": selectors.current_documents(dossier),
        "events": _labelled(selectors.timeline(dossier)[:60]),
        "path": _path_states(dossier),
        "consultation": selectors.consultation_outcome(dossier),
        "answering": selectors.answerable_agencies(request.user, dossier),
        "posting": selectors.current_posting(dossier),
        "may_handle_posting": _may_handle_posting(request.user, dossier),
        "nominee_form": NomineeForm(units=selectors.unit_choices_for_collective(dossier)),
        "council_form": _council_form(dossier, nominees),
        "council_recorded": getattr(dossier, "council_meeting", None) is not None,
        "rating_form": RatingForm(),
        "max_upload_bytes": settings.UPLOAD_MAX_BYTES,
        "error": None,
        "problems": [],
    }
    from .provincial import provincial_context  # the provincial council, the tờ trình upward, the central decision

    context.update(provincial_context(request, dossier, nominees, overrides))
    context.update(overrides)
    return context


def describe_nominees(nominees):
    """Attach the one-line description the pages show under a nominee's name."""
    nominees = list(nominees)
    for nominee in nominees:
        parts = [nominee.position, nominee.workplace]
        if nominee.person_id and nominee.person.citizen_id:
            parts.append(_("CCCD %(id)s") % {"id": nominee.person.masked_citizen_id})
        if nominee.votes_for is not None:
            parts.append(_("%(v)s phiếu đồng ý") % {"v": nominee.votes_for})
        nominee.detail_line = " · ".join(p for p in parts if p)
    return nominees


def _labelled(events):
    labels = dict(DossierStatus.choices)
    events = list(events)
    for event in events:
        event.to_label = labels.get(event.to_status, "")
    return events


def _has_rating(dossier) -> bool:
    return hasattr(dossier, "rating")  # RelatedObjectDoesNotExist is an AttributeError


def _council_form(dossier, nominees, data=None):
    meeting = getattr(dossier, "council_meeting", None)  # RelatedObjectDoesNotExist is an AttributeError
    # empty until the unit types what its minutes say: nothing is guessed (not last year's council,
    # not today's date, not "everyone voted yes")
    initial = {}
    if meeting:
        initial = {"held_on": meeting.held_on, "members_total": meeting.members_total,
                   "members_present": meeting.members_present}
    return CouncilForm(data, nominees=nominees, initial=initial)


def _path_states(dossier):
    """The configured path in its configured order, each step with its kind's work and its state."""
    path = dossier.configured_path()
    steps = [config.step for config in path]
    current = dossier.resumes_at
    index = steps.index(current) if current in steps else (len(steps) if dossier.is_decided else -1)
    return [{"step": config.step, "work": config.work_label,
             "state": "done" if i < index else ("current" if i == index else "todo")}
            for i, config in enumerate(path)]


def _may_handle_posting(user, dossier) -> bool:
    """The posting step's role at its acting unit, while the dossier is posted (objections)."""
    from .models import Step
    from .rules import can_act

    return dossier.status == DossierStatus.POSTED and can_act(user, dossier, Step.POSTING)


def render_dossier(request, dossier, *, status=200, **overrides):
    dossier.refresh_from_db()
    return render(request, "dossiers/detail.html", dossier_context(request, dossier, **overrides), status=status)


def error_overrides(exc: DossierError) -> dict:
    return {"error": exc.message, "problems": exc.problems}


def post_dossier_form(request, dossier, form, *, key: str, invalid: str, action, done, anchor: str = ""):
    """The one shape of a form posted from the dossier page. An invalid form, or a service that refuses, renders
    the page again with what was typed and the reason (400, or the refusal's own status); an action that
    committed says so (``done``: a text, or a function of the action's result) and redirects to ``anchor``."""
    if not form.is_valid():
        return render_dossier(request, dossier, status=400, error=invalid, **{key: form})
    try:
        result = action(form.cleaned_data)
    except DossierError as exc:
        return render_dossier(request, dossier, status=exc.status_code, **{key: form}, **error_overrides(exc))
    messages.success(request, done(result) if callable(done) else done)
    return redirect(dossier_url(dossier, anchor))


@login_required
@require_GET
def dossier_detail(request, pk):
    dossier = selectors.visible_dossier_or_404(request.user, pk)
    return render_dossier(request, dossier)


@login_required
@require_POST
def nominee_add(request, pk):
    dossier = selectors.visible_dossier_or_404(request.user, pk)
    form = NomineeForm(request.POST, units=selectors.unit_choices_for_collective(dossier))
    return post_dossier_form(
        request, dossier, form, key="nominee_form",
        invalid=_("Thông tin đối tượng chưa hợp lệ, hãy kiểm tra các ô được đánh dấu."),
        action=lambda data: services.nominee_add(dossier=dossier, actor=request.user, **form.service_kwargs()),
        done=lambda nominee: _("Đã thêm %(name)s.") % {"name": nominee.name}, anchor="nominees")


@login_required
@require_POST
def nominee_remove(request, pk, nominee_pk):
    dossier = selectors.visible_dossier_or_404(request.user, pk)
    nominee = get_object_or_404(Nominee, pk=nominee_pk, dossier=dossier)
    try:
        services.nominee_remove(nominee=nominee, actor=request.user)
    except DossierError as exc:
        return render_dossier(request, dossier, status=exc.status_code, **error_overrides(exc))
    messages.success(request, _("Đã bỏ %(name)s khỏi hồ sơ.") % {"name": nominee.name})
    return redirect(dossier_url(dossier, "nominees"))


@login_required
@require_POST
def document_upload(request, pk):
    """Drag-and-drop uploads post here with XMLHttpRequest and get JSON (the row to redraw); without
    JavaScript the same form posts normally and the page comes back."""
    dossier = selectors.visible_dossier_or_404(request.user, pk)
    form = UploadForm(request.POST, request.FILES)
    received_error = getattr(request, "upload_error", None)   # set by dossiers.uploadhandlers
    if received_error is not None:
        return _upload_refused(request, dossier, receiving_failed(received_error))
    try:
        if not form.is_valid():
            raise _invalid_upload(form)
        document_type = DocumentType.objects.filter(code=form.cleaned_data["document_type"]).first()
        if document_type is None:
            raise _invalid_upload(form)
        nominee = None
        if form.cleaned_data.get("nominee"):
            nominee = Nominee.objects.filter(pk=form.cleaned_data["nominee"], dossier=dossier).first()
            if nominee is None:
                raise NotPermitted()
        document = services.document_upload(dossier=dossier, actor=request.user, file=form.cleaned_data["file"],
                                            document_type=document_type, nominee=nominee)
    except DossierError as exc:
        return _upload_refused(request, dossier, exc)
    message = _("Đã tải lên “%(name)s” (%(type)s, phiên bản %(version)s).") % {
        "name": document.original_name, "type": document.document_type.name, "version": document.version}
    if wants_json(request):
        dossier.refresh_from_db()
        # the whole step block: the row, the step's badge and its "Còn thiếu…" list, all fresh
        block = next((s for s in selectors.checklist(dossier, return_request=selectors.open_return_request(dossier))
                      if any(r.document and r.document.pk == document.pk for r in s.rows)), None)
        html = render_to_string("dossiers/_step_block.html",
                                {"block": block, "dossier": dossier, "can_edit": True,
                                 "max_upload_bytes": settings.UPLOAD_MAX_BYTES}, request=request) if block else ""
        return JsonResponse({"ok": True, "message": message, "block": html, "document": document.pk,
                             "row_id": f"req-{document.document_type.code}-{document.nominee_id or 0}"})
    messages.success(request, message)
    return redirect(dossier_url(dossier, "checklist"))


def _upload_refused(request, dossier, exc: DossierError):
    """A refused upload: JSON {"error": ...} for the page's XMLHttpRequest, else the page with the
    message; 400 for a bad file, 503/507 when storage or the virus scanner failed."""
    status = exc.status_code
    if wants_json(request):
        return JsonResponse({"ok": False, "error": str(exc)}, status=status)
    return render_dossier(request, dossier, status=status, **error_overrides(exc))


def _invalid_upload(form) -> DossierError:
    from .errors import InvalidInput

    if form.errors.get("file"):
        return InvalidInput(_("Hãy chọn một tệp để tải lên."))
    return InvalidInput(_("Thành phần hồ sơ không hợp lệ."))


@login_required
@require_GET
@xframe_options_sameorigin  # the preview <iframe> of the dossier and review pages (same origin only);
# The site-wide policy says frame-ancestors 'none'; a served file is also sandboxed (no script, no
# form, an opaque origin), whatever it is.
@csp_replace({"frame-ancestors": [SELF], "sandbox": True})
def document_view(request, document_pk):
    """The file itself, inline (PDF preview in the page) or as a download, only to those who may see
    the dossier; every opening is logged."""
    document = get_object_or_404(Document.objects.select_related("dossier"), pk=document_pk)
    try:
        handle = services.document_open(document=document, actor=request.user)
    except NotPermitted:
        raise Http404 from None
    except FileNotFoundError:
        raise Http404 from None
    except STORAGE_READ_ERRORS:
        log.exception("document %s could not be read from the storage", document.pk)
        return render(request, "dossiers/document_unavailable.html", {"document": document}, status=503)
    # Inline only a PDF that passed the upload's deep checks (the preview), and then sandboxed: no
    # script, no form, its own opaque origin. Word files, images and anything else are downloads,
    # never opened by the browser in the site's origin.
    inline = document.previewable and not request.GET.get("download")
    response = FileResponse(handle, content_type=document.content_type)
    response["Content-Disposition"] = (f"{'inline' if inline else 'attachment'}; "
                                       f"filename*=UTF-8''{quote(document.original_name)}")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def council_record(request, pk):
    dossier = selectors.visible_dossier_or_404(request.user, pk)
    nominees = list(dossier.nominees.select_related("person", "unit"))
    form = _council_form(dossier, nominees, data=request.POST)
    return post_dossier_form(
        request, dossier, form, key="council_form",
        invalid=_("Kết quả họp xét chưa hợp lệ, hãy kiểm tra các ô được đánh dấu."),
        action=lambda data: services.council_record(
            dossier=dossier, actor=request.user, held_on=data["held_on"], members_total=data["members_total"],
            members_present=data["members_present"], votes=form.votes()),
        done=_("Đã ghi kết quả họp xét."), anchor="council")


@login_required
@require_POST
def dossier_rate(request, pk):
    dossier = selectors.visible_dossier_or_404(request.user, pk)
    form = RatingForm(request.POST)
    return post_dossier_form(
        request, dossier, form, key="rating_form", invalid=_("Hãy chọn mức độ hài lòng từ 1 đến 5."),
        action=lambda data: services.dossier_rate(dossier=dossier, actor=request.user, score=data["score"],
                                                  comment=data["comment"]),
        done=_("Cảm ơn bạn đã đánh giá chất lượng phục vụ."))


@login_required
@require_GET
def person_lookup(request, pk):
    """JSON for the nominee form: what the unit already holds about a person with this CCCD."""
    dossier = selectors.visible_dossier_or_404(request.user, pk)
    if not is_unit_member(request.user, dossier):
        raise Http404
    found = selectors.known_person_for_unit(dossier.unit, request.GET.get("cccd", "").strip())
    return JsonResponse({"found": bool(found), **(found or {})})


def dossier_url(dossier, anchor: str = "") -> str:
    from django.urls import reverse

    url = reverse("dossiers:detail", args=[dossier.pk])
    return f"{url}#{anchor}" if anchor else url
