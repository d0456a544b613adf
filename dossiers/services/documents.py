import hashlib
import zipfile

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..errors import InvalidInput, NotPermitted
from ..models import Document, DocumentType, Dossier, EventKind, Nominee, RequirementScope
from ..rules import can_view_dossier
from ..text import clean_name
from .common import lock_dossier, record_event, require_unit_editor

# Accepted kinds, recognised by their content (never by the name alone).
KINDS = {
    "pdf": ("application/pdf", {".pdf"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"}),
    "doc": ("application/msword", {".doc"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
    "png": ("image/png", {".png"}),
}
ACCEPTED_EXTENSIONS = sorted(ext for _mime, exts in KINDS.values() for ext in exts)


def sniff_kind(uploaded) -> str | None:
    uploaded.seek(0)
    head = uploaded.read(8)
    uploaded.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(uploaded) as archive:
                if "word/document.xml" in archive.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return None
        finally:
            uploaded.seek(0)
    return None


def validate_upload(uploaded) -> tuple[str, str]:
    """Return (content_type, sha256) or raise InvalidInput naming the problem. The name is judged
    as it will be stored: clean_name (NFC, no bidi controls, trimmed: "x.pdf " is "x.pdf")."""
    name = clean_name(uploaded.name or "")
    if uploaded.size == 0:
        raise InvalidInput(_("Tệp “%(name)s” rỗng (0 byte).") % {"name": name})
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        raise InvalidInput(_("Tệp “%(name)s” dung lượng %(size)s, vượt giới hạn %(max)s.")
                           % {"name": name, "size": filesizeformat(uploaded.size),
                              "max": filesizeformat(settings.UPLOAD_MAX_BYTES)})
    kind = sniff_kind(uploaded)
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if kind is None or extension not in KINDS[kind][1]:
        raise InvalidInput(_("Tệp “%(name)s” không phải PDF, Word, JPG hoặc PNG hợp lệ (kiểm tra theo nội dung "
                             "tệp, không theo tên).") % {"name": name})
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return KINDS[kind][0], digest.hexdigest()


@transaction.atomic
def document_upload(*, dossier: Dossier, actor, file, document_type: DocumentType,
                    nominee: Nominee | None = None) -> Document:
    """Store a new version of a component; the previous version stays, no longer current."""
    dossier = lock_dossier(dossier, seen_status=None)
    require_unit_editor(dossier, actor)
    if nominee is not None and nominee.dossier_id != dossier.pk:
        raise NotPermitted()
    scopes = set(dossier.award_form.requirements.filter(document_type=document_type)
                 .values_list("scope", flat=True))
    if RequirementScope.NOMINEE in scopes and nominee is None:
        raise InvalidInput(_("“%(doc)s” cần chọn tập thể hoặc cá nhân tương ứng.") % {"doc": document_type.name})
    if RequirementScope.NOMINEE not in scopes:
        nominee = None
    content_type, sha256 = validate_upload(file)
    name = clean_name(file.name or "")
    previous = (Document.objects.select_for_update()
                .filter(dossier=dossier, document_type=document_type, nominee=nominee, is_current=True).first())
    version = 1
    if previous:
        version = previous.version + 1
        Document.objects.filter(pk=previous.pk).update(is_current=False)
    document = Document(
        dossier=dossier, nominee=nominee, document_type=document_type, original_name=name[:255],
        content_type=content_type, size=file.size, sha256=sha256, version=version, uploaded_by=actor)
    document.file.save(name, file, save=False)
    document.save()
    record_event(dossier=dossier, actor=actor, kind=EventKind.UPLOAD,
                 comment=f"{document_type.name}" + (f" — {nominee.name}" if nominee else ""),
                 data={"document": document.pk, "version": version, "sha256": sha256, "size": file.size,
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
