import datetime as dt

import pytest

from dossiers import calendar
from dossiers.services import calendar_day_set

pytestmark = pytest.mark.django_db
D = dt.date


def test_weekends_are_skipped():
    assert calendar.add_working_days(D(2023, 12, 8), 1) == D(2023, 12, 11)   # Fri + 1 → Mon


def test_due_date_across_tet_2024():
    # Tết Giáp Thìn: Thu 08/02 – Wed 14/02/2024 off. From Wed 07/02, 3 working days: 15, 16, 19 Feb.
    assert calendar.add_working_days(D(2024, 2, 7), 3) == D(2024, 2, 19)
    assert calendar.working_days_between(D(2024, 2, 7), D(2024, 2, 19)) == 3
    assert not calendar.is_working_day(D(2024, 2, 12))


def test_extra_day_off_and_make_up_working_day():
    # Saturday 04/05/2024 was a make-up working day for the 29/04 day off.
    assert not calendar.is_working_day(D(2024, 5, 4))
    calendar_day_set(day=D(2024, 5, 4), is_working=True, note="Làm bù cho ngày 29/4")
    assert calendar.is_working_day(D(2024, 5, 4))
    assert calendar.add_working_days(D(2024, 5, 3), 1) == D(2024, 5, 4)
    calendar_day_set(day=D(2024, 5, 6), is_working=False, note="Nghỉ thêm")
    assert calendar.add_working_days(D(2024, 5, 4), 1) == D(2024, 5, 7)


def test_due_at_is_end_of_local_day():
    start = dt.datetime(2023, 12, 5, 2, 0, tzinfo=dt.timezone.utc)
    due = calendar.due_at(start, 5)
    local = due.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert (local.date(), local.hour, local.minute) == (D(2023, 12, 12), 23, 59)


def test_removing_an_override_restores_the_plain_rule():
    from dossiers.services import calendar_day_remove
    calendar_day_set(day=D(2024, 5, 4), is_working=True)
    assert calendar.is_working_day(D(2024, 5, 4))
    calendar_day_remove(day=D(2024, 5, 4))
    assert not calendar.is_working_day(D(2024, 5, 4))
