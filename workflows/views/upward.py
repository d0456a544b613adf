"""The provincial steps' moves and documents from the dossier page: the Chủ tịch signs the tờ trình upward,
the office records the central decision; the minutes of the provincial council and the signed tờ trình
as PDFs. Each POST calls workflows.upward; a refusal comes back on the dossier page with what was typed."""

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dossiers import selectors as dossier_selectors
from dossiers.models import ProvinceCouncilMeeting, UpwardProposal
from dossiers.models.council import failed_council_ids
from dossiers.provincial import CentralDecisionForm, UpwardForm
from dossiers.views import check_seen_status, post_dossier_form

from .. import upward


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def send_upward(request, pk):
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    form = UpwardForm(request.POST)

    def sign(data):
        check_seen_status(request, dossier)
        return upward.dossier_send_upward(dossier=dossier, actor=request.user, **data)

    return post_dossier_form(
        request, dossier, form, key="upward_form", action=sign, anchor="provincial",
        invalid=_("Tờ trình chưa hợp lệ, hãy kiểm tra các ô được đánh dấu."),
        done=lambda proposal: _("Đã ký Tờ trình số %(number)s; hồ sơ chờ quyết định của cấp trên.")
        % {"number": proposal.number})


@login_required
@require_POST
def record_central_decision(request, pk):
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    proposal = UpwardProposal.objects.filter(dossier=dossier).first()
    failed = failed_council_ids(dossier)
    nominees = (list(proposal.nominees.select_related("person", "unit")) if proposal else
                [n for n in dossier.nominees.select_related("person", "unit") if n.pk not in failed])
    form = CentralDecisionForm(request.POST, request.FILES, nominees=nominees)

    def record(data):
        check_seen_status(request, dossier)
        return upward.dossier_record_central_decision(
            dossier=dossier, actor=request.user, number=data["number"], signed_on=data["signed_on"],
            issuer=data["issuer"], outcomes=form.outcomes(), scan=data.get("scan"))

    return post_dossier_form(
        request, dossier, form, key="central_form", action=record, anchor="result",
        invalid=_("Quyết định của cấp trên chưa hợp lệ, hãy kiểm tra các ô được đánh dấu."),
        done=lambda decision: _("Đã ghi nhận Quyết định số %(number)s của %(issuer)s.")
        % {"number": decision.number, "issuer": decision.issuer})


@login_required
@require_GET
def council_minutes(request, pk):
    """Biên bản họp Hội đồng TĐKT tỉnh, generated from the recorded meeting (whoever may see the dossier)."""
    from certificates.proposals import council_minutes_pdf

    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    meeting = ProvinceCouncilMeeting.objects.filter(dossier=dossier).first()
    if meeting is None:
        raise Http404
    return _pdf(council_minutes_pdf(meeting), f"bien-ban-hoi-dong-tinh-{dossier.pk}.pdf")


@login_required
@require_GET
def upward_proposal(request, pk):
    """The signed tờ trình as it was issued (the stored file, byte for byte)."""
    dossier = dossier_selectors.visible_dossier_or_404(request.user, pk)
    proposal = UpwardProposal.objects.filter(dossier=dossier).exclude(sha256="").first()
    if proposal is None or not proposal.pdf:
        raise Http404
    with proposal.pdf.open("rb") as handle:
        return _pdf(handle.read(), f"to-trinh-{proposal.number.replace('/', '-')}.pdf")
