import pytest

from criteria.errors import CriteriaNotMet
from criteria.models import Assessment, CriteriaOverride
from criteria.services import criteria_override, criterion_assess, evaluate_nominee
from dossiers.errors import InvalidInput, InvalidState, NotPermitted
from dossiers.models import DossierEvent, DossierStatus
from workflows import services as wf
from workflows.walk import Actors, add_nominees, walk

from .conftest import figures_row

pytestmark = pytest.mark.django_db


def submitted(world, *, individuals=()):
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=list(individuals))
    actors = Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                    chairman=world.chris)
    return walk(dossier, actors, until=DossierStatus.SUBMITTED)


def test_failing_collective_cannot_be_forwarded_without_override(world, in_window, criteria, load):
    load(figures_row(world.unit, rate="69.99"))
    dossier = submitted(world)
    with pytest.raises(CriteriaNotMet) as caught:
        wf.dossier_approve_step(dossier=dossier, actor=world.bob)
    message = str(caught.value)
    assert "Sở Tư pháp" in message and "Tỷ lệ số hóa" in message and "69,99%" in message and "70,00%" in message
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED


def test_override_path(world, in_window, criteria, load):
    load(figures_row(world.unit, rate="65"))
    dossier = submitted(world)
    nominee = dossier.nominees.get()
    with pytest.raises(NotPermitted):
        criteria_override(dossier=dossier, nominee=nominee, actor=world.charlie, reason="Lý do đủ dài để ghi nhận")
    with pytest.raises(NotPermitted):
        criteria_override(dossier=dossier, nominee=nominee, actor=world.alice, reason="Lý do đủ dài để ghi nhận")
    with pytest.raises(InvalidInput):
        criteria_override(dossier=dossier, nominee=nominee, actor=world.bob, reason="  ngắn ")
    assert CriteriaOverride.objects.count() == 0
    reason = "Đơn vị số hóa 100% hồ sơ mới từ tháng 10; tỷ lệ chung thấp do hồ sơ tồn từ 2018."
    override = criteria_override(dossier=dossier, nominee=nominee, actor=world.bob, reason=reason)
    event = DossierEvent.objects.filter(dossier=dossier, data__criteria_override=override.pk).get()
    assert event.actor == world.bob and reason in event.comment
    assert any("Tỷ lệ số hóa" in failed for failed in event.data["failed"])
    dossier = wf.dossier_approve_step(dossier=dossier, actor=world.bob)
    assert dossier.status == DossierStatus.APPRAISED


def test_passing_collective_is_forwarded_and_needs_no_override(world, in_window, criteria, load):
    load(figures_row(world.unit, rate="70"))
    dossier = submitted(world)
    with pytest.raises(InvalidState):
        criteria_override(dossier=dossier, nominee=dossier.nominees.get(), actor=world.bob,
                          reason="Không cần nhưng vẫn thử ghi")
    dossier = wf.dossier_approve_step(dossier=dossier, actor=world.bob)
    assert dossier.status == DossierStatus.APPRAISED


def test_override_only_during_appraisal(world, in_window, criteria, load):
    load(figures_row(world.unit, rate="10"))
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    [nominee] = add_nominees(dossier, world.alice, collectives=[world.unit])
    with pytest.raises(InvalidState):
        criteria_override(dossier=dossier, nominee=nominee, actor=world.bob, reason="Lý do đủ dài để ghi nhận")


def test_judged_criteria_recorded_by_council_then_appraiser(world, in_window, criteria, load):
    load(figures_row(world.unit))
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    [person] = add_nominees(dossier, world.alice, individuals=[{"full_name": "Nguyễn Văn An"}])
    leadership = next(c for c in criteria if c.code == "lanh-dao")
    with pytest.raises(InvalidInput):
        criterion_assess(nominee=person, criterion=leadership, actor=world.alice, passed=True, comment="  ")
    criterion_assess(nominee=person, criterion=leadership, actor=world.alice, passed=True,
                     comment="Chỉ đạo số hóa 100% hồ sơ của phòng.")
    with pytest.raises(NotPermitted):  # the appraiser judges only during appraisal
        criterion_assess(nominee=person, criterion=leadership, actor=world.bob, passed=False, comment="x")
    line = evaluate_nominee(person).lines.get(criterion=leadership)
    assert line.passed is True and "Hội đồng" in line.source and "100%" in line.note
    assert Assessment.objects.get().role == "council"


def test_evaluation_is_frozen_once_forwarded(world, in_window, criteria, load):
    from criteria.services import dossier_evaluate
    load(figures_row(world.unit, rate="65"))
    dossier = submitted(world)
    nominee = dossier.nominees.get()
    with pytest.raises(NotPermitted):
        dossier_evaluate(dossier=dossier, actor=world.alice)  # the unit no longer re-evaluates
    criteria_override(dossier=dossier, nominee=nominee, actor=world.bob, reason="Lý do đủ dài để ghi nhận")
    dossier = wf.dossier_approve_step(dossier=dossier, actor=world.bob)
    load(figures_row(world.unit, rate="40"))
    with pytest.raises(InvalidState):
        dossier_evaluate(dossier=dossier, actor=world.bob)
    [evaluation] = nominee.evaluations.all()
    assert evaluation.overrides.count() == 1 and evaluation.metric_import.version == 1
