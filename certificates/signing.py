"""Digital signatures on decision and certificate PDFs (pyHanko), and their verification.

The key is in a PKCS#11 token or HSM when CERTIFICATES_PKCS11_MODULE is set (token by label or slot, key
by label or id, PIN from a file or the environment; the certificate on the token or in a file). Otherwise
the key and certificate come from settings CERTIFICATES_SIGNING_KEY / CERTIFICATES_SIGNING_CERT
(PEM files). When neither is configured, a self-signed demo identity is generated on first use
under var/signing/ — never committed, and only good for the demo and tests: a province signs with
the key of its certificate authority (Ban Cơ yếu Chính phủ)."""

import datetime as dt
import io
import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

log = logging.getLogger("khenthuong.certificates")
_lock = threading.Lock()
_token_lock = threading.RLock()
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


# --- the server's signing identity: PEM files or a PKCS#11 token --------------------------------------
def uses_token() -> bool:
    return bool(settings.CERTIFICATES_PKCS11_MODULE)


def _pin() -> str | None:
    """The token's user PIN: from CERTIFICATES_PKCS11_PIN_FILE (first line) or CERTIFICATES_PKCS11_PIN."""
    if settings.CERTIFICATES_PKCS11_PIN_FILE:
        return Path(settings.CERTIFICATES_PKCS11_PIN_FILE).read_text().splitlines()[0].strip()
    return settings.CERTIFICATES_PKCS11_PIN


@contextmanager
def _token_signer():
    """A pyHanko signer on the configured PKCS#11 token, its session closed afterwards. One session at a
    time per process: a token (and many HSM partitions) serialises its operations anyway."""
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11 as sign_pkcs11

    from dossiers.signatures import load_certificate

    slot = settings.CERTIFICATES_PKCS11_SLOT
    label = settings.CERTIFICATES_PKCS11_TOKEN_LABEL
    key_id = settings.CERTIFICATES_PKCS11_KEY_ID
    cert_file = settings.CERTIFICATES_PKCS11_CERT_FILE
    with _token_lock:
        session = sign_pkcs11.open_pkcs11_session(
            settings.CERTIFICATES_PKCS11_MODULE, slot_no=slot if slot >= 0 else None,
            token_criteria=TokenCriteria(label=label) if label else None, user_pin=_pin())
        try:
            yield sign_pkcs11.PKCS11Signer(
                session, key_label=settings.CERTIFICATES_PKCS11_KEY_LABEL,
                key_id=bytes.fromhex(key_id) if key_id else None,
                cert_label=None if cert_file else settings.CERTIFICATES_PKCS11_CERT_LABEL,
                signing_cert=load_certificate(Path(cert_file).read_bytes()) if cert_file else None,
                use_raw_mechanism=settings.CERTIFICATES_PKCS11_RAW_MECHANISM)
        finally:
            session.close()


@contextmanager
def signer():
    """The pyHanko signer of the server's identity: the PKCS#11 token when configured, else the PEM files
    (or the demo identity)."""
    if uses_token():
        with _token_signer() as token_signer:
            yield token_signer
        return
    from pyhanko.sign import signers

    key_path, cert_path = ensure_identity()
    yield signers.SimpleSigner.load(str(key_path), str(cert_path))


_certificate_cache: dict = {}


def _config_key() -> tuple:
    return (settings.CERTIFICATES_PKCS11_MODULE, settings.CERTIFICATES_PKCS11_TOKEN_LABEL,
            settings.CERTIFICATES_PKCS11_SLOT, settings.CERTIFICATES_PKCS11_KEY_LABEL,
            settings.CERTIFICATES_PKCS11_KEY_ID, settings.CERTIFICATES_PKCS11_CERT_LABEL,
            settings.CERTIFICATES_PKCS11_CERT_FILE, *signing_paths())


def certificate():
    """The server's signing certificate (asn1crypto), read once per configuration."""
    from dossiers.signatures import load_certificate

    key = _config_key()
    if key not in _certificate_cache:
        if uses_token():
            with signer() as token_signer:
                found = token_signer.signing_cert
        else:
            _key, cert_path = ensure_identity()
            found = load_certificate(cert_path.read_bytes())
        _certificate_cache.clear()
        _certificate_cache[key] = found
    return _certificate_cache[key]


def certificate_pem() -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", certificate().dump())


@dataclass
class Identity:
    """Who the server signs as, for the decision page: subject, issuer, validity, and where the key is."""

    facts: object  # dossiers.signatures.CertificateFacts
    source: str

    @property
    def valid_now(self) -> bool:
        return self.facts.valid_at(dt.datetime.now(dt.timezone.utc))


def identity() -> Identity:
    from dossiers.signatures import CertificateFacts

    if uses_token():
        label = settings.CERTIFICATES_PKCS11_TOKEN_LABEL or f"slot {settings.CERTIFICATES_PKCS11_SLOT}"
        source = _("Khóa trong thiết bị PKCS#11 (token “%(token)s”, khóa “%(key)s”)") % {
            "token": label, "key": settings.CERTIFICATES_PKCS11_KEY_LABEL or settings.CERTIFICATES_PKCS11_KEY_ID}
    elif settings.CERTIFICATES_SIGNING_KEY:
        source = _("Khóa trong tệp PEM trên máy chủ")
    else:
        source = _("Chứng thư thử nghiệm tự cấp (chỉ dùng cho bản demo)")
    return Identity(facts=CertificateFacts.of(certificate()), source=source)


def sign_bytes(data: bytes) -> bytes:
    """A raw signature (SHA-256; ECDSA in DER, or RSA PKCS#1 v1.5) over `data` with the server's key:
    the export messages (api/exports.py) are signed with it."""
    import asyncio

    with signer() as active:
        return asyncio.run(active.async_sign_raw(data, "sha256"))


def sign_pdf(data: bytes, *, reason: str, location: str = "", field_name: str = "ChuKySo") -> bytes:
    """Sign `data` as an incremental update: the bytes before stay as they were (a PDF/A stays PDF/A)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    meta = signers.PdfSignatureMetadata(field_name=field_name, reason=reason, location=location or None,
                                        md_algorithm="sha256")
    with signer() as active:  # first: no identity (production without a key) refuses before anything else
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        _keep_metadata_consistent(writer)
        return signers.sign_pdf(writer, meta, signer=active).getvalue()


def _keep_metadata_consistent(writer) -> None:
    """A PDF/A's document info and XMP packet must say the same (ISO 19005-3, 6.6.2.3). pyHanko rewrites
    the XMP from its own view of the metadata and appends itself to /Producer in the info only: give it
    the document's title, creator and creation date, and one producer string for both."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    info_ref = getattr(writer, "_info", None)
    meta = getattr(writer, "_meta", None)
    if "/Metadata" not in writer.root or info_ref is None or meta is None:
        return
    info = info_ref.get_object()
    meta.title = str(info["/Title"]) if "/Title" in info else None
    meta.creator = str(info["/Creator"]) if "/Creator" in info else None
    if "/CreationDate" in info:
        meta.created = generic.parse_pdf_date(str(info["/CreationDate"]))
    info["/Producer"] = generic.TextStringObject(VENDOR)
    writer.mark_update(info_ref)


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
    from dossiers.signatures import trust_roots

    # Ours: the server's certificate itself, or (a token's certificate issued by a government CA) its roots.
    context = ValidationContext(trust_roots=[certificate(), *trust_roots()], allow_fetching=False)
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
