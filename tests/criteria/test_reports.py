import datetime as dt

import pytest

from criteria.selectors import awards_per_form, criterion_pass_rates, evaluation_summary, step_timeliness
from criteria.services import criteria_override
from dossiers.models import DossierStatus, Unit
from workflows import services as wf
from workflows.walk import Actors, add_nominees, walk

from .conftest import figures_row

pytestmark = pytest.mark.django_db
HCM = dt.timezone(dt.timedelta(hours=7))


def actors(world, officer=None, head=None):
    return Actors(officer=officer or world.alice, head=head or world.henry, appraiser=world.bob,
                  home_affairs=world.nora, chairman=world.chris)


def test_timeliness_and_processing_days_per_step_and_unit(world, in_window, time_machine, criteria, load):
    load(figures_row(world.unit))
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)          # Tue 05/12 09:00
    time_machine.move_to(dt.datetime(2023, 12, 8, 9, 0, tzinfo=HCM), tick=False)    # +3 days: within 7 working days
    dossier = wf.dossier_approve_step(dossier=dossier, actor=world.bob)
    time_machine.move_to(dt.datetime(2023, 12, 20, 9, 0, tzinfo=HCM), tick=False)   # +12 days: past 5 working days
    dossier = wf.dossier_approve_step(dossier=dossier, actor=world.nora)
    report = step_timeliness(world.campaign, now=dt.datetime(2023, 12, 21, 9, 0, tzinfo=HCM))
    steps = {s["code"]: s for s in report["steps"]}
    assert (steps["appraisal"]["done"], steps["appraisal"]["rate"], steps["appraisal"]["avg_days"]) == (1, 100.0, 3.0)
    assert (steps["home_affairs"]["done"], steps["home_affairs"]["rate"], steps["home_affairs"]["avg_days"]) == \
        (1, 0.0, 12.0)
    assert steps["decision"]["done"] == 0 and steps["decision"]["open"] == 1
    units = {u["label"]: u for u in report["units"]}
    assert units["Sở Thông tin và Truyền thông"]["avg_days"] == 3.0
    assert units["Sở Nội vụ"]["avg_days"] == 12.0
    # the open decision task becomes late once its due date passes
    later = step_timeliness(world.campaign, now=dt.datetime(2024, 2, 1, tzinfo=HCM))
    assert {s["code"]: s for s in later["steps"]}["decision"]["rate"] == 0.0


def test_evaluation_summary_and_pass_rates(world, in_window, criteria, load):
    third = Unit.objects.create(name="UBND huyện Lộc Bình", level=world.levels["huyen"], parent=world.province)
    load(figures_row(world.unit, rate="70"), figures_row(world.other, rate="59.99"), figures_row(third, rate="50"))
    officer_other = world.charlie
    head_other = world.user("harry", world.other, "unit_head")
    officer_third, head_third = world.user("tina", third, "unit_officer"), world.user("tom", third, "unit_head")
    dossiers = []
    for unit, officer, head in [(world.unit, world.alice, world.henry), (world.other, officer_other, head_other),
                                (third, officer_third, head_third)]:
        dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit, actor=officer)
        add_nominees(dossier, officer, collectives=[unit])
        dossiers.append(walk(dossier, actors(world, officer, head), until=DossierStatus.SUBMITTED))
    wf.dossier_approve_step(dossier=dossiers[0], actor=world.bob)  # passes: evaluated by the gate
    criteria_override(dossier=dossiers[1], nominee=dossiers[1].nominees.get(), actor=world.bob,
                      reason="Đã số hóa toàn bộ hồ sơ phát sinh từ tháng 10.")
    summary = evaluation_summary(world.campaign)
    assert summary == {"passed": 1, "overridden": 1, "pending": 1, "total": 3}
    rates = {r["name"][:12]: r for r in criterion_pass_rates(world.campaign)}
    assert (rates["Tỷ lệ số hóa"]["passed"], rates["Tỷ lệ số hóa"]["failed"], rates["Tỷ lệ số hóa"]["rate"]) == \
        (1, 1, 50.0)
    assert awards_per_form(world.campaign) == [
        {"name": "Bằng khen của Chủ tịch UBND tỉnh", "collectives": 0, "individuals": 0, "total": 0}]
