from decimal import Decimal

import pytest

from criteria.models import Evaluation
from criteria.services import dossier_evaluate, evaluate_nominee
from dossiers.models import NomineeKind, Unit
from workflows import services as wf
from workflows.walk import add_nominees

from .conftest import figures_row

pytestmark = pytest.mark.django_db


def collective(world, unit=None):
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    return add_nominees(dossier, world.alice, collectives=[unit or world.unit])[0]


def lines(evaluation):
    return {line.criterion.code: line for line in evaluation.lines.select_related("criterion")}


@pytest.mark.parametrize("rate, passed", [("70", True), ("70.0", True), ("70,00", True), ("69.99", False),
                                          ("69,9999", False), ("100", True)])
def test_provincial_unit_needs_exactly_seventy(world, in_window, criteria, load, rate, passed):
    load(figures_row(world.unit, rate=rate))
    line = lines(evaluate_nominee(collective(world)))["so-hoa"]
    assert line.threshold == Decimal(70)
    assert line.passed is passed


def test_district_unit_needs_sixty(world, in_window, criteria, load):
    load(figures_row(world.other, rate="60"))
    line = lines(evaluate_nominee(collective(world, world.other)))["so-hoa"]
    assert (line.threshold, line.passed) == (Decimal(60), True)


@pytest.mark.parametrize("service, passed", [("65", True), ("64.99", False), ("80", True)])
def test_online_rates_need_plan_plus_five_points(world, in_window, criteria, load, service, passed):
    load(figures_row(world.unit, service_plan="60", service=service))
    line = lines(evaluate_nominee(collective(world)))["dvc-truc-tuyen"]
    assert line.plan_value == Decimal(60) and line.threshold == Decimal(65)
    assert line.passed is passed


def test_evaluation_passes_only_when_every_hard_criterion_passes(world, in_window, criteria, load):
    load(figures_row(world.unit, rate="72", dossier_plan="50", dossier="54"))
    evaluation = evaluate_nominee(collective(world))
    assert not evaluation.passed
    assert [line.criterion.code for line in evaluation.hard_failures] == ["ho-so-truc-tuyen"]
    assert "phiên bản 1" in lines(evaluation)["so-hoa"].source


def test_figures_are_frozen_with_the_evaluation(world, in_window, criteria, load):
    load(figures_row(world.unit, rate="69.99"))
    nominee = collective(world)
    first = evaluate_nominee(nominee)
    load(figures_row(world.unit, rate="90"))
    first.refresh_from_db()
    assert lines(first)["so-hoa"].value == Decimal("69.99") and not first.passed
    [second] = dossier_evaluate(dossier=nominee.dossier, actor=world.alice)
    assert lines(second)["so-hoa"].value == Decimal(90) and second.passed
    assert second.metric_import.version == 2 and first.metric_import.version == 1


def test_no_figures_blocks_with_a_reason(world, in_window, criteria):
    evaluation = evaluate_nominee(collective(world))
    line = lines(evaluation)["so-hoa"]
    assert line.passed is None and line.blocks and "Không có số liệu" in line.note


def test_merged_unit_counts_the_history_of_absorbed_units(world, in_window, criteria, load):
    old = Unit.objects.create(name="UBND xã Cũ", level=world.levels["xa"], parent=world.province)
    new = Unit.objects.create(name="UBND xã Mới", level=world.levels["xa"], parent=world.province)
    Unit.objects.filter(pk=old.pk).update(successor=new)
    from criteria.metrics import metrics_import
    from .conftest import csv_file
    header = ["Mã đơn vị", "Hồ sơ tiếp nhận", "Hồ sơ đã số hóa"]
    metrics_import(campaign=world.campaign, actor=world.bob,
                   file=csv_file([[old.pk, 100, 40], [new.pk, 300, 180]], header=header))
    line = lines(evaluate_nominee(collective(world, new)))["so-hoa"]
    assert line.value == Decimal(55)  # (40 + 180) / (100 + 300)
    assert line.threshold == Decimal(55) and line.passed is True
    assert "UBND xã Cũ" in line.source


def test_individuals_get_judged_criteria_only(world, in_window, criteria):
    dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    [person] = add_nominees(dossier, world.alice, individuals=[{"full_name": "Nguyễn Văn An"}])
    evaluation = evaluate_nominee(person)
    assert person.kind == NomineeKind.INDIVIDUAL
    assert all(line.is_judged and not line.is_hard for line in evaluation.lines.all())
    assert evaluation.passed  # judged criteria are advisory in 170/KH-UBND
    assert Evaluation.objects.count() == 1
