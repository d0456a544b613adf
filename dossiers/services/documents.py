import errno
import hashlib
import logging

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from outbox import enqueue

from .. import virus_scan
from ..errors import InvalidInput, NotPermitted, ServiceUnavailable, StorageFull
from ..inspection import ACCEPTED_EXTENSIONS, KINDS, clean_filename, inspect, sniff_kind  # noqa: F401
from ..models import Document, DocumentType, Dossier, EventKind, Nominee, RequirementScope, SignatureState
from ..rules import can_view_dossier
from .common import lock_dossier, record_event, require_unit_editor

log = logging.getLogger("khenthuong.uploads")
# The pre-check assistant's jobs (precheck/tasks.py), enqueued by name: the domain does not import it.
PRECHECK_KIND = "precheck.document"         # read one uploaded PDF and check it against its dossier
PRECHECK_DOSSIER_KIND = "precheck.dossier"  # the dossier changed: check its documents again (no re-reading)


def request_precheck(document: Document) -> None:
    """Queue the pre-check of an uploaded PDF (in the caller's transaction: no upload, no job)."""
    if document.content_type == "application/pdf" and document.inspected:
        enqueue(kind=PRECHECK_KIND, payload={"document": document.pk}, dedupe_key=str(document.pk))


def request_recheck(dossier: Dossier) -> None:
    """The dossier's data the documents are checked against changed: check them again."""
    enqueue(kind=PRECHECK_DOSSIER_KIND, payload={"dossier": dossier.pk}, dedupe_key=str(dossier.pk))


def validate_upload(uploaded, name: str | None = None) -> tuple[str, str]:
    """Return (content_type, sha256) or raise InvalidInput naming the problem (ServiceUnavailable
    when the configured virus scanner cannot answer)."""
    name = clean_filename(uploaded.name) if name is None else name
    if uploaded.size == 0:
        raise InvalidInput(_("Tệp “%(name)s” rỗng (0 byte).") % {"name": name})
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise InvalidInput(_("Tệp “%(name)s” dung lượng %(size)s, vượt giới hạn %(max)s.")
                           % {"name": name, "size": filesizeformat(uploaded.size),
                              "max": filesizeformat(settings.UPLOAD_MAX_BYTES)})
    inspection = inspect(uploaded, name)
    virus_scan.scan(uploaded, name)
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return inspection.content_type, digest.hexdigest()


def document_upload(*, dossier: Dossier, actor, file, document_type: DocumentType,
                    nominee: Nominee | None = None) -> Document:
    """Store a new version of a component; the previous version stays, no longer current.

    The file is checked (content, virus scan) before anything is written, then written to the
    storage, then its row is created in one transaction under the dossier's lock. A storage
    failure (disk full, S3 error) refuses the upload with a clear message and leaves no partial
    file; a failure after the write deletes the written file. Only a rollback of a transaction
    the caller opened around this one can leave a file without a row: `storage_orphans` finds it.
    """
    # Checked on the current row (not the caller's copy) before the file is read; again under the lock.
    current = Dossier.objects.select_related("award_form").get(pk=dossier.pk)
    _check_upload_allowed(dossier=current, actor=actor, document_type=document_type, nominee=nominee)
    name = clean_filename(file.name)
    content_type, sha256 = validate_upload(file, name)
    field = Document._meta.get_field("file")
    signed = content_type == "application/pdf" and _has_signature(file)
    stored = _store(file, field.generate_filename(Document(dossier_id=dossier.pk), name), field)
    try:
        return _record_upload(dossier=dossier, actor=actor, document_type=document_type, nominee=nominee,
                              stored=stored, name=name, content_type=content_type, size=file.size, sha256=sha256,
                              signed=signed)
    except BaseException:
        discard_stored(stored)
        raise


SIGNATURE_KIND = "dossiers.document_signatures"  # outbox: check a signed upload's signatures


def _has_signature(file) -> bool:
    """A cheap look for a signature dictionary (/ByteRange) in the PDF; the real check runs in the queue."""
    file.seek(0)
    tail = b""
    for chunk in file.chunks():
        if b"/ByteRange" in tail + chunk:
            file.seek(0)
            return True
        tail = chunk[-16:]
    file.seek(0)
    return False


def _check_upload_allowed(*, dossier, actor, document_type, nominee):
    """Who may upload what: checked before the file is read, and again under the lock."""
    require_unit_editor(dossier, actor)
    if nominee is not None and nominee.dossier_id != dossier.pk:
        raise NotPermitted()
    scopes = set(dossier.award_form.requirements.filter(document_type=document_type)
                 .values_list("scope", flat=True))
    if RequirementScope.NOMINEE in scopes and nominee is None:
        raise InvalidInput(_("“%(doc)s” cần chọn tập thể hoặc cá nhân tương ứng.") % {"doc": document_type.name})
    return None if RequirementScope.NOMINEE not in scopes else nominee


