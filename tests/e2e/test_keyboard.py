"""Keyboard only (WCAG 2.1.1, 2.4.3, 2.4.7): the officer prepares a dossier and the head signs and sends it;
the appraiser returns it with a reason, after a refusal. Tab, Shift+Tab, Enter, Space and arrow keys only:
no mouse click, no fill(). At every Tab stop the focused control must show a visible ring (the label of a
hidden file input shows it for the input). Screenshots of focus states: tests/e2e/screenshots/focus-*.png."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from dossiers.models import Dossier, DossierStatus
from workflows import services
from workflows.walk import Actors, add_nominees, walk

from .conftest import PASSWORD, SHOTS

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}

# What has focus and whether it shows a ring: the element itself, or the visible label of a hidden file
# input, or the preview box around a frame.
FOCUS = """async () => {
  await new Promise(resolve => setTimeout(resolve, 0));  // the page's own focus handlers run first
  const el = document.activeElement;
  if (!el || el === document.body) return {id: "", ring: false, tag: "body"};
  let shown = el;
  if (el.matches(".drop input[type=file]")) shown = el.closest(".drop").querySelector(".pick");
  if (el.tagName === "IFRAME") shown = el.closest(".preview") || el;
  const style = getComputedStyle(shown);
  const ring = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
  return {id: el.id, tag: el.tagName.toLowerCase(), ring, outline: style.outlineColor + " " + style.outlineWidth,
          text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 60)};
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.stops = 0
        self.unringed = []

    def tab_to(self, selector, *, backwards=False, limit=120):
        """Press Tab until the element matching `selector` has the focus; every stop must show its ring."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if backwards else "Tab")
            self.stops += 1
            state = self.page.evaluate(FOCUS)
            if state["tag"] != "body" and not state["ring"]:
                self.unringed.append(f"{self.page.url} {state}")
            if self.page.locator(selector).evaluate_all("(els) => els.includes(document.activeElement)"):
                return state
        raise AssertionError(f"{selector} never got the focus after {limit} Tab presses on {self.page.url}")

    def type(self, text):
        self.page.keyboard.type(text)

    def follow(self, key="Enter"):
        """Press a key that loads another page, and wait for it."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)


