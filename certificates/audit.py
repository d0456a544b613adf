"""The register's hash chain and the protection of issued certificates and decisions (dossiers/audit.py
holds the machinery): certificates are chained in register order (sổ vàng), appended under the register
counter's lock that issuing already takes, so numbers and links are both gap-free."""

from dossiers import audit

from .models import Certificate, RegisterCounter

CERTIFICATE_FIELDS = ("decision_id", "nominee_id", "serial", "register_number", "token", "kind", "recipient_name",
                      "position", "workplace", "achievement")

audit.protect("certificates.Certificate", frozen="all", set_once=["revoked_at"])
audit.protect("certificates.Decision", frozen=[
    "award_form_id", "issuing_unit_id", "number", "signed_on", "place", "signer_id", "signer_name", "signer_title",
    "signer_capacity", "created_by_id", "created_at"])


def chain_certificates(certificates: list) -> None:
    """Link new certificates (consecutive register numbers) to the register's chain. The caller holds the
    register counter's lock."""
    if not certificates:
        return
    first = min(c.register_number for c in certificates)
    prev = (Certificate.objects.filter(register_number=first - 1).values_list("hash", flat=True).first()
            or audit.GENESIS)
    for certificate in sorted(certificates, key=lambda c: c.register_number):
        certificate.prev_hash = prev
        certificate.hash = audit.link(prev, {name: getattr(certificate, name) for name in CERTIFICATE_FIELDS})
        prev = certificate.hash


@audit.verifier("certificates")
def verify_certificates(result: audit.Result, previous_heads: dict) -> None:
    """The register: contiguous numbers, each linked to the one before, content unchanged, and as long as
    its counter says."""
    prev, expected, last = audit.GENESIS, None, 0
    before = len(result.problems)
    rows = Certificate.objects.order_by("register_number").values("id", "prev_hash", "hash", *CERTIFICATE_FIELDS)
    for row in rows.iterator(chunk_size=2000):
        result.rows += 1
        where = f"Certificate #{row['id']} (số sổ vàng {row['register_number']:06d})"
        if expected is not None and row["register_number"] != expected:
            result.fail(f"{where}: thiếu số sổ vàng {expected:06d} trước nó (đã bị xóa)")
        elif row["prev_hash"] != prev:
            result.fail(f"{where}: mắt xích trước không khớp (một bằng trước nó đã bị sửa hoặc xóa)")
        elif audit.link(row["prev_hash"], {name: row[name] for name in CERTIFICATE_FIELDS}) != row["hash"]:
            result.fail(f"{where}: nội dung đã bị sửa")
        if len(result.problems) > before:
            return
        prev, expected, last = row["hash"], row["register_number"] + 1, row["register_number"]
    counter = RegisterCounter.objects.filter(name="global").values_list("last", flat=True).first() or 0
    reached = max(counter, previous_heads.get("certificates", 0))
    if reached > last:
        result.fail(f"Certificate: sổ vàng đã cấp đến số {reached:06d} nhưng chỉ còn đến {last:06d} "
                    f"(bằng cuối đã bị xóa)")
        return
    result.heads["certificates"] = last
