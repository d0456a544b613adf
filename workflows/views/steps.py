"""The work of the new kinds of step from the dossier page (issue 12): a consulted agency's answer
(hiệp y), the office's objections and their resolution at a posting step (công khai), and the public
page where the posted lists are read and objections sent. Each POST calls one service; a refusal
comes back on the same page with what was typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers import selectors as dossier_selectors
from dossiers.errors import DossierError, InvalidInput, NotPermitted
from dossiers.models import PostingObjection, PublicPosting, Unit
from dossiers.services.documents import receiving_failed
from dossiers.views import check_seen_status, dossier_url, error_overrides, render_dossier

from .. import consultation, posting
from ._common import _int


@login_required
@require_POST
def consultation_answer(request, pk):
    """A consulted agency's opinion: agree, or disagree with reasons; a signed letter may be attached."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    agency = Unit.objects.filter(pk=_int(request.POST.get("agency"))).first()
    verdict, reasons = request.POST.get("verdict", ""), request.POST.get("reasons", "")
    try:
        if agency is None:  # the form names it; a hand-made request for one's only agency means that one
            mine = dossier_selectors.answerable_agencies(request.user, dossier)
            if len(mine) != 1:
                raise (InvalidInput(_("Hãy chọn cơ quan trả lời.")) if mine else NotPermitted())
            agency = mine[0]
        check_seen_status(request, dossier)
        try:
            attachment = request.FILES.get("attachment")
        except OSError as exc:
            raise receiving_failed(exc) from exc
        consultation.consultation_answer(dossier=dossier, actor=request.user, agency=agency, verdict=verdict,
                                         reasons=reasons, attachment=attachment)
    except DossierError as exc:
        return render_dossier(request, dossier, status=exc.status_code, consult_posted={
            "agency": agency.pk if agency else None, "verdict": verdict, "reasons": reasons}, **error_overrides(exc))
    messages.success(request, _("Đã gửi ý kiến hiệp y của %(unit)s.") % {"unit": agency.name})
    return redirect(dossier_url(dossier, "consultation"))


@login_required
@require_POST
def objection_record(request, pk):
    """The office records an objection it received by letter, phone or in person."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    text = request.POST.get("text", "")
    sender = request.POST.get("sender_name", "")
    current = dossier_selectors.current_posting(dossier)
    try:
        posting.objection_submit(posting_id=current.pk if current else 0, text=text, sender_name=sender,
                                 sender_contact=request.POST.get("sender_contact", ""), actor=request.user)
    except DossierError as exc:
        return render_dossier(request, dossier, status=exc.status_code,
                              objection_posted={"text": text, "sender_name": sender}, **error_overrides(exc))
    messages.success(request, _("Đã ghi nhận ý kiến phản ánh."))
    return redirect(dossier_url(dossier, "posting"))


@login_required
@require_POST
def objection_resolve(request, pk, objection_pk):
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    objection = get_object_or_404(PostingObjection.objects.select_related("posting"), pk=objection_pk,
                                  posting__dossier=dossier)
    resolution = request.POST.get("resolution", "")
    try:
        posting.objection_resolve(objection=objection, actor=request.user, resolution=resolution)
    except DossierError as exc:
        return render_dossier(request, dossier, status=exc.status_code,
                              resolution_posted={objection.pk: resolution}, **error_overrides(exc))
    messages.success(request, _("Đã ghi kết quả xem xét ý kiến phản ánh."))
    return redirect(dossier_url(dossier, "posting"))


@require_GET
def public_list(request):
    """Trang công khai: every list on public now (no login). It shows what the list is — each
    nominee's name, position and workplace or unit, the proposing unit, the award — never a CCCD."""
    return render(request, "workflows/public_postings.html", {"postings": posting.public_postings()})


@require_http_methods(["GET", "POST"])
def public_objection(request, posting_pk):
    """Anyone may send an objection to a list on public (no login): a text, optionally a name and a
    way to be reached."""
    listed = get_object_or_404(PublicPosting.objects.select_related("dossier__unit", "dossier__award_form"),
                               pk=posting_pk)
    context = {"posting": listed, "error": None, "problems": [], "posted": {}}
    if request.method == "POST":
        posted = {key: request.POST.get(key, "") for key in ("text", "sender_name", "sender_contact")}
        try:
            posting.objection_submit(posting_id=listed.pk, **posted)
        except DossierError as exc:
            context.update(error_overrides(exc), posted=posted)
            return render(request, "workflows/public_objection.html", context, status=exc.status_code)
        messages.success(request, _("Cảm ơn. Ý kiến phản ánh của bạn đã được ghi nhận và sẽ được xem xét."))
        return redirect("workflows:public_list")
    return render(request, "workflows/public_objection.html", context)
