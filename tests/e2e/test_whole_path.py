"""The whole award path in a real browser, each role in turn; a return and resubmission; a phone."""

import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier, DossierStatus, Outcome, ServiceRating
from workflows import figures, services
from workflows.walk import Actors, add_nominees, walk

from .conftest import SHOTS, Actions, login, shot

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


CSP_VIOLATIONS = []


def new_page(browser, viewport=DESKTOP):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    # The Content-Security-Policy allows no inline script: anything it blocks is reported here.
    page.on("console", lambda message: CSP_VIOLATIONS.append(message.text)
            if "Content Security Policy" in message.text else None)
    return page


@pytest.fixture(autouse=True)
def no_csp_violation():
    CSP_VIOLATIONS.clear()
    yield
    assert not CSP_VIOLATIONS, CSP_VIOLATIONS


def upload(actions, page, row_id, path):
    actions.choose_file(f"#{row_id} input[type=file]", path)
    expect(page.locator(f"#{row_id}")).to_have_attribute("data-state", "present")



def judge_all(page):
    """Choose "Đạt" for every document on the review page (nothing is pre-selected)."""
    for radio in page.locator("#review-form input[type=radio][value=ok]").all():
        radio.check()

def test_whole_path_as_each_role(browser, live_server, province, files):
    base = live_server.url
    p = province

    # Unit officer: home with the open campaign and its countdown; create; nominee; files; council.
    page = new_page(browser)
    login(page, base, "canbo_tuphap", screenshot="00-login")
    expect(page.locator(".countdown")).to_contain_text(re.compile(r"Còn \d+ ngày"))
    shot(page, "01-home-unit-officer")
    page.get_by_role("button", name="Lập hồ sơ đề nghị").click()
    expect(page.locator("h1")).to_contain_text("Hồ sơ #")
    dossier = Dossier.objects.get(unit=p.unit)
    page.locator("#id_kind_1").check()  # individual
    page.fill("#id_full_name", "Nguyễn Văn An")
    page.fill("#id_citizen_id", "020123456789")
    page.fill("#id_position", "Trưởng phòng Hành chính tư pháp")
    page.fill("#id_achievement", "Số hóa 100% hồ sơ TTHC còn hiệu lực của phòng.")
    page.click("#btn-add-nominee")
    expect(page.locator("#nominees")).to_contain_text("Nguyễn Văn An")
    nominee = dossier.nominees.get()
    actions = Actions(page)
    upload(actions, page, "req-to-trinh-0", files["to-trinh.pdf"])
    upload(actions, page, "req-bien-ban-hop-xet-0", files["bien-ban-hop-xet.pdf"])
    upload(actions, page, f"req-bao-cao-thanh-tich-{nominee.pk}", files["bao-cao-thanh-tich.pdf"])
    expect(page.locator("#id_members_total")).to_have_value("")   # empty until typed from the minutes
    expect(page.locator(f"#id_vote_{nominee.pk}")).to_have_value("")
    page.fill("#id_held_on", "2023-12-01")
    page.fill("#id_members_total", "9")
    page.fill("#id_members_present", "8")
    page.fill(f"#id_vote_{nominee.pk}", "8")
    page.click("#btn-council")
    page.locator(f"#req-to-trinh-0 [data-preview]").first.click()  # the pre-check findings link pages too
    expect(page.locator("#preview-frame")).to_have_attribute("src", re.compile(r"/tai-lieu/\d+/"))
    page.wait_for_timeout(800)  # let the PDF viewer paint before the screenshot
    shot(page, "02-dossier-prepared")
    page.click("#btn-complete")
    expect(page.locator("#dossier-status")).to_have_text(str(DossierStatus.REPORTS_COMPLETE.label))
    page.context.close()

    # Unit head: signs and sends.
    page = new_page(browser)
    login(page, base, "giamdoc_tuphap")
    shot(page, "03-home-unit-head")
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    page.click("#btn-submit")
    expect(page.locator("#dossier-status")).to_have_text(str(DossierStatus.SUBMITTED.label))
    page.context.close()

    # Appraiser (Sở TT&TT): inbox, review page with the documents side by side, approve.
    page = new_page(browser)
    login(page, base, "thamdinh_tttt")
    page.click("text=Việc cần làm")
    expect(page.locator("table.tasks")).to_contain_text("Sở Tư pháp")
    shot(page, "04-inbox-appraiser")
    page.get_by_role("link", name="Thẩm định").first.click()
    page.locator("#review-form [data-preview]").first.click()
    expect(page.locator("#preview-frame")).to_have_attribute("src", re.compile(r"/tai-lieu/\d+/"))
    page.wait_for_timeout(800)  # let the PDF viewer paint before the screenshot
    shot(page, "05-review-appraiser")
    judge_all(page)
    page.click("#btn-approve")
    expect(page.locator(".alert-success")).to_contain_text("Đã chuyển tiếp")
    page.context.close()

    # Sở Nội vụ: select it in the inbox and forward together (tổng hợp).
    page = new_page(browser)
    login(page, base, "chuyenvien_noivu")
    page.goto(f"{base}/viec-can-lam/")
    page.check(f"input[name=dossier][value='{dossier.pk}']")
    page.click("#btn-forward")
    expect(page.locator("h1")).to_contain_text("tổng hợp")
    shot(page, "06-forwarded-home-affairs")
    page.context.close()

    # Chủ tịch (KT. CHỦ TỊCH): the list with each nominee; decision number; sign.
    page = new_page(browser)
    login(page, base, "phochutich")
    page.click("text=Ký quyết định")
    expect(page.locator(f"#decision-form-{p.form.pk}")).to_contain_text("Nguyễn Văn An")
    page.fill(f"#decision-number-{p.form.pk}", "1234/QĐ-UBND")
    shot(page, "07-decisions-chairman")
    # the draft (DỰ THẢO) as the "Xem dự thảo" button posts it; nothing is signed by it
    form = page.locator(f"#decision-form-{p.form.pk}")
    preview = page.request.post(page.url, form={
        "csrfmiddlewaretoken": form.locator("input[name=csrfmiddlewaretoken]").input_value(),
        "award_form": str(p.form.pk), "dossier": str(dossier.pk), "award": str(dossier.nominees.get().pk),
        "number": "1234/QĐ-UBND", "signed_on": form.locator("input[name=signed_on]").input_value(),
        "action": "preview"})
    assert preview.status == 200 and preview.body().startswith(b"%PDF")
    (SHOTS / "07b-decision-preview.pdf").write_bytes(preview.body())
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.AWAITING_DECISION
    page.click(f"#btn-sign-{p.form.pk}")   # a confirmation that says what will be signed
    expect(page.locator("#confirm-summary")).to_contain_text("1234/QĐ-UBND")
    shot(page, "07c-decision-confirm")
    page.click("#btn-confirm-sign")
    expect(page.locator(".alert-success")).to_contain_text("Đã ký quyết định")
    page.context.close()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DECIDED
    assert dossier.nominees.get().outcome == Outcome.AWARDED

    # The unit's head: told of the decision; on the dossier page the result and the downloads.
    page = new_page(browser)
    login(page, base, "giamdoc_tuphap")
    expect(page.locator("#bell-count")).to_be_visible()   # the decision notification
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    expect(page.locator("#result")).to_contain_text("Quyết định số 1234/QĐ-UBND")
    expect(page.locator("#result")).to_contain_text("Được khen thưởng")
    decision_link = page.locator("#result a[id^=download-decision-]")
    for _ in range(40):   # the signed PDF is rendered by the queue after commit
        if page.request.get(base + decision_link.get_attribute("href")).status == 200:
            break
        page.wait_for_timeout(250)
    with page.expect_download() as download:
        decision_link.click()
    assert download.value.suggested_filename == "quyet-dinh-1234-QD-UBND.pdf"
    assert open(download.value.path(), "rb").read(5) == b"%PDF-"
    with page.expect_download() as certificate:
        page.locator("#result a[id^=download-certificate-]").first.click()
    assert open(certificate.value.path(), "rb").read(5) == b"%PDF-"
    shot(page, "08a-unit-decided-dossier")
    page.context.close()

    # The unit rates the service; the dashboard shows it.
    page = new_page(browser)
    login(page, base, "canbo_tuphap")
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    page.locator("#rating input[value='5']").check()
    page.fill("#id_comment", "Nhanh, rõ ràng.")
    page.click("#btn-rate")
    expect(page.locator(".alert-success")).to_contain_text("Cảm ơn")
    assert ServiceRating.objects.get(dossier=dossier).score == 5
    shot(page, "08-dossier-decided-rated")
    figures.refresh()   # the consumer's minute job (workflows.tasks.dashboard_refresh)
    page.click("text=Thống kê")
    expect(page.locator("svg.gauge").nth(1)).to_contain_text("100%")
    shot(page, "09-dashboard")
    page.click("#lang-switch")  # the language switch: an explicit button (WCAG 3.2.2)
    expect(page.locator("h1")).to_have_text("Processing dashboard")
    shot(page, "09-dashboard-en")
    page.context.close()


