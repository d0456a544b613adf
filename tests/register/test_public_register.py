"""The public register (no login): issued decisions and their awardees, searchable by name (with or
without diacritics), unit and year, paged, each linked to its verification page; revoked awards
shown as revoked; never a CCCD or a birth date."""

import datetime as dt

import pytest
from django.test import Client

from certificates.services import decision_revoke
from dossiers.models import DossierStatus, Role, Unit
from dossiers.services import nominee_add
from workflows import services
from workflows.walk import Actors, walk

pytestmark = pytest.mark.django_db
URL = "/so-khen-thuong/"


def awaiting(w, unit, officer, head, people):
    dossier = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=unit, actor=officer)
    for name, cccd in people:
        nominee_add(dossier=dossier, actor=officer, kind="individual", full_name=name, citizen_id=cccd,
                    birth_date=dt.date(1979, 4, 30))
    return walk(dossier, Actors(officer=officer, head=head, appraiser=w.bob, home_affairs=w.nora, chairman=w.chris),
                until=DossierStatus.AWAITING_DECISION)


def sign(w, dossier, number, signed_on):
    return services.decision_sign(dossiers=[dossier], actor=w.chris, outcomes={n.pk: True for n in dossier.nominees.all()},
                                  number=number, signed_on=signed_on)


@pytest.fixture
def register(world, in_window, time_machine):
    w = world
    henrietta = w.user("henrietta", w.other, Role.UNIT_HEAD)
    one = awaiting(w, w.unit, w.alice, w.henry, [("Nguyễn Văn An", "020179111111"), ("Trần Thị Bích", "020179222222")])
    two = awaiting(w, w.other, w.charlie, henrietta, [("Đỗ Minh Đức", "020179333333")])
    time_machine.move_to(dt.datetime(2023, 12, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    first = sign(w, one, "101/QĐ-UBND", dt.date(2023, 12, 20))
    time_machine.move_to(dt.datetime(2024, 1, 15, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    second = sign(w, two, "55/QĐ-UBND", dt.date(2024, 1, 15))
    return w, first, second


def names(response):
    from html.parser import HTMLParser

    found = []

    class P(HTMLParser):
        inside = False

        def handle_starttag(self, tag, attrs):
            self.inside = tag == "strong" and self.in_table
            if tag == "table":
                self.in_table = True

        in_table = False

        def handle_data(self, data):
            if self.inside:
                found.append(data)
                self.inside = False

    P().feed(response.content.decode())
    return found


def test_anonymous_sees_awardees_without_personal_data(register):
    w, first, second = register
    response = Client().get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert set(names(response)) == {"Nguyễn Văn An", "Trần Thị Bích", "Đỗ Minh Đức"}
    for text in ("Sở Tư pháp", "UBND huyện Cao Lộc", "Bằng khen của Chủ tịch UBND tỉnh", "101/QĐ-UBND", "20/12/2023",
                 "55/QĐ-UBND", "15/01/2024"):
        assert text in html
    for secret in ("020179111111", "*********111", "9111111", "30/04/1979", "1979"):
        assert secret not in html
    certificate = first.certificates.order_by("serial").first()
    assert f'href="/verify/{certificate.token}/"' in html
    assert Client().get(f"/verify/{certificate.token}/").status_code == 200


def test_search_by_name_with_or_without_diacritics_by_unit_and_year(register):
    w, _first, _second = register
    assert names(Client().get(URL, {"q": "nguyen van an"})) == ["Nguyễn Văn An"]
    assert names(Client().get(URL, {"q": "Đức"})) == ["Đỗ Minh Đức"]
    assert names(Client().get(URL, {"q": "do minh duc"})) == ["Đỗ Minh Đức"]
    assert set(names(Client().get(URL, {"unit": w.unit.pk}))) == {"Nguyễn Văn An", "Trần Thị Bích"}
    assert names(Client().get(URL, {"year": 2024})) == ["Đỗ Minh Đức"]
    assert names(Client().get(URL, {"year": 2024, "unit": w.unit.pk})) == []
    assert "Không có khen thưởng nào" in Client().get(URL, {"q": "không ai"}).content.decode()


def test_paged(register, monkeypatch):
    monkeypatch.setattr("register.views.PAGE_SIZE", 2)
    page1 = Client().get(URL, {"year": ""})
    assert names(page1) == ["Đỗ Minh Đức", "Nguyễn Văn An"]          # newest decision first
    assert "Trang 1/2" in page1.content.decode()
    page2 = Client().get(URL, {"year": "", "page": 2})
    assert names(page2) == ["Trần Thị Bích"]
    assert names(Client().get(URL, {"page": 99})) == ["Trần Thị Bích"]   # past the end: the last page


def test_revoked_awards_shown_as_revoked(register):
    w, first, _second = register
    decision_revoke(decision=first, actor=w.chris, reason="Sai sót trong hồ sơ, thu hồi theo quy định.")
    html = Client().get(URL, {"unit": w.unit.pk}).content.decode()
    assert html.count("Đã thu hồi") == 2 and "Nguyễn Văn An" in html
    assert Client().get(URL, {"unit": w.other.pk}).content.decode().count("Còn hiệu lực") == 1


@pytest.mark.parametrize("junk", ["", "abc", "-1", "99999999999999999999", "2023-02-30", "\x00", "ü" * 5000,
                                  "1' OR '1'='1", "<script>x</script>"])
def test_junk_never_500(register, junk):
    response = Client().get(URL, {"q": junk, "unit": junk, "year": junk, "page": junk})
    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()


def test_in_english(register):
    client = Client()
    client.cookies["django_language"] = "en"
    html = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Public register of awards" in html and "Verify" in html
