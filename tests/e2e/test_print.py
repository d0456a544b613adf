"""A dossier on paper (issue 16): the print stylesheet gives the agency's header and leaves out every control;
the printable summary lists nominees, components, the council result and the history. PDFs of both are
written to tests/e2e/screenshots/print-*.pdf for a person to look at (pdftoppm -png -r 60)."""

import pytest
from playwright.sync_api import expect

from dossiers.models import DossierStatus
from workflows import services
from workflows.walk import Actors, add_nominees, walk

from .conftest import SHOTS, login

pytestmark = pytest.mark.e2e


def test_dossier_prints_with_header_and_without_controls(browser, live_server, province):
    base, p = live_server.url, province
    actors = Actors(officer=p.officer, head=p.head, appraiser=p.appraiser, home_affairs=p.home_affairs,
                    chairman=p.chairman)
    dossier = services.dossier_create(campaign=p.campaign, award_form=p.form, unit=p.unit, actor=p.officer)
    add_nominees(dossier, p.officer, collectives=[p.unit])
    dossier = walk(dossier, actors, until=DossierStatus.COUNCIL_REVIEWED)  # still editable: forms on the page

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    login(page, base, "canbo_tuphap")
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    header = page.locator(".print-header").first
    expect(header).to_be_hidden()                                   # on screen: the top bar is the header
    expect(page.locator("form.drop").first).to_be_visible()
    page.emulate_media(media="print")
    expect(header).to_be_visible()
    expect(header).to_contain_text(p.province.name.upper())
    for control in ("form.drop", "#next", ".topbar", "#link-print", "#preview", "#form-council", "button"):
        expect(page.locator(control).first).to_be_hidden()
    expect(page.locator("#checklist")).to_be_visible()             # the content stays
    expect(page.locator("#timeline")).to_be_visible()
    page.pdf(path=str(SHOTS / "print-dossier.pdf"), format="A4")

    page.emulate_media(media="screen")
    page.goto(f"{base}/ho-so/{dossier.pk}/ban-in/")
    expect(page.locator("h1")).to_contain_text(f"Tóm tắt hồ sơ #{dossier.pk}")
    expect(page.locator(".printable .print-header")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Kết quả họp xét")
    expect(page.locator("main")).to_contain_text("Báo cáo thành tích")
    expect(page.locator("[data-print]")).to_be_visible()             # shown once the script runs
    page.emulate_media(media="print")
    expect(page.locator("[data-print]")).to_be_hidden()
    page.pdf(path=str(SHOTS / "print-summary.pdf"), format="A4")
    context.close()
