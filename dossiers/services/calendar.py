import datetime as dt
import logging

from django.db import transaction
from django.dispatch import Signal

from .. import calendar
from ..models import CalendarDay
from .common import retry_on_deadlock

log = logging.getLogger("khenthuong.calendar")

# Sent inside the service's transaction after a day changed between working and non-working, with
# day, was_working, is_working, note, actor. The workflows app re-stamps the due dates of open tasks
# (and logs the change) in the same transaction; dossiers never imports workflows.
calendar_changed = Signal()


def calendar_day_set(*, day: dt.date, is_working: bool, note: str = "", actor=None) -> CalendarDay:
    """Declare an extra day off or a make-up working day (each year's government decision). Open
    tasks' due dates are re-stamped through `calendar_changed` in the same transaction, which holds
    the calendar's write lock from its first statement (see dossiers.calendar) and is retried as a
    whole if PostgreSQL still picks it as a deadlock victim."""
    calendar.check_date(day)
    note = " ".join((note or "").split())[:255]
    return retry_on_deadlock(lambda: _set(day=day, is_working=is_working, note=note, actor=actor))


def _set(*, day, is_working, note, actor) -> CalendarDay:
    calendar.write_lock()
    was_working = calendar.is_working_day(day)
    entry, _created = CalendarDay.objects.update_or_create(date=day, defaults={"is_working": is_working,
                                                                                "note": note})
    log.info("calendar day %s set to %s (was %s) by %s: %s", day, "working" if is_working else "day off",
             "working" if was_working else "day off", getattr(actor, "pk", None), note)
    if was_working != is_working:
        calendar_changed.send(sender=CalendarDay, day=day, was_working=was_working, is_working=is_working,
                              note=note, actor=actor)
    return entry


def calendar_day_remove(*, day: dt.date, actor=None) -> None:
    """Drop an override: the day goes back to the plain rule (weekends, VN public holidays and the
    make-up working days `holidays` lists)."""
    retry_on_deadlock(lambda: _remove(day=day, actor=actor))


def _remove(*, day, actor) -> None:
    calendar.write_lock()
    was_working = calendar.is_working_day(day)
    CalendarDay.objects.filter(date=day).delete()
    is_working = calendar.is_working_day(day)
    log.info("calendar override for %s removed by %s", day, getattr(actor, "pk", None))
    if was_working != is_working:
        calendar_changed.send(sender=CalendarDay, day=day, was_working=was_working, is_working=is_working,
                              note="", actor=actor)
