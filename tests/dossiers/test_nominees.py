import pytest

from dossiers.errors import InvalidInput, InvalidState
from dossiers.models import DossierStatus, Person
from dossiers.services import council_record, nominee_add, nominee_remove
from workflows import services
from workflows.walk import Actors, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(world, in_window):
    return services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)


def test_individual_is_one_person_record_by_cccd(world, dossier):
    a = nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="  Nguyễn   Văn An ",
                    citizen_id="020123456789")
    assert a.person.full_name == "Nguyễn Văn An"
    import datetime as dt

    from dossiers.setup import provincial_campaign
    campaign = provincial_campaign(province=world.province, appraising=world.stt, home_affairs=world.snv,
                                   plan_number="45/KH-UBND", title="Đợt khác", window=(dt.date(2023, 12, 1),
                                   dt.date(2023, 12, 31)), period=(dt.date(2023, 1, 1), dt.date(2023, 11, 30)))
    other = services.dossier_create(campaign=campaign, award_form=campaign.award_forms.get(), unit=world.unit,
                                    actor=world.alice)
    b = nominee_add(dossier=other, actor=world.alice, kind="individual", full_name="Nguyen Van An",
                    citizen_id="020123456789")
    assert a.person_id == b.person_id and Person.objects.count() == 1


@pytest.mark.parametrize("cccd", ["12345", "02012345678X", "999123456789"])
def test_bad_cccd_refused(world, dossier, cccd):
    with pytest.raises(InvalidInput) as err:
        nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="A", citizen_id=cccd)
    assert "CCCD" in str(err.value)


def test_same_collective_twice_refused(world, dossier):
    nominee_add(dossier=dossier, actor=world.alice, kind="collective", unit=world.unit)
    with pytest.raises(InvalidInput):
        nominee_add(dossier=dossier, actor=world.alice, kind="collective", unit=world.unit)


def test_nominees_frozen_after_proposal_step(world, dossier):
    n = nominee_add(dossier=dossier, actor=world.alice, kind="collective", unit=world.unit)
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry), until=DossierStatus.PROPOSAL_READY)
    with pytest.raises(InvalidState):
        nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="B")
    with pytest.raises(InvalidState):
        nominee_remove(nominee=n, actor=world.alice)


def test_council_votes_validated(world, dossier):
    n = nominee_add(dossier=dossier, actor=world.alice, kind="collective", unit=world.unit)
    import datetime as dt
    with pytest.raises(InvalidInput):
        council_record(dossier=dossier, actor=world.alice, held_on=dt.date(2023, 12, 1), members_total=5,
                       members_present=7, votes={n.pk: 5})
    with pytest.raises(InvalidInput) as err:
        council_record(dossier=dossier, actor=world.alice, held_on=dt.date(2023, 12, 1), members_total=9,
                       members_present=7, votes={n.pk: 8})
    assert "từ 0 đến 7" in str(err.value)
    council_record(dossier=dossier, actor=world.alice, held_on=dt.date(2023, 12, 1), members_total=9,
                   members_present=7, votes={n.pk: 6})
    n.refresh_from_db()
    assert n.votes_for == 6
