"""The campaign report's timeliness is aggregated in SQL (issue 11, item 1): it gives what the former
per-task loop in Python gave, for every step and acting unit, and the whole report issues the same
number of queries with one dossier and with many, each at a different step, late or on time."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from criteria.selectors import campaign_dossiers, campaign_report, step_timeliness
from dossiers import lateness
from dossiers.models import REVISION, DossierStatus, Role, Step, Unit, step_label
from workflows import services as wf
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db
HCM = dt.timezone(dt.timedelta(hours=7))


def loop_timeliness(campaign, *, now) -> dict:
    """The former implementation: every task of the campaign read into Python."""
    tasks = (lateness.task_rows().filter(dossier__in=campaign_dossiers(campaign), flow_task_type="HUMAN")
             .exclude(step="").annotate(**lateness.flags(now))
             .values("step", "unit_id", "unit__name", "created", "finished", "is_late", "is_on_time"))
    per_step, per_unit = {}, {}
    for task in tasks:
        finished, late, on_time = task["finished"], task["is_late"], task["is_on_time"]
        days = (finished - task["created"]).total_seconds() / 86400 if finished else None
        for bucket, key, label in ((per_step, task["step"], None), (per_unit, task["unit_id"], task["unit__name"])):
            entry = bucket.setdefault(key, {"label": label, "judged": 0, "on_time": 0, "days": [], "open": 0})
            entry["judged"] += 1 if (late or on_time) else 0
            entry["on_time"] += 1 if on_time else 0
            entry["open"] += 1 if finished is None else 0
            if days is not None:
                entry["days"].append(days)

    def finish(entry):
        rate = lateness.on_time_rate(entry["on_time"], entry["judged"])
        entry["rate"] = round(rate, 1) if rate is not None else None
        entry["avg_days"] = round(sum(entry["days"]) / len(entry["days"]), 4) if entry["days"] else None
        entry["done"] = len(entry.pop("days"))
        return entry

    order = [s.value for s in Step] + [REVISION]
    steps = [finish({**per_step[key], "label": str(step_label(key)), "code": key}) for key in order if key in per_step]
    units = sorted((finish(e) for e in per_unit.values() if e["label"]), key=lambda e: (-(e["avg_days"] or 0), e["label"]))
    return {"steps": steps, "units": units}


class Many:
    """Dossiers of new units walked to a status at 05/12/2023, some steps approved days later."""

    def __init__(self, world, time_machine):
        self.world, self.time_machine, self.n = world, time_machine, 0

    def dossier(self, until):
        w = self.world
        self.n += 1
        unit = Unit.objects.create(name=f"Đơn vị {self.n}", level=w.unit.level, parent=w.unit.parent)
        officer = w.user(f"cb{self.n}", unit, Role.UNIT_OFFICER)
        head = w.user(f"ld{self.n}", unit, Role.UNIT_HEAD)
        self.time_machine.move_to(dt.datetime(2023, 12, 5, 9, 0, tzinfo=HCM), tick=False)
        dossier = wf.dossier_create(campaign=w.campaign, award_form=w.form, unit=unit, actor=officer)
        add_nominees(dossier, officer, collectives=[unit])
        return walk(dossier, Actors(officer=officer, head=head, appraiser=w.bob, home_affairs=w.nora,
                                    chairman=w.chris), until=until)

    def batch(self, size):
        for i in range(size):
            self.dossier(DossierStatus.DECIDED)
            self.dossier(DossierStatus.AWAITING_DECISION)
            late = self.dossier(DossierStatus.SUBMITTED)
            self.time_machine.move_to(dt.datetime(2023, 12, 6 + 10 * (i % 2), 15, 0, tzinfo=HCM), tick=False)
            wf.dossier_approve_step(dossier=late, actor=self.world.bob)      # on time, or late every other one
            returned = self.dossier(DossierStatus.SUBMITTED)
            wf.dossier_return(dossier=returned, actor=self.world.bob, reasons=["Bổ sung số liệu"])


def report_queries(world, now) -> int:
    with CaptureQueriesContext(connection) as queries:
        report = campaign_report(world.campaign, world.bob)
        step_timeliness(world.campaign, world.bob, now=now)
    assert report["timeliness"]["steps"]
    return len(queries)


def test_sql_timeliness_equals_the_former_loop_and_the_report_stays_flat(world, time_machine):
    many = Many(world, time_machine)
    many.batch(1)
    now = dt.datetime(2024, 1, 10, 9, 0, tzinfo=HCM)
    small = report_queries(world, now)
    many.batch(4)
    time_machine.move_to(now, tick=False)
    assert report_queries(world, now) == small
    for at in (now, dt.datetime(2023, 12, 7, 9, 0, tzinfo=HCM)):
        assert step_timeliness(world.campaign, now=at) == loop_timeliness(world.campaign, now=at)
    steps = {s["code"]: s for s in step_timeliness(world.campaign, now=now)["steps"]}
    assert steps["appraisal"]["done"] >= 10 and 0 < steps["appraisal"]["rate"] < 100


def loop_evaluations(campaign):
    """The former evaluation summary and pass rates: every newest evaluation and its lines in Python."""
    from collections import Counter, defaultdict

    from criteria.selectors import latest_evaluations
    from dossiers.models import Nominee, NomineeKind

    latest = latest_evaluations(campaign)
    summary = Counter()
    collectives = Nominee.objects.filter(dossier__in=campaign_dossiers(campaign), kind=NomineeKind.COLLECTIVE).exclude(
        dossier__status=DossierStatus.WITHDRAWN)
    for pk in collectives.values_list("pk", flat=True):
        evaluation = latest.get(pk)
        summary["pending" if evaluation is None else "passed" if evaluation.passed else
                "overridden" if evaluation.overrides.all() else "failed"] += 1
    summary["total"] = collectives.count()
    counts, order = defaultdict(Counter), {}
    for evaluation in latest.values():
        for line in evaluation.lines.all():
            order.setdefault(line.criterion_name, (line.criterion.order if line.criterion else 99, line.pk))
            counts[line.criterion_name]["passed" if line.passed else ("failed" if line.passed is False else "unknown")] += 1
    rates = []
    for name in sorted(counts, key=lambda n: order[n]):
        c = counts[name]
        total = c["passed"] + c["failed"] + c["unknown"]
        rates.append({"name": name, "passed": c["passed"], "failed": c["failed"], "unknown": c["unknown"],
                      "total": total, "rate": round(100 * c["passed"] / total, 1) if total else None})
    return dict(summary), rates


def test_sql_evaluation_figures_equal_the_former_loop(world, in_window, time_machine, criteria, load):
    from criteria.selectors import criterion_pass_rates, evaluation_summary
    from criteria.services import criteria_override, dossier_evaluate

    from .conftest import figures_row

    units = [world.unit, world.other] + [Unit.objects.create(name=f"UBND xã {i}", level=world.levels["huyen"],
                                                             parent=world.province) for i in range(3)]
    load(*[figures_row(unit, rate=rate) for unit, rate in zip(units, ["70", "59.99", "50", "80", "40"], strict=True)])
    dossiers = []
    for i, unit in enumerate(units):
        officer = world.user(f"cbx{i}", unit, Role.UNIT_OFFICER)
        head = world.user(f"ldx{i}", unit, Role.UNIT_HEAD)
        dossier = wf.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit, actor=officer)
        add_nominees(dossier, officer, collectives=[unit])
        dossiers.append(walk(dossier, Actors(officer=officer, head=head, appraiser=world.bob, home_affairs=world.nora,
                                             chairman=world.chris), until=DossierStatus.SUBMITTED))
    wf.dossier_approve_step(dossier=dossiers[0], actor=world.bob)                       # passes at the gate
    criteria_override(dossier=dossiers[1], nominee=dossiers[1].nominees.get(), actor=world.bob,
                      reason="Đã số hóa toàn bộ hồ sơ phát sinh từ tháng 10.")
    dossier_evaluate(dossier=dossiers[2], actor=world.bob)                              # fails, no override
    time_machine.shift(dt.timedelta(hours=1))
    load(*[figures_row(unit, rate="90") for unit in units])                              # new figures: all pass
    dossier_evaluate(dossier=dossiers[2], actor=world.bob)                              # newer evaluation wins
    dossier_evaluate(dossier=dossiers[3], actor=world.bob)
    summary, rates = loop_evaluations(world.campaign)
    assert evaluation_summary(world.campaign) == summary
    assert criterion_pass_rates(world.campaign) == rates
    assert summary["passed"] == 3 and summary["pending"] == 1 and summary["total"] == 5
