"""Documents: served only to those who may see the dossier, with the right type, never sniffed, and
as a download (not inline) unless the browser can only display it (PDF, image). Uploads are checked
by content and size. A child object (nominee, document) named through another dossier's URL is 404."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dossiers.models import Document
from tests.conftest import PDF
from tests.dossiers.test_document_serving import csp_directives
from tests.deadlines.helpers import at

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 90, 160)).save(out, "PNG")
    return out.getvalue()


PNG = _png()


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _upload(client, dossier, name, content, document_type="to-trinh"):
    return client.post(reverse("dossiers:upload", args=[dossier.pk]),
                       {"document_type": document_type, "file": SimpleUploadedFile(name, content)})


@pytest.fixture
def open_window(scene, time_machine):
    time_machine.move_to(at(2023, 12, 5, 9, 0), tick=False)
    return scene


@pytest.mark.parametrize("name,content,content_type,disposition", [
    ("to-trinh.pdf", PDF, "application/pdf", "inline"),
    ("anh.png", PNG, "image/png", "attachment"),       # only a checked PDF is shown inline
    ("to-trinh.docx", _docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
     "attachment"),
])
def test_document_served_with_type_nosniff_and_disposition(open_window, name, content, content_type, disposition):
    s = open_window
    alice = _client(s.w.alice)
    assert _upload(alice, s.draft, name, content).status_code == 302
    document = Document.objects.filter(dossier=s.draft).latest("pk")
    assert document.original_name == name
    response = alice.get(reverse("dossiers:document", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith(disposition + ";"), response["Content-Disposition"]
    assert "sandbox" in csp_directives(response)
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == content
    response = alice.get(reverse("dossiers:document", args=[document.pk]), {"download": "1"})
    assert response["Content-Disposition"].startswith("attachment;")
    assert _client(s.w.charlie).get(reverse("dossiers:document", args=[document.pk])).status_code == 404


@pytest.mark.parametrize("name,content", [
    ("trang.pdf", b"<html><script>alert(1)</script></html>"),      # HTML renamed to .pdf
    ("anh.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
    ("to-trinh.docx", PDF),                                          # a real PDF under a Word name
    ("to-trinh.html", PDF),                                          # a PDF under a name a browser runs
    ("rong.pdf", b""),
    ("gia.docx", b"PK\x03\x04not really a zip"),
])
def test_upload_checked_by_content(open_window, name, content):
    s = open_window
    before = Document.objects.count()
    response = _upload(_client(s.w.alice), s.draft, name, content)
    assert response.status_code == 400
    assert Document.objects.count() == before


def test_upload_too_big(open_window, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    s = open_window
    response = _upload(_client(s.w.alice), s.draft, "lon.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400 and "vượt giới hạn" in response.content.decode()
    assert not Document.objects.filter(dossier=s.draft).exists()


def test_child_of_dossier_a_through_dossier_b_is_404(open_window):
    """The decided dossier's nominee named through the draft's URLs (same unit, same user)."""
    s = open_window
    alice, bob = _client(s.w.alice), _client(s.w.bob)
    other = s.person.pk                                # a nominee of the decided dossier
    assert alice.post(reverse("dossiers:nominee_remove", args=[s.draft.pk, other])).status_code == 404
    assert alice.get(reverse("criteria:form07", args=[s.draft.pk, other])).status_code == 404
    assert alice.get(reverse("criteria:report_draft", args=[s.draft.pk, other])).status_code == 404
    assert alice.get(reverse("criteria:form07", args=[s.decided.pk, s.draft_nominee.pk])).status_code == 404
    response = alice.post(reverse("dossiers:upload", args=[s.draft.pk]), {
        "document_type": "bao-cao-thanh-tich", "nominee": other, "file": SimpleUploadedFile("b.pdf", PDF)})
    assert response.status_code == 400
    assert not Document.objects.filter(nominee_id=other, dossier=s.draft).exists()
    assert s.person.dossier_id == s.decided.pk and s.decided.nominees.filter(pk=other).exists()
    for name in ("criteria:override", "criteria:assess"):
        response = bob.post(reverse(name, args=[s.late.pk]), {
            "nominee": other, "criterion": 1, "passed": "1", "comment": "Đạt yêu cầu theo tiêu chí.",
            "reason": "Lý do vượt quyền đủ dài để hợp lệ."})
        assert response.status_code == 404, (name, response.status_code)
