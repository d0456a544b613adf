"""Once-only (seed plans: data entered once and reused): attach to a dossier a document the system
already holds — a report filed in another dossier, a previous decision (certificates/references.py) —
by reference to the stored file, not by uploading it again. Same checks as an upload (the unit edits
its own dossier, the component's scope); the source must be one the actor may see. The event names
the source."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import InvalidInput, NotPermitted
from ..models import Document, DocumentType, Dossier, EventKind, Nominee
from ..rules import can_view_dossier
from .common import lock_dossier, record_event
from .documents import _check_upload_allowed


@dataclass(frozen=True)
class StoredSource:
    """A file the system holds: where it is stored, what it is, and what to call it in the event."""

    stored: str
    name: str
    content_type: str
    size: int
    sha256: str
    reference: dict
    label: str


@transaction.atomic
def attach_stored(*, dossier: Dossier, actor, document_type: DocumentType, nominee: Nominee | None,
                  source: StoredSource) -> Document:
    """A new current version of the component that points at an already stored file."""
    dossier = lock_dossier(dossier, seen_status=None)
    nominee = _check_upload_allowed(dossier=dossier, actor=actor, document_type=document_type, nominee=nominee)
    previous = (Document.objects.select_for_update()
                .filter(dossier=dossier, document_type=document_type, nominee=nominee, is_current=True).first())
    if previous is not None and previous.file.name == source.stored:
        raise InvalidInput(_("Văn bản này đã là thành phần hiện tại của hồ sơ."))
    version = 1
    if previous:
        version = previous.version + 1
        Document.objects.filter(pk=previous.pk).update(is_current=False)
    document = Document.objects.create(
        dossier=dossier, nominee=nominee, document_type=document_type, file=source.stored,
        original_name=source.name[:255], content_type=source.content_type, size=source.size, sha256=source.sha256,
        version=version, uploaded_by=actor, inspected=True)
    record_event(dossier=dossier, actor=actor, kind=EventKind.UPLOAD,
                 comment=_("%(doc)s — đính kèm %(source)s (không tải lên lại)")
                 % {"doc": document_type.name + (f" — {nominee.name}" if nominee else ""), "source": source.label},
                 data={"document": document.pk, "version": version, "sha256": source.sha256, "size": source.size,
                       "name": document.original_name, "reference": source.reference})
    return document


def document_attach_reference(*, dossier: Dossier, actor, document_type: DocumentType, source_document: Document,
                              nominee: Nominee | None = None) -> Document:
    """Attach a document of another dossier (one the actor may see), e.g. a report already filed."""
    if not can_view_dossier(actor, source_document.dossier):
        raise NotPermitted()
    source = StoredSource(
        stored=source_document.file.name, name=source_document.original_name,
        content_type=source_document.content_type, size=source_document.size, sha256=source_document.sha256,
        reference={"document": source_document.pk, "dossier": source_document.dossier_id},
        label=_("văn bản #%(pk)s của hồ sơ #%(dossier)s") % {"pk": source_document.pk,
                                                             "dossier": source_document.dossier_id})
    return attach_stored(dossier=dossier, actor=actor, document_type=document_type, nominee=nominee, source=source)
