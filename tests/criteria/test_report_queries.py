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
