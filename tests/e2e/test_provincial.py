"""The provincial steps in a real browser (issue 12, items 4 and 6): Sở Nội vụ types the provincial
council's meeting and votes (a refusal keeps what was typed), the Chủ tịch signs the tờ trình upward,
the dossier shows how long it has waited, and the office records the central decision."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dossiers.models import AwardForm, CouncilVoteRule, DossierStatus, Outcome, Step
from dossiers.setup import configure_award_form
from workflows import services
from workflows.walk import Actors, add_nominees, walk

from .conftest import login, shot
from .test_whole_path import new_page, no_csp_violation  # noqa: F401

pytestmark = pytest.mark.e2e
UPWARD_PATH = {Step.PROPOSAL: 5, Step.COUNCIL: 5, Step.REPORTS: 5, Step.SUBMISSION: 2, Step.APPRAISAL: 7,
               Step.HOME_AFFAIRS: 5, Step.PROVINCE_COUNCIL: 5, Step.UPWARD: 5, Step.CENTRAL_DECISION: 60}
EXTRA_SHOTS = os.environ.get("COUNCIL_SHOTS")  # a folder to copy the screenshots to


def keep(page, name):
    shot(page, f"provincial-{name}")
    if EXTRA_SHOTS:
        page.screenshot(path=str(Path(EXTRA_SHOTS) / f"{name}.png"), full_page=True)


def test_council_upward_and_central_decision(browser, live_server, province):
    p = province
    form = AwardForm.objects.create(campaign=p.campaign, code="bang-khen-ttg", name="Bằng khen của Thủ tướng Chính phủ",
                                    deciding_unit=p.province, signer_office="CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")
    configure_award_form(form, UPWARD_PATH)
    CouncilVoteRule.objects.create(award_form=form, threshold_numerator=2, threshold_denominator=3,
                                   threshold_strict=False, threshold_base="total", quorum_numerator=1,
                                   quorum_denominator=2, quorum_strict=True)
    dossier = services.dossier_create(campaign=p.campaign, award_form=form, unit=p.unit, actor=p.officer)
    collective, person = add_nominees(dossier, p.officer, collectives=[p.unit], individuals=[
        {"full_name": "Nguyễn Văn An", "citizen_id": "020123456789", "position": "Trưởng phòng"}])
    actors = Actors(officer=p.officer, head=p.head, appraiser=p.appraiser, home_affairs=p.home_affairs,
                    chairman=p.chairman)
    dossier = walk(dossier, actors, until=DossierStatus.AT_PROVINCE_COUNCIL)
    url = f"{live_server.url}/ho-so/{dossier.pk}/"

    page = new_page(browser)
    login(page, live_server.url, p.home_affairs.username)
    page.goto(url)
    form_box = page.locator("#form-province-council")
    page.fill("#id_held_on", "01/01/2020")  # before the dossier was sent: refused, the input kept
    page.fill("#id_place", "Phòng họp số 1, UBND tỉnh")
    page.fill("#id_chair_name", "Hồ Tiến Thiệu")
    page.fill("#id_chair_position", "Chủ tịch UBND tỉnh, Chủ tịch Hội đồng")
    page.fill("#id_members_total", "11")
    page.fill("#id_attendees", "\n".join(f"Thành viên {i} — Ủy viên Hội đồng" for i in range(1, 10)))
    page.fill(f"#id_vote_{collective.pk}", "8")
    page.fill(f"#id_vote_{person.pk}", "7")
    form_box.locator("button[type=submit]").click()
    expect(page.locator(".alert-error, [role=alert]").first).to_contain_text("trước ngày hồ sơ được gửi")
    expect(page.locator("#id_place")).to_have_value("Phòng họp số 1, UBND tỉnh")
    expect(page.locator(f"#id_vote_{person.pk}")).to_have_value("7")
    keep(page, "council-refused")
    page.fill("#id_held_on", dossier.submitted_at.astimezone().strftime("%d/%m/%Y"))
    page.locator("#form-province-council button[type=submit]").click()
    expect(page.locator("#council-votes")).to_contain_text("8/11")
    expect(page.locator("#council-votes")).to_contain_text("Không đạt")  # 7 of 11 < 2/3
    keep(page, "council-recorded")
    minutes = page.request.get(f"{live_server.url}/ho-so/{dossier.pk}/bien-ban-hoi-dong-tinh.pdf")
    assert minutes.ok and minutes.headers["content-type"] == "application/pdf"
    dossier = services.dossier_approve_step(dossier=dossier, actor=p.home_affairs)
    page.context.close()

    page = new_page(browser)
    login(page, live_server.url, p.chairman.username)
    page.goto(url)
    expect(page.locator("#id_recipient")).to_have_value("Thủ tướng Chính phủ")
    page.fill("#id_number", "45/TTr-UBND")
    page.fill("#id_signed_on", dossier.submitted_at.astimezone().strftime("%d/%m/%Y"))
    keep(page, "upward-form")
    page.click("#btn-upward")
    expect(page.locator("#central-wait")).to_contain_text("Chờ quyết định của cấp trên · 0 ngày")
    expect(page.locator("#link-upward-pdf")).to_be_visible()
    keep(page, "awaiting-central")
    page.context.close()

    page = new_page(browser)
    login(page, live_server.url, p.home_affairs.username)
    page.goto(f"{live_server.url}/")
    expect(page.locator(f"[data-central-wait='{dossier.pk}']")).to_contain_text("Chờ quyết định của cấp trên")
    keep(page, "inbox-awaiting-central")
    page.goto(url)
    assert page.locator(f"input[name=outcome_{collective.pk}]").count() == 2
    assert page.locator(f"input[name=outcome_{person.pk}]").count() == 0  # voted down: not proposed
    page.fill("#form-central #id_number", "1234/QĐ-TTg")
    page.fill("#form-central #id_signed_on", dossier.submitted_at.astimezone().strftime("%d/%m/%Y"))
    page.click("#btn-central")  # no outcome chosen: refused, what was typed kept
    expect(page.locator("#form-central #id_number")).to_have_value("1234/QĐ-TTg")
    page.check(f"input[name=outcome_{collective.pk}][value='1']")
    page.click("#btn-central")
    expect(page.locator("#central-decision")).to_contain_text("1234/QĐ-TTg")
    expect(page.locator("#no-local-certificate")).to_be_visible()
    keep(page, "central-recorded")
    page.context.close()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DECIDED
    assert dict(dossier.nominees.values_list("pk", "outcome")) == {collective.pk: Outcome.AWARDED,
                                                                   person.pk: Outcome.NOT_AWARDED}
