"""What an uploaded file is, judged by its content and not by its name, and whether it is safe to
keep and to show. Each refusal names the problem in Vietnamese (InvalidInput).

- PDF: parsed with pypdf. Unreadable or truncated, encrypted, and PDFs that carry JavaScript
  (in an action, the names tree or an /OpenAction), a /Launch action or embedded files are refused.
- Word (.docx): a valid OPC package ([Content_Types].xml, word/document.xml), every member read
  back with its CRC, the total uncompressed size and each member's compression ratio bounded (zip
  bombs), no macros (vbaProject.bin, macro-enabled content types).
- Legacy Word (.doc): accepted only as a valid OLE compound file with a WordDocument stream and
  without a macro storage (Macros, _VBA_PROJECT): many offices still save .doc, and the OLE check
  refuses the macro carriers that make the format dangerous.
- Images (JPEG, PNG): decoded with Pillow, the pixel count bounded before decoding.
"""

import logging
import threading
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .errors import InvalidInput
from .text import clean_name

log = logging.getLogger("khenthuong.uploads")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOC = "application/msword"
JPEG = "image/jpeg"
PNG = "image/png"

# Accepted kinds, recognised by their content (never by the name alone).
KINDS = {
    "pdf": (PDF, {".pdf"}),
    "docx": (DOCX, {".docx"}),
    "doc": (DOC, {".doc"}),
    "jpeg": (JPEG, {".jpg", ".jpeg"}),
    "png": (PNG, {".png"}),
}
ACCEPTED_EXTENSIONS = sorted(ext for _mime, exts in KINDS.values() for ext in exts)

def clean_filename(name: str | None) -> str:
    """The name as stored and shown (dossiers.text.clean_name: NFC, no bidi or control characters,
    no path, trimmed: a valid "x.pdf " is "x.pdf"), at most 255 characters keeping the extension."""
    name = clean_name(name or "")
    if len(name) > 255:
        stem, dot, extension = name.rpartition(".")
        name = (stem[: 255 - len(extension) - 1] + dot + extension) if dot and len(extension) < 16 else name[:255]
    return name


def extension_of(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


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
        except (zipfile.BadZipFile, ValueError, EOFError):
            return None
        finally:
            uploaded.seek(0)
    return None


@dataclass(frozen=True)
class Inspection:
    kind: str
    content_type: str

    @property
    def previewable(self) -> bool:
        """Shown inline in the page (sandboxed) only when it is a PDF that passed every check."""
        return self.kind == "pdf"


def inspect(uploaded, name: str) -> Inspection:
    """Check `uploaded` deeply by its content; raise InvalidInput naming the problem."""
    kind = sniff_kind(uploaded)
    if kind is None or extension_of(name) not in KINDS[kind][1]:
        raise InvalidInput(_("Tệp “%(name)s” không phải PDF, Word, JPG hoặc PNG hợp lệ (kiểm tra theo nội dung "
                             "tệp, không theo tên).") % {"name": name})
    checker = {"pdf": _check_pdf, "docx": _check_docx, "doc": _check_doc, "jpeg": _check_image,
               "png": _check_image}[kind]
    uploaded.seek(0)
    try:
        checker(uploaded, name)
    finally:
        uploaded.seek(0)
    return Inspection(kind=kind, content_type=KINDS[kind][0])


# --- PDF ---------------------------------------------------------------------------------------

class _Found(Exception):
    def __init__(self, problem: str):
        self.problem = problem


def _check_pdf(uploaded, name: str) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    broken = _("Tệp “%(name)s” là PDF bị hỏng hoặc không đầy đủ (có thể tải lên chưa hết), không đọc được. "
               "Hãy xuất lại tệp PDF rồi tải lên lại.") % {"name": name}
    try:
        reader = PdfReader(uploaded, strict=False)
        encrypted = reader.is_encrypted
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError,
            OSError, AssertionError):
        raise InvalidInput(broken) from None
    if encrypted:
        raise InvalidInput(_("Tệp “%(name)s” là PDF được mã hoá hoặc đặt mật khẩu; hãy tải lên bản PDF không "
                             "đặt mật khẩu.") % {"name": name})
    try:
        if len(reader.pages) < 1:
            raise InvalidInput(broken)
        problem = _pdf_active_content(reader)
    except InvalidInput:
        raise
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError,
            OSError, AssertionError):
        raise InvalidInput(broken) from None
    if problem:
        raise InvalidInput(_("Tệp “%(name)s” bị từ chối: %(problem)s. Hãy in lại thành PDF thông thường "
                             "(Print to PDF) rồi tải lên.") % {"name": name, "problem": problem})


