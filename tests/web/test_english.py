"""English from the language switch: the chrome (navigation, headings, table headers, labels, buttons)
of the main pages carries no Vietnamese. User data (unit names, campaign titles, people) stays as entered."""
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from dossiers.models import AwardForm, Campaign, DocumentType, NomineeKind, Unit, UnitLevel

from workflows import services

pytestmark = pytest.mark.django_db

CHROME_TAGS = {"title", "nav", "h1", "h2", "h3", "h4", "th", "label", "button", "legend", "summary", "caption"}
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "area", "col", "embed", "param", "track"}


class _Chrome(HTMLParser):
    """Collects the text inside chrome tags, one string per outermost chrome element."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.stack: list[str] = []
        self.chunks: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag in ("script", "style"):
            self.skip += 1
        if tag in CHROME_TAGS:
            if self.depth == 0:
                self.chunks.append("")
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.stack:
            return
        while self.stack:
            top = self.stack.pop()
            if top in ("script", "style"):
                self.skip -= 1
            if top in CHROME_TAGS:
                self.depth -= 1
            if top == tag:
                break

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.chunks[-1] += data


def chrome_text(html: str) -> list[str]:
    parser = _Chrome()
    parser.feed(html)
    return [" ".join(c.split()) for c in parser.chunks if c.strip()]


def english_client(client_for, user):
    client = client_for(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


# Letters only Vietnamese uses (tone marks, ă â đ ê ô ơ ư): English chrome has none of them.
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE)


# Proper names keep their Vietnamese spelling in English text ("Lạng Sơn province").
PLACE_NAMES = ["Lạng Sơn"]
# The language switch names the other language in that language (<button lang="vi">Tiếng Việt</button>).
LANGUAGE_NAMES = ["Tiếng Việt"]


def data_strings() -> list[str]:
    """What users typed or the province configured: shown as entered in every language."""
    values = [*Unit.objects.values_list("name", flat=True), *UnitLevel.objects.values_list("name", flat=True),
              *Campaign.objects.values_list("title", flat=True), *AwardForm.objects.values_list("name", flat=True),
              *DocumentType.objects.values_list("name", flat=True),
              *get_user_model().objects.values_list("first_name", flat=True), *PLACE_NAMES,
              *LANGUAGE_NAMES]
    return sorted({v for v in values if v}, key=len, reverse=True)


def vietnamese_chrome(html: str) -> list[str]:
    data = data_strings()
    left = []
    for chunk in chrome_text(html):
        for value in data:
            chunk = chunk.replace(value, "")
        if VIETNAMESE.search(chunk):
            left.append(chunk)
    return left


def test_chrome_helpers_see_vietnamese():
    html = "<nav><a>Trang chủ</a></nav><h1>Hồ sơ <small>#1</small></h1><p>Tiếng Việt</p><th>Status</th>"
    assert chrome_text(html) == ["Trang chủ", "Hồ sơ #1", "Status"]


@pytest.fixture
def dossier(world, in_window):
    return services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                   actor=world.alice)


def main_pages(world, dossier):
    return [
        (world.alice, reverse("home"), ["Campaigns receiving dossiers", "Your unit's dossiers", ">Inbox<"],
         ["Đợt thi đua đang nhận hồ sơ", "Hồ sơ của đơn vị", "Việc cần làm"]),
        (world.alice, reverse("workflows:inbox"), ["Inbox", "Deadline", "Filter"], ["Việc cần làm", "Lọc"]),
        (world.alice, reverse("dossiers:detail", args=[dossier.pk]),
         ["Next step", "Dossier components", "Add to dossier", "Timeline"],
         ["Việc tiếp theo", "Thành phần hồ sơ", "Thêm vào hồ sơ", "Tiến trình hồ sơ"]),
        (world.alice, reverse("deadlines:notifications"), ["Notifications", "Mark all as read"],
         ["Thông báo", "Đánh dấu tất cả là đã đọc"]),
        (world.bob, reverse("workflows:dashboard"), ["Dashboard", "Dossiers by status"],
         ["Thống kê", "Hồ sơ theo trạng thái"]),
        (world.bob, reverse("criteria:campaigns"), ["Criteria, figures and reports of the campaigns"],
         ["Tiêu chí, số liệu và báo cáo các đợt thi đua"]),
        (world.bob, reverse("criteria:reports", args=[world.campaign.pk]),
         ["Campaign report 170/KH-UBND", "Pass rate by criterion", "Export to Excel", "Figures imports"],
         ["Báo cáo đợt thi đua", "Tỷ lệ đạt theo tiêu chí", "Xuất Excel", "Các lần nhập số liệu"]),
        (world.bob, reverse("deadlines:overview"), ["Tasks due soon or overdue", "Explanation of delay"],
         ["Việc sắp đến hạn hoặc quá hạn", "Giải trình việc chậm"]),
        (world.chris, reverse("workflows:decisions"), ["Dossiers awaiting decision", "Sign decisions"],
         ["Ký quyết định"]),
        (world.nora, reverse("home"), ["Hello, Nora", "Log out"], ["Xin chào", "Đăng xuất"]),
    ]


def test_main_pages_in_english_for_each_role(world, dossier, client_for):
    clients = {}
    for user, url, english, vietnamese in main_pages(world, dossier):
        client = clients.get(user) or clients.setdefault(user, english_client(client_for, user))
        response = client.get(url)
        assert response.status_code == 200, (user, url)
        html = response.content.decode()
        assert '<html lang="en"' in html, url
        for label in english:
            assert label in html, (user.username, url, label)
        for label in vietnamese:
            assert label not in html, (user.username, url, label)
        assert vietnamese_chrome(html) == [], (user.username, url)


def test_the_same_pages_are_vietnamese_without_the_switch(world, dossier, client_for):
    """The check above can fail: without the switch the chrome is Vietnamese."""
    user, url, english, vietnamese = main_pages(world, dossier)[2]
    html = client_for(user).get(url).content.decode()
    assert vietnamese_chrome(html) and all(label in html for label in vietnamese)
    assert not any(label in html for label in english)


def test_refusals_come_in_english(world, dossier, client_for):
    """A domain refusal (here: a citizen ID that is not 12 digits) is shown in the chosen language."""
    client = english_client(client_for, world.alice)
    response = client.post(reverse("dossiers:nominee_add", args=[dossier.pk]),
                           {"kind": NomineeKind.INDIVIDUAL, "full_name": "Nguyễn Văn A", "citizen_id": "123"}, follow=True)
    html = response.content.decode()
    assert "Citizen ID “123” is not valid: it needs exactly 12 digits (it has 3 characters)." in html
    assert "không hợp lệ" not in html


def po_entries(text: str) -> list[dict]:
    """Each live entry of a .po file as {keyword: joined string, "flags": ...} (msgstr[0], msgstr[1] apart)."""
    entries = []
    for block in text.split("\n\n"):
        entry, key = {"flags": ""}, None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"] += line
            elif line.startswith('"') and key:
                entry[key] += line[1:-1]
            elif not line.startswith("#") and " " in line:
                key, _, value = line.partition(" ")
                entry[key] = value[1:-1]
        if "msgid" in entry:
            entry["msgstrs"] = [v for k, v in entry.items() if k.startswith("msgstr")]
            entries.append(entry)
    return entries


def test_english_catalog_is_complete_and_compiled():
    """Every msgid of the project's English catalog is translated, none is fuzzy, and the compiled .mo
    holds the same translations (a stale .mo would show Vietnamese)."""
    folder = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
    entries = [e for e in po_entries((folder / "django.po").read_text(encoding="utf-8")) if e["msgid"]]
    assert len(entries) > 800
    assert [e["msgid"] for e in entries if not e["msgstrs"] or not all(e["msgstrs"])] == []
    assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
    with open(folder / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    plain = [e for e in entries if "msgid_plural" not in e and "msgctxt" not in e and "\\" not in e["msgid"]]
    stale = [e["msgid"] for e in plain if catalog.gettext(e["msgid"]) != e["msgstr"]]
    assert stale == []
