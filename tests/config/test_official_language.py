"""Legal documents come out in Vietnamese even when the person asking reads the pages in English."""

import io

import pytest
from django.utils import translation
from pypdf import PdfReader

from dossiers.models import DossierStatus
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db


def text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_apology_letter_in_vietnamese_under_english(world, in_window):
    from workflows import deadlines, services
    from workflows.flows import ACTIVE
    from workflows.models import DossierTask
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    walk(dossier, Actors(officer=world.alice, head=world.henry), until=DossierStatus.SUBMITTED)
    task = DossierTask.objects.get(dossier=dossier, status__in=ACTIVE)
    with translation.override("en"):
        assert translation.gettext("Trang chủ") == "Home"          # English really is active
        letter = deadlines.apology_issue(task=task, actor=world.bob, reason="Cần xác minh số liệu.")
        flat = text(deadlines.apology_pdf(letter))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "SOCIALIST" not in flat
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in flat


def test_decision_and_certificates_in_vietnamese_under_english(world, in_window):
    import datetime as dt

    from certificates import rendering
    from workflows import services
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry, appraiser=world.bob,
                                   home_affairs=world.nora), until=DossierStatus.AWAITING_DECISION)
    with translation.override("en"):
        decision = services.decision_sign(dossiers=[dossier], actor=world.chris,
                                          outcomes={n.pk: True for n in dossier.nominees.all()},
                                          number="99/QĐ-UBND", signed_on=dt.date(2023, 12, 5))
        decision_text = text(rendering.decision_pdf(decision))
        certificate_text = text(rendering.certificates_pdf(decision, workers=1))
    assert "QUYẾT ĐỊNH" in decision_text and "Căn cứ" in decision_text
    assert "Đã có thành tích" in certificate_text or "thành tích" in certificate_text
    assert "achievement" not in (decision_text + certificate_text).lower()
