"""Ký bằng chữ ký số của tôi: the signer signs a decision with their own token (USB token or remote-signing
service) through the signing plugin the government's CAs ship. The shape those plugins use:

1. the page opens a session and hands the plugin a one-time link to the draft (signed with the site's
   key, expiring, usable once) and the upload address with the session's token;
2. the plugin fetches the draft, signs it on the token, and posts the signed PDF back with the token;
3. the server checks the returned PDF before accepting it (`check_returned`): the draft offered is
   byte for byte the start of the file and the signature is the one revision added to it; the signature
   covers the whole file except its own value, is intact, and adds nothing but the signature; the
   certificate chains to the trust list, is valid when it signed, and is registered to the signer.
   Anything else is refused with the reason, in Vietnamese. An accepted file is countersigned by the
   office's key (the agency's signature after the person's, as Nghị định 30/2020 orders) and becomes the
   decision's PDF.

Also here: registering a signer's certificate (.cer, DER or PEM)."""

import datetime as dt
import hashlib
import io
import logging
import secrets

from django.conf import settings
from django.core import signing as django_signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.errors import Conflict, InvalidInput, InvalidState, NotPermitted
from dossiers.rules import is_admin
from dossiers.signatures import (CertificateFacts, UnreadableCertificate, chain_problem, load_certificate,
                                 signed_at_of, trust_roots)

from .models import Decision, RenderStatus, SignerCertificate, TokenSigning, TokenSigningStatus

