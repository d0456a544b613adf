"""Uploads checked by content, deeply (dossiers/inspection.py). The hostile files are made here:
truncated and encrypted PDFs, PDFs with JavaScript (OpenAction, names tree, a link's action, a
name hidden with #-escapes), a Launch action, an embedded file; a zip-bomb and macro .docx; .doc
files as OLE containers with and without a macro storage; broken and oversized images."""

import io
import struct
import unicodedata
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from dossiers.errors import InvalidInput
from dossiers.inspection import clean_filename
from dossiers.models import Document, DossierEvent
from dossiers.services import document_upload
from tests.conftest import PDF
from workflows import services
from workflows.walk import add_nominees

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(world, in_window):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(d, world.alice, collectives=[world.unit])
    return d


def upload(world, dossier, name, content):
    return document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile(name, content),
                           document_type=world.types["to-trinh"])


def refused(world, dossier, name, content) -> str:
    with pytest.raises(InvalidInput) as err:
        upload(world, dossier, name, content)
    assert not Document.objects.exists()
    assert not DossierEvent.objects.filter(kind="upload").exists()
    return str(err.value)


# --- PDF -----------------------------------------------------------------------------------------

def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer() -> PdfWriter:
    return PdfWriter(clone_from=io.BytesIO(PDF))


def raw_pdf(catalog_extra: bytes = b"", extra_objects: tuple[bytes, ...] = ()) -> bytes:
    """A hand-written PDF (for what pypdf's writer would normalise away, like #-escaped names)."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>", *extra_objects]
    out, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf_encrypted() -> bytes:
    writer = _writer()
    writer.encrypt(user_password="", owner_password="chu-so-huu")
    return _written(writer)


def pdf_open_action_js() -> bytes:
    return raw_pdf(b"/OpenAction 4 0 R", (b"<< /S /JavaScript /JS (app.alert\\(1\\)) >>",))


def pdf_names_js() -> bytes:
    """Document-level JavaScript in the names tree (where pypdf's add_open_action puts it)."""
    writer = _writer()
    writer.add_open_action(DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                                             NameObject("/JS"): TextStringObject("this.print({bUI:false});")}))
    return _written(writer)


def pdf_launch() -> bytes:
    return raw_pdf(b"/OpenAction 4 0 R", (b"<< /S /Launch /F (cmd.exe) >>",))


def pdf_embedded() -> bytes:
    writer = _writer()
    writer.add_attachment("payload.exe", b"MZ\x90\x00 not a document")
    return _written(writer)


def test_the_shared_sample_pdf_passes(world, dossier):
    document = upload(world, dossier, "to-trinh.pdf", PDF)
    assert document.inspected and document.previewable


