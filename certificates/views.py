"""Pages: the public verification page, and for those who handle decisions the decision page with
its downloads and a progress indicator while the PDFs are rendered."""

import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dossiers.errors import DossierError, InvalidInput, NotPermitted
from dossiers.models import Role
from dossiers.rules import roles_at
from dossiers.spreadsheets import xlsx_without_formulas

from . import rendering, selectors, services, signing, token_signing
from .models import Certificate, RenderStatus, SignerCertificate


def verify(request, token: str):
    """Public, no login: what the certificate prints, whether it is valid, and the signature check.
    Nothing else (no CCCD, no birth date, no dossier)."""
    # Tokens are short URL-safe strings; anything else (a NUL byte breaks the PostgreSQL query) is unknown.
    valid = len(token) <= 32 and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in token)
    certificate = selectors.certificate_by_token(token) if valid else None
    if certificate is None:
        return render(request, "certificates/verify.html", {"certificate": None}, status=404)
    decision = certificate.decision
    context = {
        "certificate": certificate, "decision": decision, "award_name": decision.award_form.name,
        "award_title": rendering.award_title(rendering.certificate_kind(decision.award_form)),
        "signed_date": rendering.vn_date(decision.signed_on), "signature": selectors.decision_signature(decision),
    }
    response = render(request, "certificates/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _decision_or_404(request, pk):
    decision = selectors.decision_for(request.user, pk)
    if decision is None:
        raise Http404
    return decision


def _status(decision) -> dict:
    """The true state of the rendering: queued (and whether the queue is reachable), rendering x of y,
    stalled, retrying or failed with the reason, done."""
    from django.utils import timezone
    from django.utils.formats import date_format

    from outbox.models import OutboxMessage

    from .services import RENDER_KIND
    from .tasks import is_stalled

    status, detail = decision.render_status, ""
    if status == RenderStatus.PENDING:
        message = (OutboxMessage.objects.filter(kind=RENDER_KIND, dedupe_key=str(decision.pk),
                                                delivered_at__isnull=True).first())
        if message is not None and message.last_error:
            detail = _("Hàng đợi in chưa sẵn sàng; hệ thống tự thử lại (lần %(n)s, tiếp lúc %(at)s).") % {
                "n": message.attempts, "at": date_format(timezone.localtime(message.available_at), "H:i:s")}
        elif decision.render_queued_at:
            detail = _("Đã chuyển cho máy in lúc %(at)s, đang chờ đến lượt.") % {
                "at": date_format(timezone.localtime(decision.render_queued_at), "H:i:s")}
    elif status == RenderStatus.RUNNING and is_stalled(decision):
        beat = decision.render_heartbeat_at or decision.render_started_at
        detail = _("Máy in không phản hồi từ %(at)s; hệ thống sẽ tự in tiếp, hoặc bấm “In lại”.") % {
            "at": date_format(timezone.localtime(beat), "H:i:s") if beat else "?"}
    elif status == RenderStatus.RETRYING:
        detail = _("Lần in thứ %(n)s dừng giữa chừng (%(reason)s); hệ thống tự in tiếp phần còn lại.") % {
            "n": decision.render_attempts, "reason": decision.render_error[:300]}
    elif status == RenderStatus.FAILED:
        detail = _("In bị lỗi sau %(n)s lần thử: %(reason)s. Bấm “In lại” để thử lại; số sổ vàng đã cấp không "
                   "thay đổi.") % {"n": decision.render_attempts, "reason": decision.render_error[:300]}
    return {"status": status, "label": decision.get_render_status_display(), "detail": detail,
            "done": decision.render_done, "total": decision.render_total,
            "ready": status == RenderStatus.DONE}


@login_required
def decision_detail(request, pk: int):
    return _decision_page(request, _decision_or_404(request, pk))


def _decision_page(request, decision, *, session=None, token="", error=None, problems=(), status=200):
    handles = selectors.handles_decision(request.user, decision)
    certificates = selectors.visible_certificates(request.user, decision)
    identity, identity_error = selectors.server_identity() if handles else (None, "")
    return render(request, "certificates/decision_detail.html", {
        "identity": identity, "identity_error": identity_error,
        "signatures": selectors.decision_signatures(decision) if handles else [],
        "decision": decision, "certificates": certificates, "status": _status(decision), "handles": handles,
        "can_rerender": selectors.may_rerender(request.user, decision),
        "signature": selectors.decision_signature(decision),
        "can_revoke": Role.CHAIRMAN in roles_at(request.user, decision.issuing_unit_id)
        and not decision.is_revoked,
        "token_signing": _token_signing_context(request, decision, session, token, error, problems) if handles
        else None,
    }, status=status)


def _token_signing_context(request, decision, session, token, error, problems) -> dict:
    """The "Ký bằng chữ ký số của tôi" part: for the decision's signer, the session just opened (its
    links are shown once), the accepted signing, or the button."""
    context = {"accepted": token_signing.accepted_signing(decision),
               "may_sign": token_signing.may_sign_with_token(request.user, decision), "error": error,
               "problems": list(problems), "registered": SignerCertificate.objects.filter(
                   user=request.user, withdrawn_at__isnull=True).exists()}
    if session is not None and token:
        link = token_signing.draft_link_token(token)
        context.update(session=session, token=token,
                       file_url=request.build_absolute_uri(reverse("certificates:token_draft", args=[link])),
                       upload_url=request.build_absolute_uri(reverse("certificates:token_upload")))
    return context


@login_required
@require_POST
def decision_token_sign(request, pk: int):
    """Open a "sign with my token" session: the page shows the one-time draft link and the upload address."""
    decision = _decision_or_404(request, pk)
    try:
        session, token = token_signing.token_signing_start(decision=decision, actor=request.user)
    except DossierError as exc:
        return _decision_page(request, decision, error=exc.message, problems=exc.problems,
                              status=_http_status(exc))
    return _decision_page(request, decision, session=session, token=token)


def _http_status(exc: DossierError) -> int:
    return 403 if isinstance(exc, NotPermitted) else exc.status_code


def _problem(exc: DossierError) -> JsonResponse:
    status = _http_status(exc)
    response = JsonResponse({"title": _("Không thực hiện được"), "status": status, "detail": exc.message,
                             "problems": exc.problems}, status=status,
                            json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/problem+json"
    return response


@require_GET
def token_draft(request, link: str):
    """The draft for the signing plugin, once (no login: the plugin holds only the link)."""
    try:
        data = token_signing.token_signing_fetch(link=link)
    except DossierError as exc:
        return _problem(exc)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="du-thao-quyet-dinh.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt  # the plugin authenticates with the session's token, not a cookie
@require_http_methods(["POST"])
def token_upload(request):
    """The signed PDF posted back: multipart (`file`, `token`) or the raw PDF with
    `Authorization: Bearer <token>`. JSON answer for the plugin; the page's own form is redirected."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else request.POST.get("token", "")
    upload = request.FILES.get("file")
    if upload is not None:
        data = upload.read(settings.UPLOAD_MAX_BYTES + 1)
    elif request.content_type == "application/pdf":
        data = request.body
    else:
        data = b""
    from_page = request.POST.get("from_page") == "1"
    try:
        if not data:
            raise InvalidInput(_("Không có tệp đã ký trong yêu cầu (trường “file” hoặc nội dung PDF)."))
        decision = token_signing.token_signing_submit(token=token, data=data)
    except DossierError as exc:
        if from_page and request.user.is_authenticated:
            messages.error(request, str(exc))
            pk = _int(request.POST.get("decision"))
            if pk:
                return redirect("certificates:decision", pk=pk)
        return _problem(exc)
    if from_page:
        messages.success(request, _("Đã nhận quyết định có chữ ký số của bạn."))
        return redirect("certificates:decision", pk=decision.pk)
    return JsonResponse({"status": "accepted", "detail": _("Đã nhận quyết định có chữ ký số của bạn."),
                         "decision": decision.number}, json_dumps_params={"ensure_ascii": False})


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def my_certificates(request):
    """Chứng thư số của tôi: register the .cer of one's token, see and withdraw registered ones."""
    error, problems, status = None, [], 200
    if request.method == "POST":
        try:
            if request.POST.get("withdraw"):
                found = SignerCertificate.objects.filter(user=request.user, pk=_int(request.POST["withdraw"])).first()
                if found is None:
                    raise Http404
                token_signing.signer_certificate_withdraw(certificate=found, actor=request.user)
                messages.success(request, _("Đã ngừng dùng chứng thư số “%(name)s”.") % {"name": found.common_name})
            else:
                upload = request.FILES.get("certificate")
                data = upload.read(64 * 1024) if upload is not None else b""
                registered = token_signing.signer_certificate_register(user=request.user, actor=request.user,
                                                                       data=data)
                messages.success(request, _("Đã đăng ký chứng thư số “%(name)s”.") % {"name": registered.common_name})
            return redirect("certificates:my_certificates")
        except DossierError as exc:
            error, problems, status = exc.message, exc.problems, exc.status_code
    return render(request, "certificates/my_certificates.html", {
        "certificates": SignerCertificate.objects.filter(user=request.user), "error": error, "problems": problems,
    }, status=status)


@login_required
def decision_status(request, pk: int):
    """Polled by the decision page while the PDFs are being rendered."""
    return JsonResponse(_status(_decision_or_404(request, pk)))


def _stored(field_file, filename: str):
    if not field_file.name or not default_storage.exists(field_file.name):
        raise Http404
    return FileResponse(default_storage.open(field_file.name, "rb"), as_attachment=True, filename=filename,
                        content_type="application/pdf")


def _slug(number: str) -> str:
    """An ASCII file name part: 1234/QĐ-UBND → 1234-QD-UBND."""
    ascii_text = unicodedata.normalize("NFKD", number.replace("Đ", "D").replace("đ", "d"))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return "".join(ch if ch.isalnum() or ch == "-" else "-" for ch in ascii_text).strip("-")


@login_required
def decision_pdf(request, pk: int):
    decision = _decision_or_404(request, pk)
    return _stored(decision.decision_pdf, f"quyet-dinh-{_slug(decision.number)}.pdf")


@login_required
def certificates_pdf(request, pk: int):
    """The batch; ?blank=1 renders the pre-printed-blank version now (text only, at the blank's positions)."""
    decision = _decision_or_404(request, pk)
    if not selectors.handles_decision(request.user, decision):
        raise Http404  # a unit downloads its own certificates one by one, never the whole batch
    if request.GET.get("blank") == "1":
        data = signing.sign_pdf(rendering.certificates_pdf(decision, blank=True),
                                reason=f"Bằng khen theo Quyết định số {decision.number}", location=decision.place)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="phoi-in-san-{_slug(decision.number)}.pdf"'
        return response
    return _stored(decision.certificates_pdf, f"bang-khen-{_slug(decision.number)}.pdf")


@login_required
def awardees_xlsx(request, pk: int):
    decision = _decision_or_404(request, pk)
    if not selectors.handles_decision(request.user, decision):
        raise Http404
    response = HttpResponse(xlsx_without_formulas(rendering.awardees_xlsx(decision)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="danh-sach-{_slug(decision.number)}.xlsx"'
    return response


@login_required
def certificate_pdf(request, pk: int):
    """One certificate, rendered now and signed; ?blank=1 for a pre-printed blank."""
    certificate = Certificate.objects.select_related("decision").filter(pk=pk).first()
    if certificate is None:
        raise Http404
    decision = _decision_or_404(request, certificate.decision_id)
    if not selectors.visible_certificates(request.user, decision).filter(pk=certificate.pk).exists():
        raise Http404  # another unit's certificate
    certificate.decision = decision
    data = rendering.certificate_pdf(certificate, blank=request.GET.get("blank") == "1")
    data = signing.sign_pdf(data, reason=f"Bằng khen theo Quyết định số {decision.number}", location=decision.place)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bang-khen-{certificate.register_code}.pdf"'
    return response


@login_required
@require_POST
def decision_rerender(request, pk: int):
    decision = _decision_or_404(request, pk)
    try:
        services.decision_rerender(decision=decision, actor=request.user)
        messages.success(request, _("Đã yêu cầu in lại quyết định và bằng khen."))
    except DossierError as exc:
        messages.error(request, str(exc))
    return redirect("certificates:decision", pk=pk)


@login_required
@require_POST
def decision_revoke(request, pk: int):
    decision = _decision_or_404(request, pk)
    try:
        services.decision_revoke(decision=decision, actor=request.user, reason=request.POST.get("reason", ""))
        messages.success(request, _("Đã thu hồi quyết định %(number)s.") % {"number": decision.number})
    except DossierError as exc:
        messages.error(request, str(exc))
    return redirect("certificates:decision", pk=pk)


# --- the office's money and statistics ------------------------------------------------------------------
def _year(request) -> int:
    from django.utils import timezone

    value = request.GET.get("nam", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


def _fund_scope_or_404(request):
    from .funds import fund_scope

    scope = fund_scope(request.user)
    if scope is not None and not scope:
        raise Http404
    return scope


@login_required
def funds(request):
    """Tiền thưởng đã chi trong năm, theo cơ quan chi, hình thức, quyết định và đơn vị nhận."""
    from .funds import fund_report
    from .models import Decision

    scope = _fund_scope_or_404(request)
    report = fund_report(year=_year(request), units=scope)
    years = sorted({d.year for d in Decision.objects.dates("signed_on", "year")} | {report.year}, reverse=True)
    return render(request, "certificates/funds.html", {"report": report, "years": years})


@login_required
def funds_xlsx(request):
    from .funds import fund_report, fund_xlsx

    year = _year(request)
    content = xlsx_without_formulas(fund_xlsx(fund_report(year=year, units=_fund_scope_or_404(request))))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tien-thuong-{year}.xlsx"'
    return response


@login_required
def statistics_xlsx(request):
    """Báo cáo thống kê (biểu 0601–0605.N/BNV-TĐKT) of the year, for Sở Nội vụ and administrators; `cap` picks
    the level of the units whose decisions and campaigns are counted (tinh, xa…)."""
    from dossiers.models import UnitLevel

    from .statistics import statistics_xlsx as workbook

    if _fund_scope_or_404(request) is not None:
        raise Http404
    year = _year(request)
    level = UnitLevel.objects.filter(code=request.GET.get("cap", "")).first()
    response = HttpResponse(xlsx_without_formulas(workbook(year=year, level=level)),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="thong-ke-tdkt-{year}.xlsx"'
    return response
