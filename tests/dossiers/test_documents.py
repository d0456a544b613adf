import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.errors import InvalidInput, InvalidState, NotPermitted
from dossiers.models import Document, DossierEvent, DossierStatus
from dossiers.services import document_open, document_upload
from tests.conftest import PDF
from workflows import services
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(world, in_window):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(d, world.alice, collectives=[world.unit])
    return d


def upload(world, dossier, name, content, kind="to-trinh", nominee=None):
    return document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile(name, content),
                           document_type=world.types[kind], nominee=nominee)


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def test_pdf_is_stored_with_hash_size_and_event(world, dossier):
    doc = upload(world, dossier, "To trinh.pdf", PDF)
    assert (doc.version, doc.is_current, doc.size, doc.content_type) == (1, True, len(PDF), "application/pdf")
    assert len(doc.sha256) == 64
    assert DossierEvent.objects.filter(dossier=dossier, kind="upload", data__document=doc.pk).exists()


def test_docx_accepted_by_content(world, dossier):
    assert upload(world, dossier, "to-trinh.docx", docx_bytes()).content_type.endswith("document")


@pytest.mark.parametrize("name,content,message", [
    ("to-trinh.pdf", b"", "rỗng"),
    ("to-trinh.pdf", b"MZ\x90\x00 this is an exe", "không phải PDF"),
    ("to-trinh.exe", PDF, "không phải PDF"),            # a PDF under a wrong name
    ("anh.png", PDF, "không phải PDF"),                 # content and extension disagree
    ("to-trinh.docx", b"PK\x03\x04garbage", "không phải PDF"),
])
def test_bad_files_are_refused_with_a_clear_message(world, dossier, name, content, message):
    with pytest.raises(InvalidInput) as err:
        upload(world, dossier, name, content)
    assert message in str(err.value) and name in str(err.value)
    assert not Document.objects.exists()


def test_oversized_file_refused(world, dossier, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(InvalidInput) as err:
        upload(world, dossier, "lon.pdf", PDF + b"0" * 2000)
    assert "vượt giới hạn" in str(err.value)


def test_new_upload_supersedes_but_keeps_old_version(world, dossier):
    first = upload(world, dossier, "v1.pdf", PDF)
    second = upload(world, dossier, "v2.pdf", PDF + b"%v2")
    first.refresh_from_db()
    assert (first.is_current, second.is_current, second.version) == (False, True, 2)


def test_per_nominee_document_needs_the_nominee(world, dossier):
    with pytest.raises(InvalidInput):
        upload(world, dossier, "bc.pdf", PDF, kind="bao-cao-thanh-tich")


def test_outsider_cannot_upload_or_read(world, dossier):
    doc = upload(world, dossier, "a.pdf", PDF)
    with pytest.raises(NotPermitted):
        document_upload(dossier=dossier, actor=world.charlie, file=SimpleUploadedFile("a.pdf", PDF),
                        document_type=world.types["to-trinh"])
    with pytest.raises(NotPermitted):
        document_open(document=doc, actor=world.charlie)
    # the appraiser sees it only once the dossier reached them
    with pytest.raises(NotPermitted):
        document_open(document=doc, actor=world.bob)


def test_reading_is_logged_and_reviewers_can_read_after_submission(world, dossier):
    actors = Actors(officer=world.alice, head=world.henry, appraiser=world.bob)
    dossier = walk(dossier, actors, until=DossierStatus.SUBMITTED)
    doc = dossier.documents.filter(is_current=True).first()
    with document_open(document=doc, actor=world.bob) as handle:
        assert handle.read().startswith(b"%PDF")
    assert DossierEvent.objects.filter(dossier=dossier, kind="download", actor=world.bob).count() == 1


def test_unit_cannot_upload_while_under_review(world, dossier):
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry), until=DossierStatus.SUBMITTED)
    with pytest.raises(InvalidState):
        upload(world, dossier, "late.pdf", PDF)
