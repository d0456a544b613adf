import datetime as dt

import pytest

from criteria.errors import DuplicateNominee, UnderDiscipline
from criteria.models import DisciplineRecord, NomineeWarning
from dossiers.errors import DossierError
from dossiers.models import Membership, Nominee, Person, Role, Unit
from dossiers.services import nominee_add
from dossiers.setup import provincial_campaign
from workflows import services as wf

pytestmark = pytest.mark.django_db
AN = {"full_name": "Nguyễn Văn An", "citizen_id": "020123456789"}


def dossier_of(world, unit, actor, campaign=None):
    campaign = campaign or world.campaign
    return wf.dossier_create(campaign=campaign, award_form=campaign.award_forms.get(code="bang-khen"), unit=unit,
                             actor=actor)


def test_same_unit_twice_in_one_campaign_is_refused_with_the_other_number(world, in_window):
    first = dossier_of(world, world.unit, world.alice)
    nominee_add(dossier=first, actor=world.alice, kind="collective", unit=world.unit)
    second = dossier_of(world, world.other, world.charlie)
    with pytest.raises(DuplicateNominee) as caught:
        nominee_add(dossier=second, actor=world.charlie, kind="collective", unit=world.unit)
    # another unit's dossier is not named to charlie, who may not see it
    assert "một đơn vị khác" in str(caught.value) and f"hồ sơ số {first.pk}" not in str(caught.value)
    assert not second.nominees.exists()
    # the unit's own other dossier (another award form) is named, with its number
    own = wf.dossier_create(campaign=world.campaign, award_form=world.agency_form(), unit=world.unit,
                            actor=world.alice)
    with pytest.raises(DuplicateNominee) as caught:
        nominee_add(dossier=own, actor=world.alice, kind="collective", unit=world.unit)
    assert f"hồ sơ số {first.pk}" in str(caught.value)


def test_same_person_by_citizen_id_twice_in_one_campaign_is_refused(world, in_window):
    first = dossier_of(world, world.unit, world.alice)
    nominee_add(dossier=first, actor=world.alice, kind="individual", **AN)
    second = dossier_of(world, world.other, world.charlie)
    with pytest.raises(DuplicateNominee):
        nominee_add(dossier=second, actor=world.charlie, kind="individual",
                    full_name="Nguyen Van An", citizen_id=AN["citizen_id"])
    # a CCCD typed with another person's name is refused without saying whose it is
    with pytest.raises(DossierError) as caught:
        nominee_add(dossier=second, actor=world.charlie, kind="individual", full_name="Ai Đó",
                    citizen_id=AN["citizen_id"])
    assert AN["full_name"] not in str(caught.value)
    # the same name without the CCCD is another person: names are never matched
    nominee_add(dossier=second, actor=world.charlie, kind="individual", full_name=AN["full_name"])
    assert Person.objects.filter(full_name=AN["full_name"]).count() == 2


def test_a_withdrawn_dossier_does_not_count(world, in_window):
    first = dossier_of(world, world.unit, world.alice)
    nominee_add(dossier=first, actor=world.alice, kind="individual", **AN)
    wf.dossier_withdraw(dossier=first, actor=world.henry, reason="Rút để đơn vị khác đề nghị")
    second = dossier_of(world, world.other, world.charlie)
    assert nominee_add(dossier=second, actor=world.charlie, kind="individual", **AN).pk


def test_merged_unit_and_its_predecessor_are_one_nominee(world, in_window):
    old = Unit.objects.create(name="UBND huyện Cũ", level=world.levels["huyen"], parent=world.province)
    Unit.objects.filter(pk=old.pk).update(successor=world.other)
    first = dossier_of(world, world.unit, world.alice)
    nominee_add(dossier=first, actor=world.alice, kind="collective", unit=old)
    second = dossier_of(world, world.other, world.charlie)
    with pytest.raises(DuplicateNominee):
        nominee_add(dossier=second, actor=world.charlie, kind="collective", unit=world.other)


def test_same_achievement_in_another_campaign_warns_with_a_link(world, in_window):
    earlier = dossier_of(world, world.unit, world.alice)
    nominee_add(dossier=earlier, actor=world.alice, kind="individual", **AN)
    other_campaign = provincial_campaign(
        province=world.province, appraising=world.stt, home_affairs=world.snv, plan_number="171/KH-UBND",
        title="Đợt khác, cùng thời kỳ", period=(dt.date(2023, 9, 1), dt.date(2023, 12, 31)),
        window=(dt.date(2023, 12, 1), dt.date(2023, 12, 20)))
    later = dossier_of(world, world.other, world.charlie, campaign=other_campaign)
    nominee = nominee_add(dossier=later, actor=world.charlie, kind="individual", **AN)
    [warning] = nominee.award_warnings
    assert warning.other_dossier_id == earlier.pk and "170/KH-UBND" in warning.message
    assert NomineeWarning.objects.get(nominee=nominee) == warning


def test_campaign_with_a_disjoint_period_does_not_warn(world, in_window):
    earlier = dossier_of(world, world.unit, world.alice)
    nominee_add(dossier=earlier, actor=world.alice, kind="individual", **AN)
    other_campaign = provincial_campaign(
        province=world.province, appraising=world.stt, home_affairs=world.snv, plan_number="20/KH-UBND",
        title="Năm sau", period=(dt.date(2024, 1, 1), dt.date(2024, 6, 30)),
        window=(dt.date(2023, 12, 1), dt.date(2023, 12, 20)))
    nominee = nominee_add(dossier=dossier_of(world, world.other, world.charlie, campaign=other_campaign),
                          actor=world.charlie, kind="individual", **AN)
    assert nominee.award_warnings == []


def test_pending_discipline_blocks_and_a_closed_one_does_not(world, in_window):
    person = Person.objects.create(full_name=AN["full_name"], citizen_id=AN["citizen_id"])
    record = DisciplineRecord.objects.create(person=person, description="Đang xem xét kỷ luật khiển trách")
    dossier = dossier_of(world, world.unit, world.alice)
    with pytest.raises(UnderDiscipline) as caught:
        nominee_add(dossier=dossier, actor=world.alice, kind="individual", **AN)
    assert "kỷ luật" in str(caught.value)
    assert not Nominee.objects.exists()
    DisciplineRecord.objects.filter(pk=record.pk).update(closed_on=dt.date(2023, 11, 1))
    assert nominee_add(dossier=dossier, actor=world.alice, kind="individual", **AN).pk


def test_unit_under_discipline_is_blocked(world, in_window):
    DisciplineRecord.objects.create(unit=world.unit, description="Thanh tra phát hiện sai phạm, đang xử lý")
    dossier = dossier_of(world, world.unit, world.alice)
    with pytest.raises(UnderDiscipline):
        nominee_add(dossier=dossier, actor=world.alice, kind="collective", unit=world.unit)