def test_a_goto_open_action_is_fine(world, dossier):
    content = raw_pdf(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>")
    assert upload(world, dossier, "mo-trang-1.pdf", content).previewable


@pytest.mark.parametrize("make,problem", [
    (lambda: PDF[: len(PDF) // 2], "bị hỏng hoặc không đầy đủ"),
    (lambda: PDF[:-40], "bị hỏng hoặc không đầy đủ"),
    (lambda: b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "bị hỏng hoặc không đầy đủ"),
    (pdf_encrypted, "mã hoá hoặc đặt mật khẩu"),
    (pdf_open_action_js, "tự chạy mã JavaScript khi mở (OpenAction)"),
    (pdf_names_js, "chứa mã JavaScript"),
    (lambda: raw_pdf(b"/Names << /J#61vaScript 4 0 R >>", (b"<< /Names [(a) 5 0 R] >>",
                                                           b"<< /S /JavaScript /J#53 (app.alert(1)) >>")),
     "chứa mã JavaScript"),
    (lambda: raw_pdf(extra_objects=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] "
                                    b"/A << /S /JavaScript /JS (x) >> >>",)), "chứa mã JavaScript"),
    (lambda: raw_pdf(b"/X " + b"<< /A " * 80 + b"/JS (x)" + b" >>" * 80), "bị hỏng hoặc không đầy đủ"),
    (pdf_launch, "(Launch)"),
    (pdf_embedded, "(EmbeddedFiles)"),
], ids=["half", "tail-cut", "no-structure", "encrypted", "openaction-js", "names-js", "escaped-names",
        "unreachable-link-js", "nested-80-deep", "launch", "embedded-file"])
def test_hostile_pdfs_are_refused_naming_the_problem(world, dossier, make, problem):
    message = refused(world, dossier, "to-trinh.pdf", make())
    assert problem in message and "to-trinh.pdf" in message


# --- Word (.docx) --------------------------------------------------------------------------------

def docx(extra: dict[str, bytes] | None = None, content_types: bytes = b"<Types/>",
         compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("word/document.xml", b"<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_plain_docx_is_accepted_and_not_previewable(world, dossier):
    document = upload(world, dossier, "to-trinh.docx", docx({"word/media/image1.png": b"x" * 5000}))
    assert document.inspected and not document.previewable


def test_zip_bomb_docx_is_refused(world, dossier):
    bomb = docx({"word/media/bom.xml": b"0" * (8 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024                         # 8 MiB of zeros in a few KiB
    assert "zip bomb" in refused(world, dossier, "to-trinh.docx", bomb)


def test_docx_over_the_uncompressed_total_is_refused(world, dossier, settings):
    settings.UPLOAD_DOCX_MAX_UNCOMPRESSED_BYTES = 100_000
    stored = docx({"word/media/a.bin": bytes(range(256)) * 500}, compression=zipfile.ZIP_STORED)
    assert "zip bomb" in refused(world, dossier, "to-trinh.docx", stored)


def test_docx_whose_sizes_lie_is_refused(world, dossier):
    """A member whose header declares 10 bytes but inflates to megabytes: counted as it comes out."""
    data = bytearray(docx({"word/media/bom.xml": b"0" * (4 * 1024 * 1024)}))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/media/bom.xml")
    # Patch the uncompressed size in the central directory entry (the one zipfile trusts).
    for offset in _central_entries(bytes(data)):
        name_length = struct.unpack_from("<H", data, offset + 28)[0]
        if data[offset + 46:offset + 46 + name_length] == info.filename.encode():
            struct.pack_into("<I", data, offset + 24, 10)
    message = refused(world, dossier, "to-trinh.docx", bytes(data))
    assert "zip bomb" in message or "không phải tệp Word" in message


def _central_entries(data: bytes):
    offset = data.find(b"PK\x01\x02")
    while offset >= 0:
        yield offset
        offset = data.find(b"PK\x01\x02", offset + 4)


@pytest.mark.parametrize("extra,content_types", [
    ({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 vba"}, b"<Types/>"),
    ({}, b'<Types><Override PartName="/word/document.xml" '
         b'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'),
], ids=["vbaProject.bin", "docm-content-type"])
def test_macro_docx_is_refused(world, dossier, extra, content_types):
    assert "chứa macro" in refused(world, dossier, "to-trinh.docx", docx(extra, content_types))


def test_docx_without_content_types_is_refused(world, dossier):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
    assert "không phải tệp Word (.docx) hợp lệ" in refused(world, dossier, "to-trinh.docx", buffer.getvalue())


def test_docx_with_a_corrupt_member_is_refused(world, dossier):
    data = bytearray(docx({"word/styles.xml": b"<w:styles>" + b"abc" * 2000 + b"</w:styles>"},
                          compression=zipfile.ZIP_STORED))
    at = data.find(b"abcabc")
    data[at:at + 6] = b"XXXXXX"                          # the CRC no longer matches
    assert "không phải tệp Word (.docx) hợp lệ" in refused(world, dossier, "to-trinh.docx", bytes(data))


# --- Legacy Word (.doc): an OLE compound file --------------------------------------------------

def ole(streams: dict[str, bytes], storages: tuple[str, ...] = ()) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors): streams of at least 4096 bytes
    each (so no mini stream is needed) and empty storages, all children of the root."""
    end, free, fat_sect, nostream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    entries = [("Root Entry", 5, end, 0)]
    sectors, fat, next_sector = [], [fat_sect, end], 2
    for name, data in streams.items():
        data = data.ljust(4096, b"\0")
        data += b"\0" * (-len(data) % 512)
        count = len(data) // 512
        entries.append((name, 2, next_sector, len(data)))
        fat += [next_sector + i + 1 for i in range(count - 1)] + [end]
        sectors.append(data)
        next_sector += count
    entries += [(name, 1, 0, 0) for name in storages]
    assert len(entries) <= 4
    fat += [free] * (128 - len(fat))
    directory = b""
    for index, (name, kind, start, size) in enumerate(entries):
        encoded = name.encode("utf-16-le") + b"\0\0"
        child = 1 if index == 0 and len(entries) > 1 else nostream
        right = index + 1 if 0 < index < len(entries) - 1 else nostream
        directory += (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                      + struct.pack("<III", nostream, right, child) + b"\0" * 16 + b"\0" * 4 + b"\0" * 16
                      + struct.pack("<III", start, size, 0))
    directory = directory.ljust(512, b"\0")
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
              + struct.pack("<I", 0) + struct.pack("<I", free) * 108)
    assert len(header) == 512
    return header + struct.pack("<128I", *fat) + directory + b"".join(sectors)


def test_a_legacy_doc_is_accepted_as_an_ole_word_file(world, dossier):
    document = upload(world, dossier, "to-trinh.doc", ole({"WordDocument": b"\xec\xa5" + b"w" * 5000}))
    assert document.content_type == "application/msword" and not document.previewable


@pytest.mark.parametrize("content,problem", [
    (lambda: ole({"WordDocument": b"\xec\xa5"}, storages=("Macros",)), "chứa macro"),
    (lambda: ole({"Workbook": b"\x09\x08"}), "không phải tệp Word (.doc) hợp lệ"),
    (lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "không phải tệp Word (.doc) hợp lệ"),
], ids=["macros", "excel-not-word", "broken"])
def test_bad_legacy_doc_is_refused(world, dossier, content, problem):
    assert problem in refused(world, dossier, "to-trinh.doc", content())


# --- Images ------------------------------------------------------------------------------------

def image(fmt: str, size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("name,fmt", [("anh.png", "PNG"), ("anh.jpg", "JPEG")])
def test_real_images_are_accepted_but_not_previewed(world, dossier, name, fmt):
    document = upload(world, dossier, name, image(fmt))
    assert document.inspected and not document.previewable


@pytest.mark.parametrize("name,content", [
    ("anh.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    ("anh.png", image("PNG", (300, 300))[:200]),
    ("anh.jpg", image("JPEG", (300, 300))[:300]),
], ids=["png-header-only", "png-truncated", "jpeg-truncated"])
def test_broken_images_are_refused(world, dossier, name, content):
    import weasyprint  # noqa: F401  (it turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole process)

    assert "ảnh bị hỏng hoặc không đầy đủ" in refused(world, dossier, name, content)


def test_too_many_pixels_refused_before_decoding(world, dossier, settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 1_000_000
    message = refused(world, dossier, "anh.png", image("PNG", (2000, 600)))
    assert "2000 × 600" in message and "1 triệu" in message


# --- Names ---------------------------------------------------------------------------------------

def test_trailing_space_in_a_valid_pdf_name_is_accepted(world, dossier):
    assert upload(world, dossier, "x.pdf ", PDF).original_name == "x.pdf"


def test_names_are_nfc_without_bidi_controls(world, dossier):
    decomposed = unicodedata.normalize("NFD", "Tờ trình.pdf")
    assert upload(world, dossier, decomposed, PDF).original_name == "Tờ trình.pdf"
    # "anh\u202efdp.exe" displays as "anhexe.pdf": the control is removed, the real extension shows.
    assert clean_filename("anh\u202efdp.exe") == "anhfdp.exe"
    message = refused_any(world, dossier, "to-trinh\u202efdp.exe", PDF)
    assert "\u202e" not in message and "to-trinhfdp.exe" in message


def refused_any(world, dossier, name, content) -> str:
    with pytest.raises(InvalidInput) as err:
        upload(world, dossier, name, content)
    return str(err.value)


@pytest.mark.parametrize("raw,clean", [
    ("  bao cao.pdf  ", "bao cao.pdf"),
    ("C:\\Users\\a\\to trinh.pdf", "to trinh.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("a\tb\nc.pdf", "a b c.pdf"),
    ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
])
def test_clean_filename(raw, clean):
    assert clean_filename(raw) == clean
