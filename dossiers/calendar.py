"""Working-day calendar: weekends, Vietnamese public holidays and the government's make-up working
Saturdays (`holidays` 'VN': Tết included, `weekend_workdays` for the make-up days), and on top the
CalendarDay table of extra days off and make-up working days, which always wins.

No cache of the table can lie, because there is none: every use reads the table once (one small
indexed query, ~0.2 ms on PostgreSQL for a decade of overrides; see `calendar_query_ms` in
bench/bench_soak.py) and computes on that snapshot (`current()`). A change committed on one server
is therefore seen by the next use on every server and consumer, and nothing is ever kept from a
transaction that rolled back. Only the library's holidays, which are code, are cached per process.

Consistency with the stamps: on PostgreSQL, reading the calendar inside a transaction takes a
shared transaction-level advisory lock (`read_lock`), and a calendar change takes it exclusively
(`write_lock`) before anything else. So a due date is never stamped from a calendar that a change
is replacing: the stamping transaction either commits before the change reads the open tasks (and
is re-stamped by it) or waits for the change and reads the new calendar. Lock order: calendar
lock, then dossier rows (`dossiers.services.lock_dossier` takes the shared lock first), then tasks."""

import datetime as dt
import threading

import holidays
from django.db import transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from . import txn

from .errors import InvalidInput
from .models import CalendarDay, local_day_end

# Dates the calendar accepts: a due date, a day off or a decision date outside these is a typing
# mistake (0001-01-01 used to overflow; 9999-12-31 has no following working day).
MIN_DATE = dt.date(2000, 1, 1)
MAX_DATE = dt.date(2100, 12, 31)
_LOCK_KEY = 0x4B54_4341_4C00  # "KTCAL": the advisory lock of the working-day calendar


def check_date(day: dt.date) -> dt.date:
    """Refuse a date outside MIN_DATE..MAX_DATE with a message naming the range."""
    if not isinstance(day, dt.date) or not (MIN_DATE <= day <= MAX_DATE):
        raise InvalidInput(_("Ngày phải nằm trong khoảng từ %(first)s đến %(last)s.")
                           % {"first": MIN_DATE.strftime("%d/%m/%Y"), "last": MAX_DATE.strftime("%d/%m/%Y")})
    return day


# --- the library's calendar (code, cached per process) -------------------------------------------
_library_lock = threading.Lock()
_library_years: dict[int, tuple[frozenset, frozenset]] = {}


def _library_year(year: int) -> tuple[frozenset, frozenset]:
    """(public holidays and official days off, make-up working weekend days) of `year`, as
    `holidays` 'VN' lists them. Built once per year under a lock: the library fills its dict
    lazily, which is not safe to share between threads."""
    data = _library_years.get(year)
    if data is None:
        with _library_lock:
            data = _library_years.get(year)
            if data is None:
                vn = holidays.country_holidays("VN", years=year)
                days_off = frozenset(day for day in vn if day.year == year)
                make_up = frozenset(day for day in getattr(vn, "weekend_workdays", ()) if day.year == year)
                data = _library_years[year] = (days_off, make_up)
    return data


def library_is_working_day(day: dt.date) -> bool:
    """The plain rule, without the overrides table: weekdays that are not public holidays, plus the
    make-up working Saturdays the government announced (e.g. 04/05/2024, 26/04/2025)."""
    days_off, make_up = _library_year(day.year)
    if day.weekday() >= 5:
        return day in make_up
    return day not in days_off


# --- one reading of the table ----------------------------------------------------------------------
class Calendar:
    """The working-day calendar as one reading of the overrides table."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self.overrides = dict(overrides or {})

    def is_working_day(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override
        return library_is_working_day(day)

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (start itself not counted)."""
        day, left = start, days
        while left > 0:
            if day >= MAX_DATE:  # no working day is counted past the calendar's range
                check_date(MAX_DATE + dt.timedelta(days=1))
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def due_at(self, start: dt.datetime, working_days: int) -> dt.datetime:
        """A deadline: the end (23:59:59 local) of the n-th working day after `start`'s local date."""
        from django.utils import timezone

        local_start = timezone.localtime(start).date()
        return local_day_end(self.add_working_days(local_start, working_days))


def _postgres_in_transaction():
    connection = transaction.get_connection()
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        return connection
    return None


def read_lock() -> None:
    """Inside a transaction on PostgreSQL: hold the calendar for reading until commit (shared; many
    readers at once, a calendar change waits for them and they wait for it). Elsewhere a no-op:
    SQLite runs one writing transaction at a time."""
    connection = _postgres_in_transaction()
    if connection is not None and not txn.known("calendar-read-lock"):   # once per transaction
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s)", [_LOCK_KEY])
        txn.remember("calendar-read-lock")


def read_lock_expression():
    """`read_lock` as a filter that is always true, for a caller that takes the lock inside its own
    statement (PostgreSQL only; the caller then remembers "calendar-read-lock" in `txn`). The
    sub-select has no reference to the query's rows: PostgreSQL runs it once, as a one-time filter,
    before reading any row, so the calendar lock is still taken before the rows' locks."""
    return RawSQL("(SELECT true FROM (SELECT pg_advisory_xact_lock_shared(%s)) AS calendar_lock)", [_LOCK_KEY],
                  output_field=BooleanField())


def write_lock() -> None:
    """The calendar change's exclusive hold, taken before it reads or writes anything."""
    connection = _postgres_in_transaction()
    if connection is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def current() -> Calendar:
    """The calendar as committed now (or as this transaction changed it): one query."""
    read_lock()
    return Calendar(dict(CalendarDay.objects.values_list("date", "is_working")))


def clear_cache() -> None:
    """Kept for callers of the old per-process cache: there is nothing to clear."""


# --- one-shot helpers (each reads the table once) ------------------------------------------------
def is_working_day(day: dt.date) -> bool:
    return current().is_working_day(day)


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (start itself not counted)."""
    return current().add_working_days(start, days)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    return current().working_days_between(start, end)


def due_at(start: dt.datetime, working_days: int) -> dt.datetime:
    """A deadline: the end (23:59:59 local) of the n-th working day after `start`'s local date."""
    return current().due_at(start, working_days)
