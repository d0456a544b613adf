"""Calendar operations: an extra day off or a make-up working day re-stamps the due dates of open,
not yet overdue tasks; the change is logged (CalendarChange, and an event on each dossier)."""

import datetime as dt

import pytest

from dossiers.models import DossierEvent, Step
from dossiers.services import calendar_day_set
from workflows import services
from workflows.models import CalendarChange, Notification, NotificationKind

from .helpers import at, committed, open_task, set_lead, submitted_dossier

pytestmark = pytest.mark.django_db


def test_extra_day_off_moves_open_due_dates_and_is_logged(province, time_machine):
    world = province
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 5, 10, 0))
    task = open_task(dossier)
    assert task.due_at == at(2023, 12, 14, 23, 59, 59, 999999)
    time_machine.move_to(at(2023, 12, 7, 9, 0), tick=False)
    committed(calendar_day_set, day=dt.date(2023, 12, 12), is_working=False, note="Nghỉ bù (thử nghiệm)",
              actor=world.chris)
    task.refresh_from_db()
    assert task.due_at == at(2023, 12, 15, 23, 59, 59, 999999)
    change = CalendarChange.objects.get()
    assert (change.day, change.was_working, change.is_working, change.tasks_recomputed) == \
        (dt.date(2023, 12, 12), True, False, 1)
    event = DossierEvent.objects.get(dossier=dossier, data__deadline="recomputed")
    assert "14/12/2023" in event.comment and "15/12/2023" in event.comment
    assert Notification.objects.filter(user=world.bob, kind=NotificationKind.DEADLINE_CHANGE).count() == 1

    # A make-up working day on Saturday 09/12 brings it back to Thursday.
    committed(calendar_day_set, day=dt.date(2023, 12, 9), is_working=True, note="Làm bù", actor=world.chris)
    task.refresh_from_db()
    assert task.due_at == at(2023, 12, 14, 23, 59, 59, 999999)
    # Setting a day to what it already is changes nothing and logs no recompute.
    committed(calendar_day_set, day=dt.date(2023, 12, 9), is_working=True, note="Làm bù", actor=world.chris)
    assert CalendarChange.objects.count() == 2


def test_overdue_and_unaffected_tasks_keep_their_due_dates(province, time_machine):
    world = province
    set_lead(world, Step.APPRAISAL, 2)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 5, 10, 0))
    task = open_task(dossier)
    assert task.due_at == at(2023, 12, 7, 23, 59, 59, 999999)
    time_machine.move_to(at(2023, 12, 11, 9, 0), tick=False)            # overdue since Fri 08/12
    committed(calendar_day_set, day=dt.date(2023, 12, 6), is_working=False, actor=world.chris)
    committed(calendar_day_set, day=dt.date(2023, 12, 20), is_working=False, actor=world.chris)
    task.refresh_from_db()
    assert task.due_at == at(2023, 12, 7, 23, 59, 59, 999999)
    assert not DossierEvent.objects.filter(data__deadline="recomputed").exists()
    assert list(CalendarChange.objects.values_list("tasks_recomputed", flat=True)) == [0, 0]


def test_revision_deadline_follows_the_calendar(province, time_machine):
    world = province
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 5, 10, 0))
    time_machine.move_to(at(2023, 12, 8, 9, 0), tick=False)
    request = services.dossier_return(dossier=dossier, actor=world.bob, reasons=["Thiếu tờ trình có chữ ký."])
    committed(calendar_day_set, day=dt.date(2023, 12, 11), is_working=False, actor=world.chris)
    request.refresh_from_db()
    assert open_task(dossier).due_at == request.unit_due_at == at(2023, 12, 18, 23, 59, 59, 999999)
