"""Requesting and running a document's pre-check. The upload service (dossiers) enqueues the job by
name in its own transaction; the consumer runs `run_check`; a person may ask again (`precheck_request`)."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.errors import InvalidInput, NotPermitted
from dossiers.models import Document, Dossier
from dossiers.rules import can_view_dossier
from dossiers.services.documents import PRECHECK_KIND
from outbox import enqueue

from . import reading
from .checks import Facts, Text, run_checks
from .facts import facts_for
from .models import CheckStatus, DocumentCheck

log = logging.getLogger("khenthuong.precheck")


def checkable(document: Document) -> bool:
    return document.content_type == "application/pdf" and document.inspected


def precheck_request(*, document: Document, actor) -> DocumentCheck | None:
    """Check a document (again): after a failed check, or for a file uploaded before the assistant.
    Anyone who may see the dossier may ask; nothing about the dossier changes."""
    if not can_view_dossier(actor, document.dossier):
        raise NotPermitted()
    if not checkable(document):
        raise InvalidInput(_("Trợ lý chỉ kiểm tra tệp PDF đã qua kiểm tra khi tải lên."))
    with transaction.atomic():
        check = DocumentCheck.objects.select_for_update().filter(document=document).first()
        if check is not None:
            check.status, check.attempts, check.error, check.requested_at = CheckStatus.QUEUED, 0, "", timezone.now()
            check.save(update_fields=["status", "attempts", "error", "requested_at"])
        enqueue(kind=PRECHECK_KIND, payload={"document": document.pk}, dedupe_key=str(document.pk))
    return check


def run_check(document_id: int) -> DocumentCheck | None:
    """The job: read the file (OCR where needed), check it against the dossier, store the findings.
    A read that fails raises (the outbox retries) until PRECHECK_MAX_ATTEMPTS, then is recorded as
    failed and the job ends (the page offers a retry)."""
    document = (Document.objects.select_related("dossier__campaign", "document_type", "nominee")
                .filter(pk=document_id).first())
    if document is None or not document.is_current or not checkable(document):
        return None
    check, _created = DocumentCheck.objects.get_or_create(document=document,
                                                          defaults={"requested_at": document.uploaded_at})
    check.attempts += 1
    DocumentCheck.objects.filter(pk=check.pk).update(attempts=check.attempts)
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
        result = reading.read_bytes(content)
    except Exception as exc:  # noqa: BLE001 — a tool, the storage or the file: recorded, then retried or failed
        error = f"{type(exc).__name__}: {exc}"[:2000]
        final = check.attempts >= settings.PRECHECK_MAX_ATTEMPTS
        DocumentCheck.objects.filter(pk=check.pk).update(
            status=CheckStatus.FAILED if final else CheckStatus.QUEUED, error=error)
        log.warning("precheck of document %s attempt %s failed: %s", document.pk, check.attempts, error)
        if final:
            check.refresh_from_db()
            return check
        raise
    check.pages = [{"number": p.number, "source": p.source, "text": p.text} for p in result.pages]
    check.signed, check.ocr_pages, check.ocr_seconds = result.signed, result.ocr_pages, result.ocr_seconds
    return _evaluate(check, document)


def _evaluate(check: DocumentCheck, document: Document) -> DocumentCheck:
    facts = facts_for(document)
    text = Text([(p["number"], p["text"], p["source"]) for p in check.pages])
    check.findings = run_checks(text, facts, signed=check.signed)
    check.facts = facts.as_dict()
    check.status, check.error, check.checked_at = CheckStatus.DONE, "", timezone.now()
    check.save()
    return check


def recheck_dossier(dossier_id: int) -> int:
    """The dossier changed (votes recorded, a nominee added): check its documents again against it,
    from the text already read (no OCR again). Returns how many were re-checked."""
    dossier = Dossier.objects.filter(pk=dossier_id).first()
    if dossier is None:
        return 0
    done = 0
    for check in (DocumentCheck.objects.filter(document__dossier=dossier, document__is_current=True,
                                               status=CheckStatus.DONE)
                  .select_related("document__document_type", "document__dossier__campaign")):
        _evaluate(check, check.document)
        done += 1
    return done


def evaluate_reading(pages: list[tuple[int, str, str]], facts: Facts, *, signed: bool = False) -> list[dict]:
    """The checks on text already read (the bench and the tests use it without a database)."""
    return run_checks(Text(pages), facts, signed=signed)
