import io

import pytest
from pypdf import PdfReader

from criteria.documents import consolidated_pdf, form07_pdf, proposal_pdf, report_draft_save
from criteria.services import criteria_override
from dossiers.errors import InvalidState, NotPermitted
from dossiers.models import DossierStatus
from workflows import services as wf
from workflows.walk import Actors, add_nominees, walk

from .conftest import csv_file

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


@pytest.fixture
def figures(world, criteria):
    from criteria.metrics import metrics_import
    header = ["Mã đơn vị", "Hồ sơ tiếp nhận", "Hồ sơ đã số hóa", "Kế hoạch DVC phát sinh hồ sơ trực tuyến (%)",
              "Tỷ lệ DVC phát sinh hồ sơ trực tuyến (%)", "Kế hoạch hồ sơ trực tuyến (%)", "Hồ sơ trực tuyến"]
    return metrics_import(campaign=world.campaign, actor=world.bob, file=csv_file(
        [[world.unit.pk, "1.200", "870", "60", "66,5", "50", "720"]], header=header))


def test_form07_is_prefilled_from_the_units_data_and_keeps_the_units_text(world, in_window, figures):
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    [nominee] = add_nominees(dossier, world.alice, collectives=[world.unit])
    text = text_of(form07_pdf(nominee=nominee, actor=world.alice))
    assert "BÁO CÁO THÀNH TÍCH" in text and "Bằng khen của Chủ tịch UBND tỉnh" in text
    assert "Tên tập thể đề nghị khen thưởng: Sở Tư pháp" in text
    assert "170/KH-UBND" in text and "20/08/2023" in text and "30/11/2023" in text
    assert "đã tiếp nhận 1.200 hồ sơ thủ tục hành chính, số hóa 870 hồ sơ, đạt tỷ lệ 72,50%" in text
    assert "≥ 70,00%" in text and "72,50%" in text and "Đạt" in text
    assert "≥ 65,00% (kế hoạch 60,00% + 5,00 điểm)" in text and "66,50%" in text
    assert "60,00%" in text  # online dossier rate 720/1200: plan 50 + 5 = 55 → pass
    assert "Đơn vị bổ sung đặc điểm, tình hình" in text and "Henry" in text
    report_draft_save(nominee=nominee, actor=world.alice, situation="Sở có 9 phòng chuyên môn.",
                      duties="Tham mưu quản lý nhà nước về tư pháp.", measures="Số hóa ngay khi tiếp nhận.",
                      past_awards="")
    text = text_of(form07_pdf(nominee=nominee, actor=world.alice))
    assert "Sở có 9 phòng chuyên môn." in text and "Số hóa ngay khi tiếp nhận." in text
    assert "Đơn vị bổ sung đặc điểm" not in text
    with pytest.raises(NotPermitted):
        form07_pdf(nominee=nominee, actor=world.charlie)
    with pytest.raises(NotPermitted):
        report_draft_save(nominee=nominee, actor=world.charlie, situation="x", duties="", measures="",
                          past_awards="")


def test_draft_text_is_frozen_once_submitted(world, in_window, figures):
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    [nominee] = add_nominees(dossier, world.alice, collectives=[world.unit])
    walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    with pytest.raises(InvalidState):
        report_draft_save(nominee=nominee, actor=world.alice, situation="x", duties="", measures="", past_awards="")


def test_proposal_and_consolidated_list_of_the_appraising_unit(world, in_window, figures):
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit],
                 individuals=[{"full_name": "Nguyễn Văn An", "position": "Trưởng phòng"}])
    dossier = walk(dossier, actors(world), until=DossierStatus.APPRAISED)
    text = text_of(proposal_pdf(campaign=world.campaign, actor=world.bob))
    assert "TỜ TRÌNH" in text and "Kính gửi: Chủ tịch Ủy ban nhân dân tỉnh Lạng Sơn" in text
    assert "đã thẩm định 1 hồ sơ" in text and "cho 1 tập thể và 1 cá nhân" in text
    assert "Sở Tư pháp" in text and "Nguyễn Văn An" in text and "72,50%" in text
    text = text_of(consolidated_pdf(campaign=world.campaign, actor=world.bob))
    assert "BẢNG TỔNG HỢP KẾT QUẢ THẨM ĐỊNH" in text and "Trưởng phòng" in text
    with pytest.raises(NotPermitted):
        proposal_pdf(campaign=world.campaign, actor=world.alice)


def test_renders_kept_for_the_demo_are_read_back_only_for_the_same_page(world, in_window, figures, tmp_path,
                                                                          monkeypatch):
    import weasyprint

    from criteria.documents import renders_kept_in

    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    [nominee] = add_nominees(dossier, world.alice, collectives=[world.unit])
    layouts = []
    real_html = weasyprint.HTML
    monkeypatch.setattr(weasyprint, "HTML", lambda *a, **kw: layouts.append(1) or real_html(*a, **kw))
    with renders_kept_in(tmp_path):
        first = form07_pdf(nominee=nominee, actor=world.alice)
        again = form07_pdf(nominee=nominee, actor=world.alice)
        assert again == first and len(layouts) == 1 and len(list(tmp_path.glob("*.pdf"))) == 1
        report_draft_save(nominee=nominee, actor=world.alice, situation="Sở có 9 phòng chuyên môn.",
                          duties="", measures="", past_awards="")
        changed = form07_pdf(nominee=nominee, actor=world.alice)  # another page: laid out, kept beside
        assert "Sở có 9 phòng chuyên môn." in text_of(changed) and len(layouts) == 2
        assert len(list(tmp_path.glob("*.pdf"))) == 2 and not list(tmp_path.glob("*.part"))
    form07_pdf(nominee=nominee, actor=world.alice)  # outside the block: always rendered anew
    assert len(layouts) == 3
