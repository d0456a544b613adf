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


def test_a_rolled_back_calendar_change_is_never_used(province, time_machine):
    """Issue 18: the per-process cache was filled inside the change's own transaction, so after a
    rollback that process kept stamping due dates with the day off that never happened."""
    from django.db import transaction

    from dossiers import calendar

    with pytest.raises(RuntimeError):
        with transaction.atomic():
            calendar_day_set(day=dt.date(2023, 12, 12), is_working=False, note="Sẽ bị huỷ")
            assert not calendar.is_working_day(dt.date(2023, 12, 12))   # the change sees itself
            raise RuntimeError("the save failed later")
    assert calendar.is_working_day(dt.date(2023, 12, 12))
    dossier = submitted_dossier(province, time_machine, at(2023, 12, 5, 10, 0))
    assert open_task(dossier).due_at == at(2023, 12, 14, 23, 59, 59, 999999)
    assert not CalendarChange.objects.exists()


def test_repair_finds_and_fixes_due_dates_that_disagree_with_the_calendar(province, time_machine):
    from io import StringIO

    from django.core.management import call_command

    from workflows.models import DossierTask

    dossier = submitted_dossier(province, time_machine, at(2023, 12, 5, 10, 0))
    task = open_task(dossier)
    assert task.data["working_days"] == 7 and task.due_at == at(2023, 12, 14, 23, 59, 59, 999999)
    # A server that still had an old calendar stamped Friday instead of Thursday.
    DossierTask.objects.filter(pk=task.pk).update(due_at=at(2023, 12, 15, 23, 59, 59, 999999))
    time_machine.move_to(at(2023, 12, 7, 9, 0), tick=False)
    out = StringIO()
    call_command("deadlines_repair", stdout=out)
    assert f"dossier #{dossier.pk} task {task.pk}" in out.getvalue() and "15/12/2023 23:59 -> 14/12/2023 23:59" \
        in out.getvalue()
    assert "1 due dates would repair (dry run" in out.getvalue()
    assert open_task(dossier).due_at == at(2023, 12, 15, 23, 59, 59, 999999)       # dry run: nothing written
    out = StringIO()
    call_command("deadlines_repair", "--apply", stdout=out)
    assert "1 due dates repaired" in out.getvalue()
    assert open_task(dossier).due_at == at(2023, 12, 14, 23, 59, 59, 999999)
    event = DossierEvent.objects.get(dossier=dossier, data__deadline="repaired")
    assert "15/12/2023" in event.comment and "14/12/2023" in event.comment
    out = StringIO()
    call_command("deadlines_repair", stdout=out)
    assert "0 due dates" in out.getvalue()


def test_repair_counts_tasks_stamped_before_the_working_days_were_recorded(province, time_machine):
    from workflows.deadlines import deadlines_repair
    from workflows.models import DossierTask

    dossier = submitted_dossier(province, time_machine, at(2023, 12, 5, 10, 0))
    task = open_task(dossier)
    DossierTask.objects.filter(pk=task.pk).update(data={}, due_at=at(2023, 12, 13, 23, 59, 59, 999999))
    time_machine.move_to(at(2023, 12, 7, 9, 0), tick=False)
    rows = deadlines_repair(apply=True)
    assert [(r["task"], r["right"]) for r in rows] == [(task.pk, at(2023, 12, 14, 23, 59, 59, 999999))]