log = logging.getLogger("khenthuong.certificates")
LINK_SALT = "certificates.token-signing.draft"
CLOCK_SLACK = dt.timedelta(minutes=5)  # a signer's clock may differ a little from the server's


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _day(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y")


# --- registered certificates -------------------------------------------------------------------------------
@transaction.atomic
def signer_certificate_register(*, user, actor, data: bytes) -> SignerCertificate:
    """Register a certificate (.cer) to `user` (by the user, or an administrator for them). It must be a
    readable certificate, valid now, chain to the trust list, and not be registered to anyone else."""
    if actor.pk != user.pk and not is_admin(actor):
        raise NotPermitted(_("Chỉ chính người dùng hoặc quản trị hệ thống được đăng ký chứng thư số."))
    if not data:
        raise InvalidInput(_("Hãy chọn tệp chứng thư số (.cer) xuất từ thiết bị ký số."))
    try:
        certificate = load_certificate(data)
    except UnreadableCertificate:
        raise InvalidInput(_("Tệp không phải chứng thư số X.509 (.cer dạng DER hoặc PEM).")) from None
    facts = CertificateFacts.of(certificate)
    now = timezone.now()
    if not facts.valid_at(now):
        raise InvalidInput(_("Chứng thư số “%(name)s” không còn hiệu lực (hiệu lực %(start)s – %(end)s).")
                           % {"name": facts.common_name, "start": _day(facts.not_before), "end": _day(facts.not_after)})
    problem = chain_problem(certificate, trust_roots(), now)
    if problem:
        raise InvalidInput(problem)
    existing = SignerCertificate.objects.select_for_update().filter(fingerprint=facts.fingerprint).first()
    if existing is not None:
        if existing.user_id != user.pk:
            raise Conflict(_("Chứng thư số này đã được đăng ký cho một tài khoản khác; mỗi chứng thư chỉ thuộc "
                             "một người."))
        if existing.active:
            raise Conflict(_("Chứng thư số này đã được đăng ký cho bạn."))
        existing.withdrawn_at = None
        existing.save(update_fields=["withdrawn_at"])
        return existing
    try:
        with transaction.atomic():
            return SignerCertificate.objects.create(
                user=user, der=certificate.dump(), fingerprint=facts.fingerprint, subject=facts.subject[:500],
                common_name=facts.common_name[:255], issuer=facts.issuer[:500], serial=facts.serial[:100],
                not_before=facts.not_before, not_after=facts.not_after, registered_by=actor)
    except IntegrityError:
        raise Conflict(_("Chứng thư số này vừa được đăng ký.")) from None


@transaction.atomic
def signer_certificate_withdraw(*, certificate: SignerCertificate, actor) -> SignerCertificate:
    if actor.pk != certificate.user_id and not is_admin(actor):
        raise NotPermitted(_("Chỉ chính người dùng hoặc quản trị hệ thống được ngừng dùng chứng thư số."))
    certificate = SignerCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.withdrawn_at is None:
        certificate.withdrawn_at = timezone.now()
        certificate.save(update_fields=["withdrawn_at"])
    return certificate


# --- the session ------------------------------------------------------------------------------------------
def may_sign_with_token(user, decision: Decision) -> bool:
    return (user.is_authenticated and decision.signer_id == user.pk and not decision.is_revoked
            and decision.render_status == RenderStatus.DONE)


def accepted_signing(decision: Decision) -> TokenSigning | None:
    return (decision.token_signings.filter(status=TokenSigningStatus.ACCEPTED)
            .select_related("certificate").first())


def draft_link_token(token: str) -> str:
    """The one-time link's part: the session token signed with the site's key (tamper-evident, dated)."""
    return django_signing.TimestampSigner(salt=LINK_SALT).sign(token)


def token_signing_start(*, decision: Decision, actor) -> tuple[TokenSigning, str]:
    """Open a session: the draft (the decision as it will stand, PDF/A, without signature) is rendered and
    kept; returns the session and its token (shown once, kept only as a hash)."""
    from . import rendering

    if decision.signer_id != actor.pk:
        raise NotPermitted(_("Chỉ người ký quyết định (%(name)s) được ký bằng chữ ký số của mình.")
                           % {"name": decision.signer_name})
    if decision.is_revoked:
        raise InvalidState(_("Quyết định đã bị thu hồi."))
    if decision.render_status != RenderStatus.DONE:
        raise InvalidState(_("Quyết định đang được in; hãy chờ in xong rồi ký."))
    if accepted_signing(decision):
        raise InvalidState(_("Quyết định đã được ký bằng chữ ký số của người ký."))
    if not SignerCertificate.objects.filter(user=actor, withdrawn_at__isnull=True).exists():
        raise InvalidInput(_("Bạn chưa đăng ký chứng thư số: hãy đăng ký tệp .cer của thiết bị ký số trước."))
    draft = with_empty_form(rendering.decision_pdf(decision))
    token = secrets.token_urlsafe(32)
    name = f"certificates/{decision.pk}/ky-so/{_hash(token)[:16]}.pdf"
    stored = default_storage.save(name, ContentFile(draft))
    try:
        with transaction.atomic():
            locked = Decision.objects.select_for_update().get(pk=decision.pk)
            locked.token_signings.filter(status=TokenSigningStatus.OPEN).update(status=TokenSigningStatus.EXPIRED)
            now = timezone.now()
            session = TokenSigning.objects.create(
                decision=locked, user=actor, token_hash=_hash(token), draft=stored,
                draft_sha256=hashlib.sha256(draft).hexdigest(), draft_size=len(draft), created_at=now,
                expires_at=now + dt.timedelta(minutes=settings.CERTIFICATES_TOKEN_SIGNING_MINUTES))
    except BaseException:
        default_storage.delete(stored)
        raise
    return session, token


def with_empty_form(pdf: bytes) -> bytes:
    """The draft with an empty interactive form (/AcroForm with no fields yet), added as an incremental
    update: the signature the plugin adds is then a new field of an existing form, which the revision
    comparison (pyHanko's diff policy) can judge field by field."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if "/AcroForm" not in writer.root:
        writer.root["/AcroForm"] = writer.add_object(generic.DictionaryObject({
            generic.NameObject("/Fields"): generic.ArrayObject(),
            # SignaturesExist | AppendOnly, as the signature will set them: readers keep later saves incremental
            generic.NameObject("/SigFlags"): generic.NumberObject(3)}))
        writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Gone(InvalidState):
    status_code = 410


def _open_session(queryset) -> TokenSigning:
    session = queryset.first()
    if session is None:
        raise NotPermitted(_("Phiên ký số không tồn tại."))
    if session.status == TokenSigningStatus.ACCEPTED:
        raise Gone(_("Phiên ký số này đã hoàn tất: quyết định đã được ký."))
    if session.status != TokenSigningStatus.OPEN or session.expires_at <= timezone.now():
        raise Gone(_("Phiên ký số đã hết hạn hoặc đã được thay bằng phiên mới; hãy bấm “Ký bằng chữ ký số của tôi” "
                     "lại."))
    return session


@transaction.atomic
def token_signing_fetch(*, link: str) -> bytes:
    """The draft, once: the link is checked (signature, age) and spent."""
    try:
        token = django_signing.TimestampSigner(salt=LINK_SALT).unsign(
            link, max_age=dt.timedelta(minutes=settings.CERTIFICATES_TOKEN_SIGNING_MINUTES))
    except django_signing.SignatureExpired:
        raise Gone(_("Đường dẫn tải bản dự thảo đã hết hạn.")) from None
    except django_signing.BadSignature:
        raise NotPermitted(_("Đường dẫn tải bản dự thảo không hợp lệ.")) from None
    session = _open_session(TokenSigning.objects.select_for_update().filter(token_hash=_hash(token)))
    if session.fetched_at is not None:
        raise Gone(_("Đường dẫn tải bản dự thảo chỉ dùng được một lần và đã được dùng lúc %(at)s.")
                   % {"at": timezone.localtime(session.fetched_at).strftime("%H:%M:%S %d/%m/%Y")})
    session.fetched_at = timezone.now()
    session.save(update_fields=["fetched_at"])
    with default_storage.open(session.draft.name, "rb") as handle:
        return handle.read()


def check_returned(draft: bytes, data: bytes, *, user, opened_at: dt.datetime) -> tuple[list[str], dict]:
    """Every reason to refuse the signed file (empty: accept), and what was found (certificate row,
    signing time). The first failing check decides; later ones are not run on a file already refused."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY, ModificationLevel, SuspiciousModification
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    found: dict = {}
    if not data.startswith(b"%PDF"):
        return [_("Tệp gửi về không phải PDF.")], found
    if len(data) <= len(draft) or data[:len(draft)] != draft:
        return [_("Tệp đã ký không giữ nguyên bản dự thảo đã gửi: nội dung trước chữ ký khác với bản dự thảo "
                  "(tệp bị sửa, hoặc ký một tệp khác).")], found
    try:
        draft_revisions = PdfFileReader(io.BytesIO(draft), strict=False).xrefs.total_revisions
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = [s for s in reader.embedded_signatures if s.signed_revision >= draft_revisions]
    except Exception as exc:
        log.info("returned PDF unreadable: %s", exc)
        return [_("Tệp gửi về không đọc được (PDF hỏng).")], found
    if len(signatures) != 1:
        return [_("Tệp gửi về không có chữ ký số mới.") if not signatures else
                _("Tệp gửi về có %(n)s chữ ký mới; chỉ được có một chữ ký của người ký.") % {"n": len(signatures)}], found
    signature = signatures[0]
    if signature.signed_revision != draft_revisions or reader.xrefs.total_revisions != draft_revisions + 1:
        return [_("Chữ ký phải là lần cập nhật duy nhất thêm vào bản dự thảo (tệp có thêm lần sửa khác).")], found
    try:
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=[], allow_fetching=False))
    except Exception as exc:
        log.info("returned signature unreadable: %s", exc)
        return [_("Chữ ký số không đọc được (%(error)s).") % {"error": str(exc)[:120]}], found
    if not (status.intact and status.valid):
        return [_("Chữ ký số không khớp với nội dung: tệp đã bị sửa sau khi ký.")], found
    if getattr(status.coverage, "name", "") != "ENTIRE_FILE":
        return [_("Chữ ký không bao trùm toàn bộ tài liệu (trừ chính chữ ký).")], found
    review = DEFAULT_DIFF_POLICY.review_file(reader, base_revision=draft_revisions - 1)
    if isinstance(review, SuspiciousModification) or review.modification_level > ModificationLevel.FORM_FILLING:
        return [_("Lần ký đã sửa nội dung bản dự thảo, không chỉ thêm chữ ký.")], found
    certificate = signature.signer_cert
    facts = CertificateFacts.of(certificate)
    now = timezone.now()
    signed_at = signed_at_of(signature) or now
    found["signed_at"] = signed_at
    if not (opened_at - CLOCK_SLACK <= signed_at <= now + CLOCK_SLACK):
        return [_("Thời điểm ký ghi trong chữ ký (%(at)s) nằm ngoài phiên ký số.")
                % {"at": timezone.localtime(signed_at).strftime("%H:%M %d/%m/%Y")}], found
    if signed_at > facts.not_after or now > facts.not_after:
        return [_("Chứng thư số “%(name)s” đã hết hạn ngày %(end)s: không dùng để ký được.")
                % {"name": facts.common_name, "end": _day(facts.not_after)}], found
    if signed_at < facts.not_before:
        return [_("Chứng thư số “%(name)s” chưa có hiệu lực vào lúc ký (hiệu lực từ %(start)s).")
                % {"name": facts.common_name, "start": _day(facts.not_before)}], found
    problem = chain_problem(certificate, trust_roots(), signed_at, intermediates=signature.other_embedded_certs)
    if problem:
        return [problem], found
    registered = SignerCertificate.objects.filter(fingerprint=facts.fingerprint).first()
    if registered is None or not registered.active:
        return [_("Chứng thư số “%(name)s” (số hiệu %(serial)s) chưa được đăng ký cho tài khoản nào: hãy đăng ký "
                  "chứng thư của bạn trước khi ký.") % {"name": facts.common_name, "serial": facts.serial}], found
    if registered.user_id != user.pk:
        return [_("Chứng thư số “%(name)s” không phải chứng thư đã đăng ký của bạn: quyết định phải do chính "
                  "người ký ký.") % {"name": facts.common_name}], found
    found["certificate"] = registered
    return [], found


