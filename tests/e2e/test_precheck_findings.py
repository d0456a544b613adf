"""The pre-check assistant in a real browser: the officer sees the warnings before submission (listed
above the documents and beside each one), the appraiser beside the document on the review page; a
finding's page link opens that page of the document in the preview. PRECHECK_SHOTS=<dir> also saves
the two views as PNG (the issue's screenshots)."""

import datetime as dt
import os
import random
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from dossiers.models import DossierStatus, NomineeKind
from dossiers.services import nominee_add
from outbox.services import dispatch
from precheck import corpus
from workflows import services as path_services
from workflows.walk import Actors, walk

from .conftest import SHOTS, login

pytestmark = pytest.mark.e2e


def _shot(page, name):
    folder = Path(os.environ.get("PRECHECK_SHOTS") or SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_officer_and_appraiser_see_the_findings(browser, live_server, province, monkeypatch):
    p, base = province, live_server.url
    import workflows.walk

    recorded = workflows.walk.council_record     # the council met two days ago (walk's default is 2023)
    monkeypatch.setattr(workflows.walk, "council_record",
                        lambda **kw: recorded(**{**kw, "held_on": dt.date.today() - dt.timedelta(days=2)}))
    dossier = path_services.dossier_create(campaign=p.campaign, award_form=p.form, unit=p.unit, actor=p.officer)
    nominee_add(dossier=dossier, actor=p.officer, kind=NomineeKind.COLLECTIVE, unit=p.unit)
    an = nominee_add(dossier=dossier, actor=p.officer, kind=NomineeKind.INDIVIDUAL, full_name="Nguyễn Văn An",
                     citizen_id="020083001111", position="Chuyên viên", workplace="Sở Tư pháp")
    nominee_add(dossier=dossier, actor=p.officer, kind=NomineeKind.INDIVIDUAL, full_name="Trần Thị Bình",
                citizen_id="020186002222", position="Chánh Văn phòng", workplace="Sở Tư pháp")
    rng = random.Random(5)
    rng_an = random.Random(5)
    rng_an.choice = lambda seq: next(n for n in seq if getattr(n, "name", "") == "Nguyễn Văn An")

    def files(*, dossier, document_type, nominee, actor):
        code = document_type.code
        if code == "to-trinh":
            content, _ = corpus.document(code, dossier, defect="plan", rng=rng)
        elif code == "bien-ban-hop-xet":
            content, _ = corpus.document(code, dossier, defect="name", rng=rng_an)
        elif nominee.pk == an.pk:            # Nguyễn Văn An's report, scanned at 200 dpi: read by OCR
            content = corpus.scan(corpus.document(code, dossier, nominee, rng=rng)[0], dpi=200, rng=rng,
                                  skew=0.8, noise=0.001)
        else:
            content, _ = corpus.document(code, dossier, nominee, defect="signature" if nominee.person_id else "",
                                         rng=rng)
        return SimpleUploadedFile(f"{code}-{nominee.pk if nominee else 0}.pdf", content,
                                  content_type="application/pdf")

    actors = Actors(officer=p.officer, head=p.head, appraiser=p.appraiser, home_affairs=p.home_affairs,
                    chairman=p.chairman)
    dossier = walk(dossier, actors, until=DossierStatus.REPORTS_COMPLETE, files=files)
    dispatch(sweepers=False)
    minutes = dossier.documents.get(document_type__code="bien-ban-hop-xet", is_current=True)

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    login(page, base, "canbo_tuphap")
    page.goto(f"{base}/ho-so/{dossier.pk}/#checklist")
    summary = page.locator("#precheck-summary")
    expect(summary).to_contain_text("không thấy tên Nguyễn Văn An")
    expect(summary).to_contain_text("hồ sơ thuộc Kế hoạch 215/KH-UBND")
    expect(page.locator(f"#precheck-{minutes.pk}")).to_contain_text("trang 2")
    expect(page.locator("#checklist")).to_contain_text("Đã nhận dạng chữ (OCR) 1 trang quét.")
    _shot(page, "precheck-officer")
    context.close()

    dossier = path_services.dossier_submit(dossier=dossier, actor=p.head)   # the warnings did not block it
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
    page = context.new_page()
    login(page, base, "thamdinh_tttt")
    page.goto(f"{base}/ho-so/{dossier.pk}/tham-dinh/")
    row = page.locator(f"#doc-{minutes.pk}")
    expect(row).to_contain_text("không thấy tên Nguyễn Văn An")
    row.get_by_role("link", name="trang 2").click()
    expect(page.locator("#preview-frame")).to_have_attribute("src", f"/tai-lieu/{minutes.pk}/#page=2")
    page.wait_for_timeout(1500)      # the PDF viewer draws page 2 (a picture, not an assertion)
    _shot(page, "precheck-appraiser")
    context.close()
    assert dossier.status == DossierStatus.SUBMITTED and dt.date.today() <= p.campaign.window_closes
