"""Once-only: a person's page by CCCD (posted, never in the URL) for the roles allowed: every award
with decision and certificate; an outsider and an unknown CCCD get the same answer."""

import datetime as dt

import pytest
from django.test import Client

from dossiers.models import DossierStatus
from dossiers.services import nominee_add
from workflows import services
from workflows.walk import Actors, walk

pytestmark = pytest.mark.django_db
CCCD = "020181888999"


@pytest.fixture
def awarded(world, in_window):
    w = world
    dossier = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    nominee_add(dossier=dossier, actor=w.alice, kind="individual", full_name="Bùi Thị Hạnh", citizen_id=CCCD,
                birth_date=dt.date(1981, 9, 9))
    dossier = walk(dossier, Actors(officer=w.alice, head=w.henry, appraiser=w.bob, home_affairs=w.nora,
                                   chairman=w.chris), until=DossierStatus.AWAITING_DECISION)
    return services.decision_sign(dossiers=[dossier], actor=w.chris,
                                  outcomes={n.pk: True for n in dossier.nominees.all()}, number="404/QĐ-UBND",
                                  signed_on=dt.date(2023, 12, 5))


def as_user(user):
    client = Client()
    client.force_login(user)
    return client


def test_allowed_roles_see_every_award(world, awarded):
    certificate = awarded.certificates.get()
    for user in (world.alice, world.bob, world.chris):
        html = as_user(user).post("/so-khen-thuong/ca-nhan/", {"cccd": CCCD}).content.decode()
        assert "Bùi Thị Hạnh" in html and "404/QĐ-UBND" in html and "05/12/2023" in html
        assert f"/verify/{certificate.token}/" in html and certificate.register_code in html
        assert CCCD not in html and "1981" not in html


def test_outsider_and_unknown_get_the_same_answer(world, awarded):
    charlie = as_user(world.charlie)
    stranger = charlie.post("/so-khen-thuong/ca-nhan/", {"cccd": CCCD}).content.decode()
    unknown = charlie.post("/so-khen-thuong/ca-nhan/", {"cccd": "020000000009"}).content.decode()
    assert "Bùi Thị Hạnh" not in stranger and "404/QĐ-UBND" not in stranger
    assert "Không tìm thấy" in stranger and "Không tìm thấy" in unknown
    assert Client().get("/so-khen-thuong/ca-nhan/").status_code == 302       # login first
    assert charlie.post("/so-khen-thuong/ca-nhan/", {"cccd": "12ab"}).status_code == 400