def test_return_and_resubmission(browser, live_server, province, files):
    base, p = live_server.url, province
    actors = Actors(officer=p.officer, head=p.head, appraiser=p.appraiser, home_affairs=p.home_affairs,
                    chairman=p.chairman)
    dossier = services.dossier_create(campaign=p.campaign, award_form=p.form, unit=p.unit, actor=p.officer)
    add_nominees(dossier, p.officer, collectives=[p.unit])
    dossier = walk(dossier, actors, until=DossierStatus.SUBMITTED)

    page = new_page(browser)
    login(page, base, "thamdinh_tttt")
    page.goto(f"{base}/ho-so/{dossier.pk}/tham-dinh/")
    report = dossier.documents.get(document_type__code="bao-cao-thanh-tich")
    page.check(f"input[name=verdict_{report.pk}][value=return]")
    page.click("#btn-return")  # no reason yet: refused, the choice kept
    expect(page.locator("#page-error")).to_contain_text("Hãy ghi lý do trả lại")
    expect(page.locator(f"input[name=verdict_{report.pk}][value=return]")).to_be_checked()
    page.fill(f"#reason-{report.pk}", "Báo cáo thành tích thiếu số liệu số hóa năm 2023.")
    page.fill("#general-reason", "Bổ sung danh sách hồ sơ đã số hóa.")
    shot(page, "10-review-return")
    page.click("#btn-return")
    expect(page.locator(".alert-success")).to_contain_text("Đã trả lại")
    page.context.close()

    page = new_page(browser)
    login(page, base, "canbo_tuphap")
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    row = page.locator(f"#req-bao-cao-thanh-tich-{report.nominee_id}")
    expect(row).to_have_attribute("data-state", "returned")
    expect(row.locator(".reason")).to_contain_text("thiếu số liệu số hóa")
    expect(page.locator("#h-return")).to_be_visible()
    shot(page, "11-dossier-returned")
    upload(Actions(page), page, f"req-bao-cao-thanh-tich-{report.nominee_id}", files["bao-cao-bo-sung.pdf"])
    expect(row.locator(".reason")).to_have_class(re.compile("resolved"))
    page.click("#btn-resubmit")  # the general request is not answered yet: refused, naming it
    expect(page.locator("#page-error")).to_contain_text("Bổ sung danh sách hồ sơ đã số hóa.")
    page.fill("#reply-1", "Không cần sửa vì danh sách đã có ở phụ lục 2 của tờ trình.")
    page.click("#btn-resubmit")
    expect(page.locator("#dossier-status")).to_have_text(str(DossierStatus.SUBMITTED.label))
    shot(page, "12-dossier-resubmitted")
    page.context.close()
    assert dossier.documents.filter(document_type__code="bao-cao-thanh-tich", is_current=True).get().version == 2

    # the appraiser's second review: the earlier reasons, the unit's reply, old and new versions
    page = new_page(browser)
    login(page, base, "thamdinh_tttt")
    page.goto(f"{base}/ho-so/{dossier.pk}/tham-dinh/")
    expect(page.locator("#since-return")).to_contain_text("phụ lục 2")
    expect(page.locator(".earlier .changed")).to_contain_text("phiên bản 2 (mới)")
    assert page.locator("#review-form input[type=radio]:checked").count() == 0
    page.locator(".earlier .changed a").last.click()
    page.wait_for_timeout(800)
    shot(page, "12b-second-review")
    page.context.close()


