"""The decision page at scale (issue 11): one award form at a time, paged; "sign every dossier awaiting
in this form" is decided by a query on the server, through the same signing service."""

import pytest
from django.urls import reverse

from dossiers.models import DossierStatus, Outcome, Role, Unit
from workflows import services
from workflows.views import deciding
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db


def awaiting(world, n):
    dossiers = []
    for i in range(n):
        unit = Unit.objects.create(name=f"Đơn vị {i}", level=world.levels["huyen"], parent=world.province)
        actors = Actors(officer=world.user(f"cb{i}", unit, Role.UNIT_OFFICER), head=world.user(f"ld{i}", unit,
                                                                                               Role.UNIT_HEAD),
                        appraiser=world.bob, home_affairs=world.nora, chairman=world.chris)
        dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit,
                                          actor=actors.officer)
        add_nominees(dossier, actors.officer, collectives=[unit])
        dossiers.append(walk(dossier, actors, until=DossierStatus.AWAITING_DECISION))
    return dossiers


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(deciding, "DECISIONS_PAGE_SIZE", 2)


def test_the_page_shows_one_page_of_the_form_and_offers_all(world, in_window, client_for, small_pages):
    first, second, third = awaiting(world, 3)
    client = client_for(world.chris)
    html = client.get(reverse("workflows:decisions")).content.decode()
    assert f'name="dossier" value="{first.pk}"' in html and f'name="dossier" value="{second.pk}"' in html
    assert f'name="dossier" value="{third.pk}"' not in html
    assert 'name="scope" value="all"' in html and "Ký tất cả 3 hồ sơ" in html
    page2 = client.get(reverse("workflows:decisions") + f"?form={world.form.pk}&page=2").content.decode()
    assert f'name="dossier" value="{third.pk}"' in page2 and f'name="dossier" value="{first.pk}"' not in page2


def test_sign_all_awaiting_in_the_form_decides_those_not_shown_too(world, in_window, client_for, small_pages):
    first, second, third = awaiting(world, 3)
    client = client_for(world.chris)
    not_awarded = second.nominees.get()
    data = {"award_form": world.form.pk, "scope": "all", "shown": [first.pk, second.pk],
            "dossier": [first.pk, second.pk], "award": [first.nominees.get().pk],
            "number": "15/QĐ-UBND", "signed_on": "05/12/2023"}
    confirm = client.post(reverse("workflows:decisions"), {**data, "action": "confirm"})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert 'name="digest"' in html and "thuộc 3 hồ sơ" in html
    digest = html.split('name="digest" value="')[1].split('"')[0]
    signed = client.post(reverse("workflows:decisions"), {**data, "digest": digest, "action": "sign"})
    assert signed.status_code == 302
    for dossier in (first, second, third):
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.DECIDED
    assert third.nominees.get().outcome == Outcome.AWARDED          # not on the page: awarded with the form
    not_awarded.refresh_from_db()
    assert not_awarded.outcome == Outcome.NOT_AWARDED               # unticked on the page


def test_an_unticked_dossier_on_the_page_is_left_out_of_all(world, in_window, client_for, small_pages):
    first, second, third = awaiting(world, 3)
    client = client_for(world.chris)
    data = {"award_form": world.form.pk, "scope": "all", "shown": [first.pk, second.pk], "dossier": [first.pk],
            "award": [first.nominees.get().pk], "number": "16/QĐ-UBND", "signed_on": "05/12/2023"}
    html = client.post(reverse("workflows:decisions"), {**data, "action": "confirm"}).content.decode()
    digest = html.split('name="digest" value="')[1].split('"')[0]
    assert client.post(reverse("workflows:decisions"), {**data, "digest": digest, "action": "sign"}).status_code == 302
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == DossierStatus.AWAITING_DECISION and third.status == DossierStatus.DECIDED


def test_sign_all_refuses_when_the_awaiting_list_changed_after_the_confirmation(world, in_window, client_for,
                                                                                small_pages):
    first, second, third = awaiting(world, 3)
    client = client_for(world.chris)
    data = {"award_form": world.form.pk, "scope": "all", "shown": [first.pk, second.pk],
            "dossier": [first.pk, second.pk], "award": [first.nominees.get().pk, second.nominees.get().pk],
            "number": "17/QĐ-UBND", "signed_on": "05/12/2023"}
    html = client.post(reverse("workflows:decisions"), {**data, "action": "confirm"}).content.decode()
    digest = html.split('name="digest" value="')[1].split('"')[0]
    (late,) = [d for d in awaiting_more(world)]
    response = client.post(reverse("workflows:decisions"), {**data, "digest": digest, "action": "sign"})
    assert response.status_code == 409
    assert "đã thay đổi từ lúc xác nhận" in response.content.decode()
    for dossier in (first, second, third, late):
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.AWAITING_DECISION


def awaiting_more(world):
    unit = Unit.objects.create(name="Đơn vị đến sau", level=world.levels["huyen"], parent=world.province)
    actors = Actors(officer=world.user("cb-late", unit, Role.UNIT_OFFICER), head=world.user("ld-late", unit,
                                                                                            Role.UNIT_HEAD),
                    appraiser=world.bob, home_affairs=world.nora, chairman=world.chris)
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit, actor=actors.officer)
    add_nominees(dossier, actors.officer, collectives=[unit])
    return [walk(dossier, actors, until=DossierStatus.AWAITING_DECISION)]


def test_sign_all_is_only_what_this_user_may_decide(world, in_window, client_for, small_pages):
    """Another chairman's form is not signed by posting its id with scope=all: the server's query
    finds nothing awaiting this user there."""
    awaiting(world, 3)
    outsider = world.user("khac", world.other, Role.CHAIRMAN)
    response = client_for(outsider).post(reverse("workflows:decisions"), {
        "award_form": world.form.pk, "scope": "all", "number": "1/QĐ", "signed_on": "05/12/2023", "action": "sign"})
    assert response.status_code == 400
    assert not world.form.dossiers.filter(status=DossierStatus.DECIDED).exists()
