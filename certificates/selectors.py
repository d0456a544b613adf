"""Reads for decisions and certificates."""

from django.core.files.storage import default_storage

from dossiers.models import Role
from dossiers.rules import acting_pairs, is_admin, roles_at

from .models import Certificate, Decision
from .signing import SignatureCheck, verify_pdf


def handles_decision(user, decision: Decision) -> bool:
    """Who handles decisions: the issuing unit, the campaign's appraising unit and Sở Nội vụ, admins."""
    if not user or not user.is_authenticated:
        return False
    if is_admin(user) or roles_at(user, decision.issuing_unit_id):
        return True
    campaign = decision.award_form.campaign
    return any(roles_at(user, unit_id) for unit_id in (campaign.appraising_unit_id, campaign.home_affairs_unit_id)
               if unit_id)


def own_unit_ids(user) -> set[int]:
    """The units whose dossiers `user` prepares or signs (officer, head)."""
    if not user or not user.is_authenticated:
        return set()
    return {unit_id for unit_id, role in acting_pairs(user) if role in (Role.UNIT_OFFICER, Role.UNIT_HEAD)}


def can_view_decision(user, decision: Decision) -> bool:
    """Those who handle it, and a unit whose dossiers are in it (it sees only its own certificates)."""
    if handles_decision(user, decision):
        return True
    units = own_unit_ids(user)
    return bool(units) and decision.certificates.filter(nominee__dossier__unit_id__in=units).exists()


def visible_certificates(user, decision: Decision):
    """The decision's certificates `user` may open: all for those who handle it, a unit its own."""
    certificates = decision.certificates.order_by("serial")
    if handles_decision(user, decision):
        return certificates
    return certificates.filter(nominee__dossier__unit_id__in=own_unit_ids(user))


def may_rerender(user, decision: Decision) -> bool:
    """Only the signing office (its members) or an administrator asks for the PDFs again."""
    return bool(is_admin(user) or roles_at(user, decision.issuing_unit_id))


def decision_for(user, pk: int) -> Decision | None:
    decision = (Decision.objects.select_related("award_form__campaign", "issuing_unit__parent")
                .filter(pk=pk).first())
    if decision is None or not can_view_decision(user, decision):
        return None
    return decision


def certificate_by_token(token: str) -> Certificate | None:
    return (Certificate.objects.select_related("decision__award_form__campaign", "decision__issuing_unit")
            .filter(token=token).first())


def decision_signature(decision: Decision) -> SignatureCheck | None:
    """The check of the signed decision PDF; None while it is not rendered yet."""
    if not decision.decision_pdf.name or not default_storage.exists(decision.decision_pdf.name):
        return None
    with default_storage.open(decision.decision_pdf.name, "rb") as handle:
        return verify_pdf(handle.read())


def decision_signatures(decision: Decision) -> list:
    """Every signature on the stored decision PDF (the signer's own, then the office's), each checked
    against the trust list and the server's own certificate."""
    from dossiers.signatures import UnreadablePdf, check_pdf_signatures, trust_roots

    from .signing import certificate

    if not decision.decision_pdf.name or not default_storage.exists(decision.decision_pdf.name):
        return []
    with default_storage.open(decision.decision_pdf.name, "rb") as handle:
        data = handle.read()
    try:
        return check_pdf_signatures(data, roots=[certificate(), *trust_roots()])
    except UnreadablePdf:
        return []


def server_identity():
    """The server's signing identity for the page, or the reason it cannot be read (a token unplugged,
    a wrong PIN): the page still shows."""
    import logging

    from .signing import identity

    try:
        return identity(), ""
    except Exception as exc:  # noqa: BLE001 — shown to the office, logged in full
        logging.getLogger("khenthuong.certificates").exception("signing identity unavailable")
        return None, str(exc)[:200] or type(exc).__name__