def test_phone_viewport_and_refusals(browser, live_server, province, files):
    base, p = live_server.url, province
    dossier = services.dossier_create(campaign=p.campaign, award_form=p.form, unit=p.unit, actor=p.officer)
    add_nominees(dossier, p.officer, collectives=[p.unit])
    page = new_page(browser, PHONE)
    login(page, base, "canbo_tuphap", screenshot="19-phone-login")
    shot(page, "20-phone-home")
    page.goto(f"{base}/ho-so/{dossier.pk}/")
    no_overflow = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    assert page.evaluate(no_overflow)
    # wrong type by content (named .pdf), then empty: clear messages, nothing else lost
    page.fill("#id_members_total", "7")
    page.locator("#req-to-trinh-0 input[type=file]").set_input_files(str(files["gia-mao.pdf"]))
    expect(page.locator("#req-to-trinh-0 .drop-msg")).to_contain_text("không phải PDF")
    page.locator("#req-to-trinh-0 input[type=file]").set_input_files(str(files["rong.pdf"]))
    expect(page.locator("#req-to-trinh-0 .drop-msg")).to_contain_text("rỗng")
    # a real PDF that runs JavaScript when opened: refused, naming the problem
    page.locator("#req-to-trinh-0 input[type=file]").set_input_files(str(files["co-javascript.pdf"]))
    expect(page.locator("#req-to-trinh-0 .drop-msg")).to_contain_text("tự chạy mã JavaScript khi mở")
    page.locator("#req-to-trinh-0").screenshot(path=str(SHOTS / "23-phone-upload-refused-javascript.png"))
    expect(page.locator("#req-to-trinh-0")).to_have_attribute("data-state", "missing")
    expect(page.locator("#id_members_total")).to_have_value("7")
    # drag and drop of a real file
    page.evaluate("""([selector, name, bytes]) => {
        const form = document.querySelector(selector);
        const file = new File([new Uint8Array(bytes)], name, {type: "application/pdf"});
        const data = new DataTransfer(); data.items.add(file);
        form.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
    }""", ["#req-to-trinh-0 form.drop", "to-trinh-keo-tha.pdf", list(files["to-trinh.pdf"].read_bytes())])
    expect(page.locator("#req-to-trinh-0")).to_have_attribute("data-state", "present")
    expect(page.locator("#req-to-trinh-0")).to_contain_text("to-trinh-keo-tha.pdf")
    # a bigger file on a slow uplink: the progress bar moves while it goes
    big = files["to-trinh.pdf"].with_name("bien-ban-lon.pdf")
    big.write_bytes(files["to-trinh.pdf"].read_bytes() + b"%" + b"0" * 400_000 + b"\n")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 20, "downloadThroughput": -1,
                                                  "uploadThroughput": 200 * 1024})
    page.locator("#req-bien-ban-hop-xet-0 input[type=file]").set_input_files(str(big))
    expect(page.locator("#req-bien-ban-hop-xet-0 .progress.active")).to_be_visible()
    page.wait_for_function("() => parseFloat(document.querySelector('#req-bien-ban-hop-xet-0 .progress span').style.width) > 0")
    page.locator("#req-bien-ban-hop-xet-0").screenshot(path=str(SHOTS / "22-phone-upload-progress.png"))
    expect(page.locator("#req-bien-ban-hop-xet-0")).to_have_attribute("data-state", "present", timeout=20_000)
    cdp.send("Network.emulateNetworkConditions", {"offline": False, "latency": 0, "downloadThroughput": -1,
                                                  "uploadThroughput": -1})
    page.click("#btn-complete")  # the council form is half typed: the browser points at it, nothing is lost
    expect(page.locator("#id_members_total")).to_have_value("7")
    # the first field still empty (the meeting date: nothing is pre-filled) gets the focus
    assert page.evaluate("document.activeElement.id") == "id_held_on"
    page.fill("#id_members_total", "")
    page.click("#btn-complete")  # council not recorded yet: the page names what is missing
    expect(page.locator("#page-error")).to_contain_text("chưa đủ điều kiện")
    assert page.evaluate(no_overflow)
    shot(page, "21-phone-dossier-refusal")
    # another unit's dossier is a 404
    other = new_page(browser, PHONE)
    login(other, base, "canbo_caoloc")
    response = other.goto(f"{base}/ho-so/{dossier.pk}/")
    assert response.status == 404
    other.context.close()
    page.context.close()


