"""Once-only: a previous decision's signed PDF attached to a new dossier by reference
(dossiers.services.references), for those who may see the decision."""

import hashlib

from django.utils.translation import gettext as _

from dossiers.errors import InvalidInput, NotPermitted
from dossiers.services.references import StoredSource, attach_stored

from .selectors import can_view_decision


def decision_attach_reference(*, dossier, actor, document_type, decision, nominee=None):
    if not can_view_decision(actor, decision) and not decision.certificates.filter(
            nominee__dossier__unit_id__in=actor.memberships.filter(is_active=True).values("unit_id")).exists():
        raise NotPermitted()
    if not decision.decision_pdf.name:
        raise InvalidInput(_("Quyết định %(number)s chưa có bản điện tử đã ký.") % {"number": decision.number})
    with decision.decision_pdf.open("rb") as handle:
        data = handle.read()
    source = StoredSource(
        stored=decision.decision_pdf.name, name=f"quyet-dinh-{decision.pk}.pdf", content_type="application/pdf",
        size=len(data), sha256=hashlib.sha256(data).hexdigest(), reference={"decision": decision.pk},
        label=_("quyết định số %(number)s") % {"number": decision.number})
    return attach_stored(dossier=dossier, actor=actor, document_type=document_type, nominee=nominee, source=source)
