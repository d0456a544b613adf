"""The full CCCD of a nominee never leaves the dossier's own page: not in lists, the inbox, the
dashboard, the exports, the public verification page or the decision PDF."""

import io

import openpyxl
import pypdf
import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from .conftest import CCCD

pytestmark = pytest.mark.django_db


def _client(user=None):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def _xlsx_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                     if cell.value is not None)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_cccd_not_in_lists_inbox_dashboard(scene):
    w = scene.w
    pages = ["home", "workflows:inbox", "workflows:dashboard", "workflows:decisions", "deadlines:notifications",
             "deadlines:overview", "criteria:campaigns"]
    for user in (w.alice, w.henry, w.bob, w.nora, w.chris, w.admin):
        client = _client(user)
        for name in pages:
            response = client.get(reverse(name))
            assert response.status_code in (200, 302, 404), (user, name, response.status_code)
            assert CCCD.encode() not in _body(response), (user.username, name)
        for name in ("criteria:reports", "certificates:decision"):
            pk = w.campaign.pk if name.startswith("criteria") else scene.decision.pk
            response = client.get(reverse(name, args=[pk]))
            assert CCCD.encode() not in _body(response), (user.username, name)


def test_cccd_not_in_exports(scene):
    w = scene.w
    response = _client(w.chris).get(reverse("certificates:awardees_xlsx", args=[scene.decision.pk]))
    assert response.status_code == 200
    text = _xlsx_text(response.content)
    assert "Nguyễn Văn Bình" in text            # the export is about this awardee...
    assert CCCD not in text                      # ...without the full CCCD
    response = _client(w.bob).get(reverse("criteria:reports_xlsx", args=[w.campaign.pk]))
    assert response.status_code == 200
    assert CCCD not in _xlsx_text(response.content)


def test_cccd_not_on_the_public_verification_page(scene):
    certificate = scene.decision.certificates.get(nominee=scene.person)
    response = _client().get(reverse("certificates:verify", args=[certificate.token]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nguyễn Văn Bình" in body
    assert CCCD not in body and CCCD[-4:] not in body       # not even masked: what the certificate prints
    assert "17/05/1980" not in body and "1980-05-17" not in body     # nor the birth date
    assert response["X-Robots-Tag"] == "noindex"


def test_cccd_not_in_the_decision_and_certificate_pdfs(scene):
    decision = scene.decision
    assert decision.decision_pdf.name, "the decision PDF was rendered on commit"
    with default_storage.open(decision.decision_pdf.name, "rb") as handle:
        text = _pdf_text(handle.read())
    assert "2345/QĐ-UBND" in text or "2345" in text
    assert CCCD not in text.replace(" ", "")
    client = _client(scene.w.chris)
    for response in (client.get(reverse("certificates:decision_pdf", args=[decision.pk])),
                     client.get(reverse("certificates:certificates_pdf", args=[decision.pk])),
                     client.get(reverse("certificates:certificate_pdf", args=[scene.certificate.pk]))):
        assert response.status_code == 200
        assert CCCD not in _pdf_text(_body(response)).replace(" ", "")


def test_dossier_page_shows_the_cccd_only_masked(scene):
    """Report: the unit's own dossier page shows the CCCD masked (last digits), never in full, to the
    unit and to the reviewers; the outsider gets a 404 (test_access)."""
    url = reverse("dossiers:detail", args=[scene.decided.pk])
    for user in (scene.w.alice, scene.w.bob, scene.w.chris):
        response = _client(user).get(url)
        assert response.status_code == 200
        body = response.content.decode()
        assert "Nguyễn Văn Bình" in body
        assert CCCD not in body, user.username
        assert "CCCD *********789" in body, user.username        # masked: the last three digits
    # the achievement report (mẫu 07) the unit prints does not carry the CCCD at all
    response = _client(scene.w.alice).get(reverse("criteria:form07", args=[scene.decided.pk, scene.person.pk]))
    assert response.status_code == 200 and CCCD not in _pdf_text(response.content).replace(" ", "")


def test_typing_a_cccd_does_not_reveal_who_holds_it(scene, time_machine):
    """charlie (UBND huyện Cao Lộc) types the CCCD of Sở Tư pháp's nominee with another name. The
    refusal names "Nguyễn Văn Bình" and "hồ sơ số 1 (Sở Tư pháp)": a lookup of anyone's name and
    award proposals by CCCD, to any unit officer."""
    from tests.deadlines.helpers import at
    from workflows import services

    time_machine.move_to(at(2023, 12, 5, 9, 0), tick=False)
    w = scene.w
    mine = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.other, actor=w.charlie)
    response = _client(w.charlie).post(reverse("dossiers:nominee_add", args=[mine.pk]), {
        "kind": "individual", "full_name": "Ai Đó", "citizen_id": CCCD})
    body = response.content.decode()
    assert response.status_code == 400
    assert "Nguyễn Văn Bình" not in body and f"hồ sơ số {scene.decided.pk} (" not in body