def test_two_people_on_one_dossier(browser, live_server, province, files):
    """Two appraisers open the same dossier; the second to act gets a clear message, not a 500."""
    base, p = live_server.url, province
    from dossiers.models import Role

    p.user("thamdinh_tttt_2", "Vũ Thị Hoa", p.stt, Role.APPRAISER)
    actors = Actors(officer=p.officer, head=p.head, appraiser=p.appraiser, home_affairs=p.home_affairs,
                    chairman=p.chairman)
    dossier = services.dossier_create(campaign=p.campaign, award_form=p.form, unit=p.unit, actor=p.officer)
    add_nominees(dossier, p.officer, collectives=[p.unit])
    dossier = walk(dossier, actors, until=DossierStatus.SUBMITTED)
    first, second = new_page(browser), new_page(browser)
    login(first, base, "thamdinh_tttt")
    login(second, base, "thamdinh_tttt_2")
    for page in (first, second):
        page.goto(f"{base}/ho-so/{dossier.pk}/tham-dinh/")
    judge_all(first)
    first.click("#btn-approve")
    expect(first.locator(".alert-success")).to_contain_text("Đã chuyển tiếp")
    second.fill("#review-comment", "Đồng ý chuyển tiếp")
    judge_all(second)
    second.click("#btn-approve")
    expect(second.locator("#page-error")).to_contain_text("người khác xử lý")
    expect(second.locator("#review-comment")).to_have_value("Đồng ý chuyển tiếp")
    shot(second, "13-two-people-conflict")
    for page in (first, second):
        page.context.close()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.APPRAISED
