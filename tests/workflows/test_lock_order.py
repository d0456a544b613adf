"""One lock order (calendar, then dossier rows, then tasks): a calendar change and path moves at
the same moment, in real threads on PostgreSQL, neither deadlock nor fail, and every due date left
open agrees with the calendar afterwards. Issue 18: saving a day off while dossiers moved used to
answer 500 after 3 s ("deadlock detected") and roll the change back."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from dossiers.errors import DossierError
from dossiers.models import Dossier, DossierStatus, Role, Unit
from dossiers.services import calendar_day_set
from dossiers.services.returns import return_reply
from workflows import services
from workflows.deadlines import deadlines_disagreeing
from workflows.flows import ACTIVE
from workflows.models import CalendarChange, DossierTask
from workflows.walk import Actors, add_nominees, prepare

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (make test runs it)"),
]


def submitted_dossiers(world, count: int) -> list[Dossier]:
    dossiers = []
    for i in range(count):
        unit = Unit.objects.create(name=f"Sở thử nghiệm {i}", level=world.levels["tinh"], parent=world.province)
        officer = world.user(f"officer{i}", unit, Role.UNIT_OFFICER)
        head = world.user(f"head{i}", unit, Role.UNIT_HEAD, title="Giám đốc")
        dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit, actor=officer)
        add_nominees(dossier, officer, collectives=[unit])
        dossier = prepare(dossier, Actors(officer=officer, head=head))
        dossiers.append(services.dossier_submit(dossier=dossier, actor=head))
    return dossiers


def at_once(actions):
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait(30)
            results[i] = ("ok", action())
        except DossierError as exc:
            results[i] = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - a crash (deadlock, 500) is the failure under test
            results[i] = ("crash", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_calendar_change_and_path_moves_at_once(world, in_window):
    dossiers = submitted_dossiers(world, 6)
    days = [dt.date(2023, 12, 8), dt.date(2023, 12, 11), dt.date(2023, 12, 8)]
    for round_number, day in enumerate(days):
        fresh = [Dossier.objects.get(pk=d.pk) for d in dossiers]
        moves = []
        for i, dossier in enumerate(fresh):
            if dossier.status == DossierStatus.SUBMITTED and i % 3 == 0:
                moves.append(lambda d=dossier: services.dossier_return(dossier=d, actor=world.bob,
                                                                      reasons=["Thiếu chữ ký."]))
            elif dossier.status in (DossierStatus.SUBMITTED, DossierStatus.APPRAISED):
                actor = world.bob if dossier.status == DossierStatus.SUBMITTED else world.nora
                moves.append(lambda d=dossier, a=actor: services.dossier_approve_step(dossier=d, actor=a))
            elif dossier.status == DossierStatus.RETURNED:
                head = dossier.unit.memberships.get(role=Role.UNIT_HEAD).user
                # every returned item answered first (issue 10: a resubmission answers each reason)
                return_reply(dossier=dossier, actor=head, replies={0: "Đã bổ sung chữ ký."})
                moves.append(lambda d=dossier, h=head: services.dossier_resubmit(dossier=d, actor=h))
        is_working = round_number == 2       # off, off, then the first day back to working
        change = lambda day=day, w=is_working: calendar_day_set(day=day, is_working=w, note="Thử đồng thời",
                                                                actor=world.chris)
        results = at_once([change, *moves, change])
        assert [r for r in results if r[0] != "ok"] == [], results
    assert CalendarChange.objects.count() == 3          # the second change of each round changed nothing
    for dossier in Dossier.objects.filter(pk__in=[d.pk for d in dossiers]):
        open_tasks = DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE, flow_task_type="HUMAN")
        assert open_tasks.count() == 1, dossier.status
    assert deadlines_disagreeing() == []