def _pdf_problems():
    return {
        "open_js": _("PDF tự chạy mã JavaScript khi mở (OpenAction)"),
        "js": _("PDF chứa mã JavaScript"),
        "launch": _("PDF chứa lệnh mở chương trình hoặc tệp bên ngoài (Launch)"),
        "embedded": _("PDF chứa tệp nhúng bên trong (EmbeddedFiles)"),
    }


def _pdf_active_content(reader) -> str | None:
    """Walk every object of the file (the catalog first, then each indirect object, including
    those in object streams) and name the first active content found."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    problems = _pdf_problems()
    limit = settings.UPLOAD_PDF_MAX_OBJECTS
    seen: set[int] = set()

    def visit(obj, depth=0):
        if depth > 64:   # no real file nests direct objects this deep; a crafted one is refused as damaged
            raise RecursionError
        if isinstance(obj, IndirectObject):
            key = (obj.idnum, obj.generation)
            if key in seen:
                return
            seen.add(key)
            if len(seen) > limit:
                raise _Found(_("PDF có quá nhiều đối tượng (trên %(n)s)") % {"n": limit})
            obj = obj.get_object()
        if isinstance(obj, DictionaryObject):
            keys = set(obj.keys())
            action = obj.get("/S")
            if "/JS" in keys or "/JavaScript" in keys or action == "/JavaScript":
                raise _Found(problems["js"])
            if action == "/Launch" or "/Launch" in keys:
                raise _Found(problems["launch"])
            if ("/EmbeddedFiles" in keys or obj.get("/Type") in ("/EmbeddedFile",) or "/EF" in keys
                    or obj.get("/Subtype") == "/FileAttachment"):
                raise _Found(problems["embedded"])
            for value in obj.values():
                visit(value, depth + 1)
        elif isinstance(obj, ArrayObject):
            for value in obj:
                visit(value, depth + 1)

    try:
        root = reader.trailer["/Root"].get_object()
        open_action = root.get("/OpenAction")
        if open_action is not None:
            try:
                visit(open_action)
            except _Found as found:
                return problems["open_js"] if found.problem == problems["js"] else found.problem
        visit(reader.trailer["/Root"])
        # Objects not reachable from the catalog are still in the file: a viewer may find them.
        for generation, numbers in reader.xref.items():
            for number in numbers:
                visit(IndirectObject(number, generation, reader))
        for number in reader.xref_objStm:
            visit(IndirectObject(number, 0, reader))
    except _Found as found:
        return found.problem
    return None


# --- Word --------------------------------------------------------------------------------------

def _check_docx(uploaded, name: str) -> None:
    broken = _("Tệp “%(name)s” không phải tệp Word (.docx) hợp lệ: gói tệp bị hỏng hoặc thiếu thành phần. "
               "Hãy lưu lại bằng Word rồi tải lên lại.") % {"name": name}
    bomb = _("Tệp “%(name)s” bị từ chối: nội dung giải nén quá lớn so với dung lượng tệp (nghi là “bom nén”, "
             "zip bomb).") % {"name": name}
    macros = _("Tệp “%(name)s” bị từ chối: tệp Word chứa macro (VBA). Hãy lưu thành .docx không có macro "
               "hoặc xuất ra PDF rồi tải lên.") % {"name": name}
    max_total = settings.UPLOAD_DOCX_MAX_UNCOMPRESSED_BYTES
    max_ratio = settings.UPLOAD_DOCX_MAX_RATIO
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = archive.infolist()
            names = {info.filename for info in members}
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                raise InvalidInput(broken)
            if len(members) > 10_000:
                raise InvalidInput(bomb)
            lowered = {n.lower() for n in names}
            if any(n.endswith("vbaproject.bin") or n.endswith("vbadata.xml") for n in lowered):
                raise InvalidInput(macros)
            declared = sum(info.file_size for info in members)
            if declared > max_total:
                raise InvalidInput(bomb)
            total = 0
            for info in members:
                if info.is_dir():
                    continue
                if info.flag_bits & 0x1:
                    raise InvalidInput(broken)   # an encrypted member
                read = 0
                with archive.open(info) as member:
                    while chunk := member.read(64 * 1024):
                        read += len(chunk)
                        total += len(chunk)
                        # Declared sizes can lie: count what really comes out.
                        if total > max_total or (read > 1024 * 1024 and read > max_ratio * max(info.compress_size, 1)):
                            raise InvalidInput(bomb)
                if info.filename == "[Content_Types].xml":
                    types = archive.read(info).lower()
                    if b"macroenabled" in types or b"vbaproject" in types:
                        raise InvalidInput(macros)
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError,
            RuntimeError, KeyError):
        raise InvalidInput(broken) from None


def _check_doc(uploaded, name: str) -> None:
    import olefile

    broken = _("Tệp “%(name)s” không phải tệp Word (.doc) hợp lệ. Hãy lưu thành .docx hoặc PDF rồi tải "
               "lên.") % {"name": name}
    macros = _("Tệp “%(name)s” bị từ chối: tệp Word chứa macro (VBA). Hãy lưu thành .docx không có macro "
               "hoặc xuất ra PDF rồi tải lên.") % {"name": name}
    try:
        with olefile.OleFileIO(uploaded) as ole:
            if not ole.exists("WordDocument"):
                raise InvalidInput(broken)
            for entry in ole.listdir(streams=True, storages=True):
                parts = [part.lower() for part in entry]
                if "macros" in parts or "_vba_project_cur" in parts or "vba" in parts or "_vba_project" in parts:
                    raise InvalidInput(macros)
    except InvalidInput:
        raise
    except Exception:  # olefile raises a variety of errors on a damaged container
        raise InvalidInput(broken) from None


# --- Images ------------------------------------------------------------------------------------

_TRUNCATED_FLAG = threading.Lock()


def _load_strictly(image) -> None:
    """Decode the whole image, a truncated one being an error. WeasyPrint sets Pillow's process-wide
    LOAD_TRUNCATED_IMAGES when it is imported; it is turned off for this decode only."""
    from PIL import ImageFile

    with _TRUNCATED_FLAG:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            image.load()
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before

def _check_image(uploaded, name: str) -> None:
    from PIL import Image, UnidentifiedImageError

    broken = _("Tệp “%(name)s” là ảnh bị hỏng hoặc không đầy đủ, không hiển thị được.") % {"name": name}
    max_pixels = settings.UPLOAD_IMAGE_MAX_PIXELS
    try:
        with Image.open(uploaded, formats=("PNG", "JPEG")) as image:
            width, height = image.size
            if width * height > max_pixels:
                raise InvalidInput(_("Tệp “%(name)s” là ảnh %(w)s × %(h)s điểm ảnh, vượt giới hạn %(max)s triệu "
                                     "điểm ảnh.") % {"name": name, "w": width, "h": height,
                                                      "max": max_pixels // 1_000_000})
            if image.format == "PNG":
                image.verify()           # every chunk's CRC, up to IEND
                uploaded.seek(0)
                image = Image.open(uploaded, formats=("PNG",))
            if image.format == "JPEG":
                # Decode every byte of the entropy-coded data, at 1/8 scale to bound memory.
                image.draft(image.mode, (max(width // 8, 1), max(height // 8, 1)))
            _load_strictly(image)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError, EOFError):
        raise InvalidInput(broken) from None
