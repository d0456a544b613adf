"""Digital signatures inside PDFs (chữ ký số): who signed, when, whether the signed bytes are intact,
whether the signature covers the document, and whether the signer's certificate chains to the trust list
(the government CA roots, kept as data files in SIGNATURES_TRUST_DIR) and was valid when it signed.

Used for the documents units upload (a tờ trình signed by the unit's head) and by `certificates` for a
decision signed with the signer's own token. Nothing here fetches from the network: revocation is not
checked (no CRL/OCSP access from the server); the reports say so."""

import datetime as dt
import hashlib
import io
import logging
import asyncio
import dataclasses
from dataclasses import asdict, dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

log = logging.getLogger("khenthuong.signatures")
TRUST_SUFFIXES = {".cer", ".crt", ".pem", ".der"}


class UnreadableCertificate(ValueError):
    """Not an X.509 certificate (DER or PEM)."""


def load_certificate(data: bytes):
    """An asn1crypto certificate from DER or PEM bytes (a .cer file is either)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    try:
        if pem.detect(data):
            _type, _headers, data = pem.unarmor(data)
        certificate = asn1_x509.Certificate.load(data)
        certificate.native  # noqa: B018 — parses the whole structure now, not lazily later
    except Exception as exc:  # asn1crypto raises ValueError, TypeError, KeyError… on junk
        raise UnreadableCertificate(str(exc)) from exc
    return certificate


def fingerprint(certificate) -> str:
    return hashlib.sha256(certificate.dump()).hexdigest()


def trust_files() -> list[Path]:
    folder = Path(settings.SIGNATURES_TRUST_DIR)
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in TRUST_SUFFIXES) if folder.is_dir() else []
    return files + [Path(p) for p in settings.SIGNATURES_TRUST_FILES]


def trust_roots() -> list:
    """The certificates of the trust list. A file that is not a certificate is logged and skipped."""
    roots = []
    for path in trust_files():
        try:
            roots.append(load_certificate(path.read_bytes()))
        except (OSError, UnreadableCertificate) as exc:
            log.error("trust list: %s is not a readable certificate (%s); skipped", path, exc)
    return roots


def name_of(name) -> str:
    """The common name of an X.509 name, or its whole text."""
    try:
        return name.native.get("common_name") or name.human_friendly
    except Exception:  # noqa: BLE001
        return ""


@dataclass
class CertificateFacts:
    """What a person reads of a certificate: subject, issuer, serial, validity, fingerprint."""

    subject: str
    common_name: str
    issuer: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    fingerprint: str

    @classmethod
    def of(cls, certificate) -> "CertificateFacts":
        return cls(subject=certificate.subject.human_friendly, common_name=name_of(certificate.subject),
                   issuer=certificate.issuer.human_friendly, serial=format(certificate.serial_number, "x"),
                   not_before=certificate.not_valid_before, not_after=certificate.not_valid_after,
                   fingerprint=fingerprint(certificate))

    def valid_at(self, moment: dt.datetime) -> bool:
        return self.not_before <= moment <= self.not_after


def chain_problem(certificate, roots: list, moment: dt.datetime, intermediates=()) -> str:
    """"" when `certificate` chains to one of `roots` and the path is valid at `moment`; otherwise why not,
    in Vietnamese."""
    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    if not roots:
        return _("Chưa cấu hình danh sách tổ chức chứng thực tin cậy (chứng thư gốc của Chính phủ).")
    context = ValidationContext(trust_roots=roots, other_certs=list(intermediates), moment=moment,
                                allow_fetching=False, revocation_mode="soft-fail")
    try:
        asyncio.run(CertificateValidator(certificate, validation_context=context).async_validate_usage(set()))
    except Exception as exc:  # PathBuildingError, PathValidationError, expiry…
        log.info("certificate %s does not chain: %s", name_of(certificate.subject), exc)
        if type(exc).__name__ == "PathBuildingError":
            return _("Chứng thư số do “%(issuer)s” cấp, không thuộc danh sách tổ chức chứng thực tin cậy.") % {
                "issuer": name_of(certificate.issuer)}
        return _("Chứng thư số không hợp lệ theo danh sách tổ chức chứng thực tin cậy.")
    return ""


@dataclass
class SignatureReport:
    """One signature of a PDF as checked: `ok` when intact, covering the document, trusted and valid then."""

    field: str = ""
    signer: str = ""
    subject: str = ""
    issuer: str = ""
    serial: str = ""
    fingerprint: str = ""
    not_before: str = ""
    not_after: str = ""
    signed_at: str = ""          # ISO, as the signer reported it (no timestamp authority)
    intact: bool = False         # the signed bytes are those the signature was made over
    covers_document: bool = False  # nothing but allowed additions (later signatures) after it
    trusted: bool = False        # the certificate chains to the trust list
    valid_at_signing: bool = False
    revision: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)

    @property
    def signed_when(self) -> dt.datetime | None:
        return dt.datetime.fromisoformat(self.signed_at) if self.signed_at else None

    @property
    def issuer_name(self) -> str:
        """The issuer's common name ("Common Name: X, …" → X)."""
        first = self.issuer.split(", ")[0]
        return first.split(": ", 1)[1] if ": " in first else self.issuer

    @property
    def ok(self) -> bool:
        return self.intact and self.covers_document and self.trusted and self.valid_at_signing and not self.problems

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


