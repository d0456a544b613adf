"""Award records for the national systems (CSDL cán bộ, công chức, viên chức; the ministry's
commendation software), in the JSON envelope those systems exchange:

    {"Header": {"Version", "Tran_Code", "Export_Date", "Msg_ID"},
     "Body": [{"MaDonVi", "LoaiHinhKhenThuong", "NoiDungKhenThuong", "SoQuyetDinh", "NgayQuyetDinh",
               "TenCanBo", "TenChucVu", "MaHinhThucKhenThuong"[, "TenTapThe", "LinhVucHoatDong"]}, …],
     "Signature": {"Algorithm": "ECDSA-P256-SHA256", "Certificate_SHA256": …, "Value": base64 DER}}

The signature is made with the server's signing key (certificates/signing.py, the key that signs the
decision PDFs) over the canonical form of {"Header", "Body"}: JSON with sorted keys, no spaces,
UTF-8, text in NFC. A receiver verifies it with the server's certificate (GET /api/v1/exports/certificate/).
The field lists and code lists are data: api/export_codes.json, overridden per code by ExportCode rows."""

import base64
import datetime as dt
import hashlib
import json
import unicodedata
import uuid
from functools import lru_cache
from pathlib import Path

from django.utils import timezone

ALGORITHM = "ECDSA-P256-SHA256"
CODES_FILE = Path(__file__).with_name("export_codes.json")


@lru_cache(maxsize=1)
def default_codes() -> dict:
    return json.loads(CODES_FILE.read_text(encoding="utf-8"))


def _nfc(value):
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_nfc(k): _nfc(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nfc(v) for v in value]
    return value


def canonical(data) -> bytes:
    """The bytes that are signed: sorted keys, no whitespace, UTF-8, NFC."""
    return json.dumps(_nfc(data), ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class Codes:
    """Code lookups for one export: database overrides first, then the shipped defaults."""

    def __init__(self):
        from .models import ExportCode

        self.defaults = default_codes()
        self.overrides = {(c.list, c.key): c.code for c in ExportCode.objects.all()}

    def get(self, list_name: str, key) -> str:
        key = str(key)
        if (list_name, key) in self.overrides:
            return self.overrides[(list_name, key)]
        table = self.defaults.get(list_name, {})
        return table.get(key) or table.get("*", "")

    def unit(self, unit) -> str:
        return self.overrides.get(("unit", str(unit.pk))) or self.defaults["unit_code_default"].format(pk=unit.pk)


def records(decision, codes: Codes | None = None, *, revoked: bool = False) -> list[dict]:
    """One body record per award of the decision, in the order of the decision (serial); a revocation's
    records add the fields of `fields.revoked` (status, date and reason of the revocation)."""
    codes = codes or Codes()
    fields = codes.defaults["fields"]
    form = decision.award_form
    date = decision.signed_on.strftime(codes.defaults["date_format"])
    rows = []
    for certificate in (decision.certificates.select_related("nominee__dossier__unit", "nominee__unit")
                        .order_by("serial")):
        nominee = certificate.nominee
        proposing = nominee.dossier.unit
        record = {
            "MaDonVi": codes.unit(proposing),
            "LoaiHinhKhenThuong": codes.get("award_type", form.code),
            "NoiDungKhenThuong": certificate.achievement,
            "SoQuyetDinh": decision.number,
            "NgayQuyetDinh": date,
            "TenCanBo": certificate.recipient_name if certificate.kind == "individual" else "",
            "TenChucVu": certificate.position if certificate.kind == "individual" else "",
            "MaHinhThucKhenThuong": codes.get("award_form", form.code),
        }
        if certificate.kind == "collective":
            record["TenTapThe"] = certificate.recipient_name
            record["LinhVucHoatDong"] = codes.get("field", nominee.unit_id)
        wanted = fields["collective" if certificate.kind == "collective" else "individual"]
        if revoked:
            record.update({
                "TrangThai": codes.defaults["status_revoked"],
                "NgayThuHoi": timezone.localtime(decision.revoked_at).strftime(codes.defaults["date_format"])
                if decision.revoked_at else "",
                "LyDoThuHoi": decision.revoke_reason,
            })
            wanted = [*wanted, *fields["revoked"]]
        rows.append({name: record.get(name, "") for name in wanted})
    return rows


def envelope(decision, *, msg_id: uuid.UUID | str | None = None, now: dt.datetime | None = None,
             revoked: bool | None = None) -> dict:
    """The signed envelope for one decision; for a revoked one (`revoked`, by default the decision's own
    state) the revocation's transaction code and its records marked revoked."""
    codes = Codes()
    revoked = decision.is_revoked if revoked is None else revoked
    header = {
        "Version": codes.defaults["version"],
        "Tran_Code": codes.defaults["tran_code_revoke" if revoked else "tran_code"],
        "Export_Date": timezone.localtime(now or timezone.now()).strftime("%d/%m/%Y %H:%M:%S"),
        "Msg_ID": str(msg_id or uuid.uuid4()),
    }
    body = records(decision, codes, revoked=revoked)
    return {"Header": header, "Body": body, "Signature": sign({"Header": header, "Body": body})}


def certificate_pem() -> bytes:
    from certificates.signing import certificate_pem as server_certificate_pem

    return server_certificate_pem()


def sign(content: dict) -> dict:
    """Signed with the server's key wherever it is (PEM file or PKCS#11 token): certificates.signing."""
    from certificates.signing import certificate, sign_bytes

    value = sign_bytes(canonical(content))
    fingerprint = hashlib.sha256(certificate().dump()).hexdigest()
    return {"Algorithm": ALGORITHM, "Certificate_SHA256": fingerprint, "Value": base64.b64encode(value).decode()}


def verify(message: dict, cert_pem: bytes) -> bool:
    """What a receiver does: check the signature over {"Header", "Body"} with the sender's certificate.
    Needs only `cryptography`; kept here so the receiver in the tests and the documentation agree."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    signature = message.get("Signature") or {}
    if signature.get("Algorithm") != ALGORITHM:
        return False
    try:
        public_key = x509.load_pem_x509_certificate(cert_pem).public_key()
        public_key.verify(base64.b64decode(signature.get("Value", "")),
                          canonical({"Header": message.get("Header"), "Body": message.get("Body")}),
                          ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
