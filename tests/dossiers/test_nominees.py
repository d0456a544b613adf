import datetime as dt

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


@pytest.mark.parametrize("cccd, rule", [
    ("12345", "cần đúng 12 chữ số (đang có 5 ký tự)"),
    ("02012345678X", "cần đúng 12 chữ số"),
    ("０２０１２３４５６７８９", "cần đúng 12 chữ số"),                          # full-width digits
    ("999123456789", "mã tỉnh nơi đăng ký khai sinh “999” (3 chữ số đầu) không tồn tại"),
    ("003123456789", "mã tỉnh nơi đăng ký khai sinh “003”"),           # 001–096, but not every number
    ("020987654321", "mã thế kỷ “9” (chữ số thứ 4) và năm sinh “87” cho năm sinh 2387"),
    ("020399123456", "cho năm sinh 2099"),
])
def test_bad_cccd_refused_naming_the_rule(world, dossier, cccd, rule):
    """Issue 18: a 12-digit CCCD with an invalid province code was refused as "cần đúng 12 chữ số"."""
    with pytest.raises(InvalidInput) as err:
        nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="A", citizen_id=cccd)
    assert "CCCD" in str(err.value) and rule in str(err.value)
    if "12 chữ số" not in rule:
        assert "12 chữ số" not in str(err.value)


def test_cccd_must_agree_with_the_birth_year(world, dossier):
    with pytest.raises(InvalidInput) as err:
        nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="Lê Thị B",
                    citizen_id="020185001234", birth_date=dt.date(1986, 3, 2))
    assert "không khớp ngày sinh" in str(err.value) and "1985" in str(err.value) and "1986" in str(err.value)
    nominee = nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="Lê Thị B",
                          citizen_id="020185001234", birth_date=dt.date(1985, 3, 2))
    assert nominee.person.citizen_id == "020185001234"
    # born in 2001 (century digit 2 = a man born in the 2000s)
    nominee_add(dossier=dossier, actor=world.alice, kind="individual", full_name="Lê Văn C",
                citizen_id="001201001234", birth_date=dt.date(2001, 1, 1))


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