def new_page(browser):
    """A page as people get it: the Content-Security-Policy applies, and anything it blocks fails the test."""
    context = browser.new_context(viewport=DESKTOP, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []
    page.on("console", lambda message: page.csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    return page


def login(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    keys = Keyboard(page)
    expect(page.locator("#id_username")).to_be_focused()  # autofocus
    keys.type(username)
    keys.tab_to("#id_password")
    keys.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    return keys


def upload_by_keyboard(keys, row_id, path):
    page = keys.page
    keys.tab_to(f"#{row_id} input[type=file]")
    expect(page.locator(f"#{row_id} .pick")).to_have_css("outline-style", "solid")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(path))
    expect(page.locator(f"#{row_id}")).to_have_attribute("data-state", "present")
    # the focus goes to the result (not <body>); the live region, there since the page loaded, says it
    expect(page.locator(f"#{row_id}")).to_be_focused()
    expect(page.locator("#upload-status")).to_contain_text(path.name)


def test_officer_submission_by_keyboard_only(browser, live_server, province, files):
    base, p = live_server.url, province
    page = new_page(browser)
    context = page.context
    # file choosers are intercepted from the start (enabling it at the first expect_file_chooser races the key)
    page.on("filechooser", lambda chooser: None)
    keys = login(page, base, "canbo_tuphap")

    keys.tab_to("button:text('Lập hồ sơ đề nghị')")
    keys.follow()
    expect(page.locator("h1")).to_contain_text("Hồ sơ #")
    dossier = Dossier.objects.get(campaign=p.campaign, unit=p.unit)
    expect(page.locator(".stepper li[aria-current=step]")).to_contain_text("Đang thực hiện")

    keys.tab_to("#btn-add-nominee")  # the unit itself, preselected as the collective nominee
    keys.follow()
    expect(page.locator("#nominees")).to_contain_text(p.unit.name)
    nominee = dossier.nominees.get()

    keys = Keyboard(page)
    keys.tab_to("#file-to-trinh-0")
    page.screenshot(path=str(SHOTS / "focus-upload-label.png"), clip=_around(page, "#req-to-trinh-0"))
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(files["to-trinh.pdf"]))
    expect(page.locator("#req-to-trinh-0")).to_have_attribute("data-state", "present")
    expect(page.locator("#req-to-trinh-0")).to_be_focused()
    expect(page.locator("#upload-status")).to_contain_text("to-trinh.pdf")
    page.screenshot(path=str(SHOTS / "focus-upload-result.png"), clip=_around(page, "#req-to-trinh-0"))

    upload_by_keyboard(keys, "req-bien-ban-hop-xet-0", files["bien-ban-hop-xet.pdf"])
    upload_by_keyboard(keys, f"req-bao-cao-thanh-tich-{nominee.pk}", files["bao-cao-thanh-tich.pdf"])

    # the preview: "Xem" by Enter, then Tab into the frame shows the ring around it
    keys.tab_to("#req-to-trinh-0 [data-preview]", backwards=True)
    page.keyboard.press("Enter")
    expect(page.locator("#preview-frame")).to_have_attribute("src", re.compile(r"/tai-lieu/\d+/"))

    keys.tab_to("#id_held_on")
    expect(page.locator("#id_held_on")).to_have_attribute("aria-describedby", "id_held_on_helptext")
    if not page.locator("#id_held_on").input_value():
        keys.type(dt.date.today().strftime("%d/%m/%Y"))  # typed day first, as the hint says
    keys.tab_to("#id_members_total")
    keys.type("9")
    page.screenshot(path=str(SHOTS / "focus-text-field.png"), clip=_around(page, "#council"))
    keys.tab_to("#id_members_present")
    keys.type("8")
    vote = page.locator(f"#id_vote_{nominee.pk}")
    keys.tab_to(f"#id_vote_{nominee.pk}")
    if not vote.input_value():
        keys.type("8")
    expect(vote).to_have_value("8")
    keys.tab_to("#btn-complete", backwards=True)
    page.screenshot(path=str(SHOTS / "focus-button-primary.png"), clip=_around(page, "#next"))
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert not page.locator("#page-error").count(), page.locator("#page-error").inner_text()
    expect(page.locator("#dossier-status")).to_have_text(str(DossierStatus.REPORTS_COMPLETE.label))
    context.close()

    officer_page, page = page, new_page(browser)
    context = page.context
    head = login(page, base, "giamdoc_tuphap")
    head.tab_to("table.tasks a:text('Mở')")
    head.follow()
    head.tab_to("#btn-submit")
    head.follow()
    expect(page.locator("#dossier-status")).to_have_text(str(DossierStatus.SUBMITTED.label))
    # the language switch is a button: Tab to it, Enter; nothing changes while moving through the page
    head.tab_to("#lang-switch", backwards=True)
    page.screenshot(path=str(SHOTS / "focus-topbar-language.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 120})
    head.follow()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    context.close()

    assert not officer_page.csp_violations and not page.csp_violations, officer_page.csp_violations + page.csp_violations
    assert not keys.unringed and not head.unringed, "focus without a visible ring:\n" + "\n".join(
        keys.unringed + head.unringed)
    print(f"\nkeyboard walk (officer + head): {keys.stops + head.stops} Tab stops, each with a ring")


def test_appraiser_return_by_keyboard_only(browser, live_server, province, files):
    base, p = live_server.url, province
    actors = Actors(officer=p.officer, head=p.head, appraiser=p.appraiser, home_affairs=p.home_affairs,
                    chairman=p.chairman)
    dossier = services.dossier_create(campaign=p.campaign, award_form=p.form, unit=p.unit, actor=p.officer)
    add_nominees(dossier, p.officer, collectives=[p.unit])
    dossier = walk(dossier, actors, until=DossierStatus.SUBMITTED)
    report = dossier.documents.get(document_type__code="bao-cao-thanh-tich")

    page = new_page(browser)
    context = page.context
    keys = login(page, base, "thamdinh_tttt")
    keys.tab_to("nav a:text('Việc cần làm')")
    keys.follow()
    keys.tab_to("table.tasks a:text('Thẩm định')")
    keys.follow()
    expect(page.locator("h1")).to_contain_text("Thẩm định hồ sơ")

    # "Trả lại" on the report: Tab into its radio group, arrow to "Trả lại"; the reason field takes the focus
    keys.tab_to(f"input[name=verdict_{report.pk}]")
    page.keyboard.press("ArrowRight")
    expect(page.locator(f"input[name=verdict_{report.pk}][value=return]")).to_be_checked()
    expect(page.locator(f"#reason-{report.pk}")).to_be_focused()
    # no reason yet: the refusal puts the focus on the error summary, the title says so, the field is marked
    keys.tab_to("#btn-return")
    page.screenshot(path=str(SHOTS / "focus-button-warn.png"), clip=_around(page, "#btn-return"))
    keys.follow()
    expect(page.locator("#page-error")).to_be_focused()
    expect(page.locator("#page-error")).to_contain_text("Hãy ghi lý do trả lại")
    expect(page).to_have_title(re.compile(r"^Có lỗi"))
    reason = page.locator(f"#reason-{report.pk}")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_attribute("aria-describedby", "page-error")
    page.screenshot(path=str(SHOTS / "focus-error-summary.png"), clip=_around(page, "#page-error"))
    keys = Keyboard(page)
    keys.tab_to(f"#reason-{report.pk}")
    keys.type("Báo cáo thành tích thiếu số liệu số hóa năm 2023.")
    keys.tab_to("#btn-return")
    keys.follow()
    expect(page.locator(".alert-success")).to_contain_text("Đã trả lại")
    context.close()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
    assert not page.csp_violations, page.csp_violations
    assert not keys.unringed, "focus without a visible ring:\n" + "\n".join(keys.unringed)


def _around(page, selector, margin=12):
    box = page.locator(selector).first.bounding_box()
    return {"x": max(0, box["x"] - margin), "y": max(0, box["y"] - margin),
            "width": box["width"] + 2 * margin, "height": box["height"] + 2 * margin}
