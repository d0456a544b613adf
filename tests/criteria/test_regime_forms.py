"""The pre-filled documents and the document names follow the form catalogue of the regime the campaign pinned."""

import pytest
from pypdf import PdfReader

from criteria.documents import form07_pdf, unit_proposal_pdf
from dossiers.models import Campaign, LegalRegime
from workflows import services as flow
from workflows.walk import add_nominees

# the shipped regimes, as a fresh database has them (tests/conftest.py says why)
pytestmark = pytest.mark.usefixtures("shipped_regimes")


def text(pdf: bytes) -> str:
    import io

    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def nominee(world, in_window):
    dossier = flow.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, individuals=[{"full_name": "Nguyễn Thị Hồng Nhung", "position": "Chuyên viên"}])
    return dossier.nominees.get()


def test_the_2023_campaign_keeps_form_07_of_decree_91(world, nominee):
    assert "Mẫu số 07, Nghị định 91/2017/NĐ-CP" in text(form07_pdf(nominee=nominee, actor=world.alice))
    problems = nominee.dossier.problems_for(["reports"])
    assert "Thiếu Báo cáo thành tích (mẫu số 07, Nghị định 91/2017/NĐ-CP) của Nguyễn Thị Hồng Nhung." in problems


def test_a_campaign_under_decree_152_gets_its_forms(world, nominee):
    Campaign.objects.filter(pk=world.campaign.pk).update(regime=LegalRegime.objects.get(code="nd-152-2025"))
    nominee.refresh_from_db()
    dossier = nominee.dossier
    report = text(form07_pdf(nominee=nominee, actor=world.alice))
    assert "Mẫu số 02, Nghị định 152/2025/NĐ-CP" in report and "91/2017" not in report
    proposal = text(unit_proposal_pdf(dossier=dossier, actor=world.alice))
    assert "Mẫu số 01, Thông tư 15/2025/TT-BNV" in proposal
    assert "Báo cáo thành tích đề nghị khen thưởng (mẫu số 02, Nghị định 152/2025/NĐ-CP)" in proposal
    assert "Thiếu Báo cáo thành tích đề nghị khen thưởng (mẫu số 02, Nghị định 152/2025/NĐ-CP) của Nguyễn Thị " \
           "Hồng Nhung." in dossier.problems_for(["reports"])
