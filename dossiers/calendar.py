"""Working-day calendar: weekends, Vietnamese public holidays (`holidays` 'VN', Tết included),
and the CalendarDay table of extra days off and make-up working days."""

import datetime as dt
import threading
import time

import holidays

from .models import CalendarDay, local_day_end

_cache_lock = threading.Lock()
_cache: dict = {"loaded_at": 0.0, "overrides": {}}
_CACHE_SECONDS = 60


def clear_cache() -> None:
    with _cache_lock:
        _cache["loaded_at"] = 0.0


def _overrides() -> dict[dt.date, bool]:
    with _cache_lock:
        if time.monotonic() - _cache["loaded_at"] > _CACHE_SECONDS:
            _cache["overrides"] = dict(CalendarDay.objects.values_list("date", "is_working"))
            _cache["loaded_at"] = time.monotonic()
        return _cache["overrides"]


_vn_holidays = holidays.country_holidays("VN")


def is_working_day(day: dt.date) -> bool:
    override = _overrides().get(day)
    if override is not None:
        return override
    return day.weekday() < 5 and day not in _vn_holidays


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (start itself not counted)."""
    day, left = start, days
    while left > 0:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def due_at(start: dt.datetime, working_days: int) -> dt.datetime:
    """A deadline: the end (23:59:59 local) of the n-th working day after `start`'s local date."""
    from django.utils import timezone

    local_start = timezone.localtime(start).date()
    return local_day_end(add_working_days(local_start, working_days))