def token_signing_submit(*, token: str, data: bytes) -> Decision:
    """The plugin posts the signed PDF with the session's token. Checked outside any transaction (it
    takes a moment); the outcome is recorded under the session's lock."""
    from . import signing

    session = _open_session(TokenSigning.objects.filter(token_hash=_hash(token or "")).select_related("decision"))
    if session.fetched_at is None:
        raise InvalidState(_("Bản dự thảo của phiên này chưa được tải về để ký."))
    if len(data) > settings.UPLOAD_MAX_BYTES:
        raise InvalidInput(_("Tệp đã ký quá lớn."))
    with default_storage.open(session.draft.name, "rb") as handle:
        draft = handle.read()
    problems, found = check_returned(draft, data, user=session.user, opened_at=session.created_at)
    countersigned = None
    if not problems:
        decision = session.decision
        countersigned = signing.sign_pdf(data, reason=f"Văn thư {decision.issuing_unit.name}: Quyết định số "
                                         f"{decision.number}", location=decision.place, field_name="ChuKySoCoQuan")
    with transaction.atomic():
        locked = _open_session(TokenSigning.objects.select_for_update().filter(pk=session.pk))
        locked.attempts += 1
        if problems:
            locked.last_refusal = "\n".join(problems)
            locked.save(update_fields=["attempts", "last_refusal"])
        else:
            decision = Decision.objects.select_for_update().get(pk=locked.decision_id)
            name = f"certificates/{decision.pk}/quyet-dinh-{decision.pk}-ky-so.pdf"
            default_storage.delete(name)
            decision.decision_pdf.name = default_storage.save(name, ContentFile(countersigned))
            Decision.objects.filter(pk=decision.pk).update(decision_pdf=decision.decision_pdf.name)
            locked.status, locked.completed_at = TokenSigningStatus.ACCEPTED, timezone.now()
            locked.certificate, locked.signed_at, locked.last_refusal = found["certificate"], found["signed_at"], ""
            locked.save(update_fields=["attempts", "status", "completed_at", "certificate", "signed_at",
                                       "last_refusal"])
    if problems:
        raise InvalidInput(_("Không nhận tệp đã ký:"), problems=problems)
    return Decision.objects.get(pk=session.decision_id)