class UnreadablePdf(ValueError):
    pass


def signed_at_of(signature) -> dt.datetime | None:
    """The signing time the signer's software wrote in the signature (CMS signingTime), if any."""
    try:
        return signature.self_reported_timestamp
    except Exception:  # noqa: BLE001
        return None


def check_pdf_signatures(data: bytes, *, roots: list | None = None) -> list[SignatureReport]:
    """Every signature of the PDF, checked. Raises UnreadablePdf when the file cannot be parsed; an
    unsigned PDF gives []."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = list(reader.embedded_signatures)
    except Exception as exc:
        raise UnreadablePdf(str(exc)) from exc
    roots = trust_roots() if roots is None else roots
    reports = []
    for signature in signatures:
        report = SignatureReport(field=str(signature.field_name or ""), revision=signature.signed_revision)
        reports.append(report)
        certificate = signature.signer_cert
        signed_at = signed_at_of(signature)
        report.signed_at = signed_at.isoformat() if signed_at else ""
        if certificate is not None:
            facts = CertificateFacts.of(certificate)
            report.signer, report.subject, report.issuer = facts.common_name, facts.subject, facts.issuer
            report.serial, report.fingerprint = facts.serial, facts.fingerprint
            report.not_before, report.not_after = facts.not_before.isoformat(), facts.not_after.isoformat()
            report.valid_at_signing = facts.valid_at(signed_at or timezone.now())
            if not report.valid_at_signing:
                report.problems.append(_("Chứng thư số không còn hiệu lực vào lúc ký (hiệu lực %(start)s – "
                                         "%(end)s).") % {"start": facts.not_before.strftime("%d/%m/%Y"),
                                                         "end": facts.not_after.strftime("%d/%m/%Y")})
        # Crypto and coverage with a context that trusts nothing: the chain is judged below, at the
        # signing time, with its own Vietnamese reason.
        try:
            status = validate_pdf_signature(signature, ValidationContext(trust_roots=[], allow_fetching=False))
            report.intact = bool(status.intact and status.valid)
            level = getattr(status.coverage, "name", "")
            modification = getattr(status.modification_level, "name", "")
            report.covers_document = level == "ENTIRE_FILE" or (
                level == "ENTIRE_REVISION" and modification in {"NONE", "LTA_UPDATES", "FORM_FILLING"}
                and not status.docmdp_ok is False)
        except Exception as exc:  # a malformed signature dictionary, an unsupported algorithm…
            log.info("signature %s could not be validated: %s", report.field, exc)
            report.problems.append(_("Chữ ký số không đọc được (%(error)s).") % {"error": str(exc)[:120]})
            continue
        if not report.intact:
            report.problems.insert(0, _("Nội dung đã bị thay đổi sau khi ký (chữ ký không khớp)."))
        elif not report.covers_document:
            report.problems.append(_("Tệp đã bị sửa hoặc thêm nội dung sau khi ký."))
        if certificate is not None:
            problem = chain_problem(certificate, roots, signed_at or timezone.now(),
                                    intermediates=signature.other_embedded_certs)
            report.trusted = not problem
            if problem:
                report.problems.append(problem)
    return reports
