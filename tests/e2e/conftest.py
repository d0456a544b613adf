"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against
pytest-django's live server. The data is built with the services, with a submission window open
today (real time: the browser's clock cannot be moved)."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from dossiers.models import Membership, Role, Unit
from dossiers.samples import one_page_pdf
from dossiers.setup import document_types, levels, provincial_campaign


CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).parent / "screenshots"
PASSWORD = "khenthuong2023"


User = get_user_model()

# Playwright's sync API keeps an event loop running in this thread for the whole session (the browser
# is session-scoped), so pytest-django's own flushes between tests would trip Django's async-safety
# check too; the ORM calls made here are ordinary synchronous calls between browser steps. It has to
# be process-wide for that reason (a per-test monkeypatch is undone before the flush).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"])
        yield browser
        browser.close()


class Province:
    """Today's campaign (window open now) and one account per role, all with PASSWORD."""

    def __init__(self):
        lv = levels()
        self.province = Unit.objects.create(name="UBND tỉnh Lạng Sơn", level=lv["tinh"])
        self.stt = Unit.objects.create(name="Sở Thông tin và Truyền thông", level=lv["tinh"], parent=self.province)
        self.snv = Unit.objects.create(name="Sở Nội vụ", level=lv["tinh"], parent=self.province)
        self.unit = Unit.objects.create(name="Sở Tư pháp", level=lv["tinh"], parent=self.province)
        self.other = Unit.objects.create(name="UBND huyện Cao Lộc", level=lv["huyen"], parent=self.province)
        self.officer = self.user("canbo_tuphap", "Nguyễn Thị Lan", self.unit, Role.UNIT_OFFICER)
        self.head = self.user("giamdoc_tuphap", "Trần Văn Hùng", self.unit, Role.UNIT_HEAD, title="Giám đốc")
        self.appraiser = self.user("thamdinh_tttt", "Lê Minh Tuấn", self.stt, Role.APPRAISER)
        self.home_affairs = self.user("chuyenvien_noivu", "Phạm Thu Hà", self.snv, Role.HOME_AFFAIRS)
        self.chairman = self.user("phochutich", "Dương Xuân Huyên", self.province, Role.CHAIRMAN,
                                  title="Phó Chủ tịch", signs_for="CHỦ TỊCH")
        self.outsider = self.user("canbo_caoloc", "Hoàng Văn Nam", self.other, Role.UNIT_OFFICER)
        today = dt.date.today()
        self.campaign = provincial_campaign(
            province=self.province, appraising=self.stt, home_affairs=self.snv, plan_number="215/KH-UBND",
            title="Nâng cao chất lượng dịch vụ công trực tuyến toàn trình",
            period=(today - dt.timedelta(days=100), today - dt.timedelta(days=5)),
            window=(today - dt.timedelta(days=1), today + dt.timedelta(days=3)))
        self.form = self.campaign.award_forms.get(code="bang-khen")
        self.types = document_types()

    def user(self, username, full_name, unit, role, title="", signs_for=""):
        family, _, given = full_name.rpartition(" ")  # get_full_name() = "first last": Vietnamese order
        user = User.objects.create_user(username, password=PASSWORD, first_name=family, last_name=given)
        Membership.objects.create(user=user, unit=unit, role=role, title=title, signs_for=signs_for)
        return user


@pytest.fixture
def province(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return Province()


@pytest.fixture
def files(tmp_path):
    """Files a person would pick: real PDFs by content, plus a fake one and an empty one."""
    folder = tmp_path / "files"
    folder.mkdir()
    made = {}
    for name in ("to-trinh.pdf", "bien-ban-hop-xet.pdf", "bao-cao-thanh-tich.pdf", "bao-cao-bo-sung.pdf"):
        (folder / name).write_bytes(one_page_pdf(name.removesuffix(".pdf").replace("-", " ").upper()))
        made[name] = folder / name
    (folder / "gia-mao.pdf").write_bytes(b"MZ\x90\x00 this is not a PDF")
    made["gia-mao.pdf"] = folder / "gia-mao.pdf"
    (folder / "rong.pdf").write_bytes(b"")
    made["rong.pdf"] = folder / "rong.pdf"
    from tests.dossiers.test_upload_inspection import pdf_open_action_js

    (folder / "co-javascript.pdf").write_bytes(pdf_open_action_js())
    made["co-javascript.pdf"] = folder / "co-javascript.pdf"
    return made


class Actions:
    """Counts what a person does: clicks, fields typed, files chosen."""

    def __init__(self, page):
        self.page = page
        self.clicks = 0
        self.fields = 0
        self.files = 0

    def click(self, selector_or_locator, **kwargs):
        self.clicks += 1
        self._loc(selector_or_locator).click(**kwargs)

    def fill(self, selector_or_locator, value):
        self.fields += 1
        self._loc(selector_or_locator).fill(value)

    def choose_file(self, selector_or_locator, path):
        self.files += 1
        self._loc(selector_or_locator).set_input_files(str(path))

    def _loc(self, target):
        return self.page.locator(target) if isinstance(target, str) else target


def login(page, base_url, username, actions=None, screenshot=None):
    actions = actions or Actions(page)
    page.goto(f"{base_url}/dang-nhap/")
    if screenshot:
        shot(page, screenshot)
    actions.fill("#id_username", username)
    actions.fill("#id_password", PASSWORD)
    actions.click("main button[type=submit]")  # the header holds the language button
    page.wait_for_url(f"{base_url}/")
    return actions


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
