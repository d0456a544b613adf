"""Digital signatures on decision and certificate PDFs (pyHanko), and their verification.

The key and certificate come from settings CERTIFICATES_SIGNING_KEY / CERTIFICATES_SIGNING_CERT
(PEM files). When they are not configured, a self-signed demo identity is generated on first use
under var/signing/ — never committed, and only good for the demo and tests: a province signs with
the key of its certificate authority (Ban Cơ yếu Chính phủ)."""

import datetime as dt
import io
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

log = logging.getLogger("khenthuong.certificates")
_lock = threading.Lock()
DEMO_SUBJECT = "Khen thuong - chu ky so thu nghiem (demo)"


def signing_paths() -> tuple[Path, Path]:
    key, cert = settings.CERTIFICATES_SIGNING_KEY, settings.CERTIFICATES_SIGNING_CERT
    if key and cert:
        return Path(key), Path(cert)
    folder = Path(settings.CERTIFICATES_SIGNING_DIR)
    return folder / "demo-key.pem", folder / "demo-cert.pem"


def generate_identity(key_path: Path, cert_path: Path, *, common_name: str = DEMO_SUBJECT) -> None:
    """Write a self-signed EC P-256 key and certificate (10 years) as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "UBND tinh Lang Son (demo)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    key_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def ensure_identity() -> tuple[Path, Path]:
    key_path, cert_path = signing_paths()
    configured = settings.CERTIFICATES_SIGNING_KEY and settings.CERTIFICATES_SIGNING_CERT
    if not configured and not settings.CERTIFICATES_DEMO_IDENTITY:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("No signing key configured (CERTIFICATES_SIGNING_KEY / CERTIFICATES_SIGNING_CERT) "
                                   "and the demo identity is off: refusing to sign with a generated identity")
    with _lock:
        if not (key_path.exists() and cert_path.exists()):
            log.warning("No signing key configured: generating a self-signed demo identity in %s", key_path.parent)
            generate_identity(key_path, cert_path)
    return key_path, cert_path


def sign_pdf(data: bytes, *, reason: str, location: str = "") -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    key_path, cert_path = ensure_identity()
    signer = signers.SimpleSigner.load(str(key_path), str(cert_path))
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    meta = signers.PdfSignatureMetadata(field_name="ChuKySo", reason=reason, location=location or None,
                                        md_algorithm="sha256")
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


@dataclass
class SignatureCheck:
    """Result of checking a PDF's signature, for people: `valid` and one line of text."""

    valid: bool
    message: str
    signer: str = ""
    signed_at: dt.datetime | None = None


def verify_pdf(data: bytes) -> SignatureCheck:
    """Valid only if the PDF carries a signature that covers the whole file, is intact, and chains to
    our signing certificate."""
    from asn1crypto import pem, x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # a broken file is simply "not valid"
        log.info("unreadable PDF during signature check: %s", exc)
        return SignatureCheck(False, _("Tệp không đọc được."))
    if not signatures:
        return SignatureCheck(False, _("Tệp không có chữ ký số."))
    _key, cert_path = ensure_identity()
    _type, _headers, der = pem.unarmor(cert_path.read_bytes())
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)])
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except Exception as exc:
        log.info("signature validation failed: %s", exc)
        return SignatureCheck(False, _("Chữ ký số không hợp lệ."))
    signer = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    if not status.intact:
        return SignatureCheck(False, _("Nội dung đã bị thay đổi sau khi ký."), signer, status.signer_reported_dt)
    if not status.valid or not status.trusted:
        return SignatureCheck(False, _("Chữ ký số không hợp lệ hoặc không do cơ quan ban hành ký."), signer,
                              status.signer_reported_dt)
    if status.coverage is None or status.coverage.name != "ENTIRE_FILE":
        return SignatureCheck(False, _("Tệp đã được thêm nội dung sau khi ký."), signer, status.signer_reported_dt)
    return SignatureCheck(True, _("Chữ ký số hợp lệ, nội dung còn nguyên vẹn."), signer, status.signer_reported_dt)