def _store(file, name: str, field) -> str:
    """Write the file; on any failure remove what was written and raise a clear refusal."""
    storage = field.storage
    file.seek(0)
    try:
        return storage.save(name, file, max_length=field.max_length)
    except Exception as exc:
        discard_stored(name)
        log.exception("document storage failed writing %s", name)
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageFull(_("Không lưu được tệp “%(name)s”: kho lưu trữ hồ sơ đã hết dung lượng. Tệp chưa "
                                "được lưu và hồ sơ không thay đổi; vui lòng báo quản trị hệ thống rồi thử lại "
                                "sau.") % {"name": clean_filename(file.name)}) from exc
        raise ServiceUnavailable(_("Không lưu được tệp “%(name)s”: kho lưu trữ hồ sơ đang gặp sự cố. Tệp chưa "
                                   "được lưu và hồ sơ không thay đổi; vui lòng thử lại sau ít phút.")
                                 % {"name": clean_filename(file.name)}) from exc


def receiving_failed(exc: OSError) -> ServiceUnavailable:
    """The refusal for an upload the server could not even receive (its temporary file failed)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(_("Máy chủ đã hết dung lượng lưu trữ nên chưa nhận được tệp. Tệp chưa được lưu và hồ "
                             "sơ không thay đổi; vui lòng báo quản trị hệ thống rồi thử lại sau."))
    return ServiceUnavailable(_("Máy chủ không nhận được tệp (lỗi ghi tệp tạm). Tệp chưa được lưu; vui lòng thử "
                                "lại sau."))


def discard_stored(name: str) -> None:
    """Delete a written (possibly partial) file; never raises (a leftover is found by storage_orphans)."""
    storage = Document._meta.get_field("file").storage
    try:
        storage.delete(name)
    except Exception:
        log.exception("could not delete %s from the document storage (storage_orphans will list it)", name)


@transaction.atomic
def _record_upload(*, dossier, actor, document_type, nominee, stored, name, content_type, size, sha256,
                   signed=False):
    dossier = lock_dossier(dossier, seen_status=None)
    nominee = _check_upload_allowed(dossier=dossier, actor=actor, document_type=document_type, nominee=nominee)
    previous = (Document.objects.select_for_update()
                .filter(dossier=dossier, document_type=document_type, nominee=nominee, is_current=True).first())
    version = 1
    if previous:
        version = previous.version + 1
        Document.objects.filter(pk=previous.pk).update(is_current=False)
    document = Document.objects.create(
        dossier=dossier, nominee=nominee, document_type=document_type, file=stored, original_name=name,
        content_type=content_type, size=size, sha256=sha256, version=version, uploaded_by=actor,
        inspected=True, signature_state=SignatureState.PENDING if signed else "")
    if signed:
        enqueue(kind=SIGNATURE_KIND, payload={"document": document.pk}, dedupe_key=str(document.pk))
    request_precheck(document)
    record_event(dossier=dossier, actor=actor, kind=EventKind.UPLOAD,
                 comment=f"{document_type.name}" + (f" — {nominee.name}" if nominee else ""),
                 data={"document": document.pk, "version": version, "sha256": sha256, "size": size,
                       "name": document.original_name})
    return document


@transaction.atomic
def document_open(*, document: Document, actor):
    """Open a document for reading, after checking the reader may see the dossier; logged."""
    if not can_view_dossier(actor, document.dossier):
        raise NotPermitted()
    record_event(dossier=document.dossier, actor=actor, kind=EventKind.DOWNLOAD,
                 comment=document.original_name, data={"document": document.pk, "version": document.version})
    return document.file.open("rb")


def store_checked_upload(file, *, dossier: Dossier) -> dict:
    """Check a file as every upload is checked (size, content, virus scan) and write it to the document
    storage, for a service that records it itself (the central decision's scan). Returns what its
    Document row needs; the caller deletes it with `discard_stored(path)` when its transaction fails."""
    name = clean_filename(file.name)
    content_type, sha256 = validate_upload(file, name)
    field = Document._meta.get_field("file")
    path = _store(file, field.generate_filename(Document(dossier_id=dossier.pk), name), field)
    return {"path": path, "name": name, "content_type": content_type, "size": file.size, "sha256": sha256}


def document_signatures_check(*, document_id: int) -> Document | None:
    """Check the signatures of a signed upload (the outbox handler): who signed, when, intact, covering
    the document, trusted, valid then. Idempotent; a document gone meanwhile is skipped."""
    from ..signatures import UnreadablePdf, check_pdf_signatures

    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None
    with document.file.open("rb") as handle:
        data = handle.read()
    try:
        reports = check_pdf_signatures(data)
    except UnreadablePdf:
        Document.objects.filter(pk=document.pk).update(signature_state=SignatureState.UNREADABLE, signatures=[])
    else:
        Document.objects.filter(pk=document.pk).update(signature_state=SignatureState.CHECKED,
                                                       signatures=[r.as_dict() for r in reports])
    document.refresh_from_db()
    return document
