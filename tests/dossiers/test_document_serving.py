"""Serving documents: only a PDF that passed the upload's checks is shown inline, and then in a
sandbox (Content-Security-Policy: sandbox); everything else is a download. A refused upload answers
the page's XMLHttpRequest with JSON {"error": …} and a 4xx status, the page otherwise; nothing is
stored."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dossiers.models import Document
from dossiers.services import document_upload
from tests.conftest import PDF
from workflows import services
from workflows.walk import add_nominees

pytestmark = pytest.mark.django_db
XHR = {"x-requested-with": "XMLHttpRequest", "accept": "application/json"}


@pytest.fixture
def dossier(world, in_window):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(d, world.alice, collectives=[world.unit])
    return d


@pytest.fixture
def alice(world):
    client = Client()
    client.force_login(world.alice)
    return client


def csp_directives(response) -> list[str]:
    return [part.strip() for part in response["Content-Security-Policy"].split(";")]


def _view(client, document, **params):
    return client.get(reverse("dossiers:document", args=[document.pk]), params)


def test_checked_pdf_is_inline_and_sandboxed(world, dossier, alice):
    document = document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("to-trinh.pdf", PDF),
                               document_type=world.types["to-trinh"])
    response = _view(alice, document)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("inline;")
    assert "sandbox" in csp_directives(response)
    assert "frame-ancestors 'self'" in csp_directives(response)  # the page's preview frame may show it
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(response.streaming_content) == PDF
    assert _view(alice, document, download="1")["Content-Disposition"].startswith("attachment;")
    page = alice.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert f'href="/tai-lieu/{document.pk}/" data-preview' in page


def test_pdf_stored_before_the_checks_is_a_download(world, dossier, alice):
    document = document_upload(dossier=dossier, actor=world.alice, file=SimpleUploadedFile("cu.pdf", PDF),
                               document_type=world.types["to-trinh"])
    Document.objects.filter(pk=document.pk).update(inspected=False)   # as rows from before the checks
    document.refresh_from_db()
    assert not document.previewable
    response = _view(alice, document)
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in csp_directives(response)
    page = alice.get(reverse("dossiers:detail", args=[dossier.pk])).content.decode()
    assert f'href="/tai-lieu/{document.pk}/" data-preview' not in page


def _js_pdf() -> bytes:
    from tests.dossiers.test_upload_inspection import pdf_open_action_js

    return pdf_open_action_js()


def test_refused_upload_answers_the_xhr_with_json_400(world, dossier, alice):
    response = alice.post(reverse("dossiers:upload", args=[dossier.pk]),
                          {"document_type": "to-trinh", "file": SimpleUploadedFile("to-trinh.pdf", _js_pdf())},
                          headers=XHR)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": response.json()["error"]}
    assert "JavaScript" in response.json()["error"] and "to-trinh.pdf" in response.json()["error"]
    assert not Document.objects.exists()


def test_refused_upload_without_javascript_shows_the_message_on_the_page(world, dossier, alice):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"vba")
    response = alice.post(reverse("dossiers:upload", args=[dossier.pk]),
                          {"document_type": "to-trinh", "file": SimpleUploadedFile("to-trinh.docx",
                                                                                   buffer.getvalue())})
    assert response.status_code == 400
    assert "chứa macro" in response.content.decode()
    assert not Document.objects.exists()


def test_a_valid_pdf_named_with_a_trailing_space_is_accepted(world, dossier, alice):
    response = alice.post(reverse("dossiers:upload", args=[dossier.pk]),
                          {"document_type": "to-trinh", "file": SimpleUploadedFile("x.pdf ", PDF)}, headers=XHR)
    assert response.status_code == 200 and response.json()["ok"]
    assert Document.objects.get().original_name == "x.pdf"
