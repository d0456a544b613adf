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


def test_make_up_working_saturdays_come_from_the_library_2024():
    # 2024: Mon 29/04 off, worked on Sat 04/05 instead (30/04 and 01/05 are holidays).
    assert not calendar.is_working_day(D(2024, 4, 29))
    assert calendar.is_working_day(D(2024, 5, 4))
    # From Fri 26/04, 3 working days: Thu 02/05, Fri 03/05, Sat 04/05 (Mon 06/05 without the swap).
    assert calendar.add_working_days(D(2024, 4, 26), 3) == D(2024, 5, 4)
    assert calendar.add_working_days(D(2024, 4, 26), 4) == D(2024, 5, 6)
    assert calendar.working_days_between(D(2024, 4, 26), D(2024, 5, 6)) == 4


def test_make_up_working_saturdays_come_from_the_library_2025():
    # 2025: Fri 02/05 off, worked on Sat 26/04 instead (30/04 and 01/05 are holidays).
    assert calendar.is_working_day(D(2025, 4, 26))
    assert not calendar.is_working_day(D(2025, 5, 2))
    assert calendar.add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)
    assert calendar.add_working_days(D(2025, 4, 25), 3) == D(2025, 4, 29)
    assert calendar.add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)
    local = calendar.due_at(dt.datetime(2025, 4, 25, 3, 0, tzinfo=dt.timezone.utc), 1).astimezone(
        dt.timezone(dt.timedelta(hours=7)))
    assert (local.date(), local.hour) == (D(2025, 4, 26), 23)


def test_library_lists_the_official_make_up_days():
    # The government's decisions: 2024 (29/4 ↔ 4/5) and 2025 (2/5 ↔ 26/4); an ordinary Saturday is off.
    days_off_2024, make_up_2024 = calendar._library_year(2024)
    days_off_2025, make_up_2025 = calendar._library_year(2025)
    assert D(2024, 5, 4) in make_up_2024 and D(2024, 4, 29) in days_off_2024
    assert D(2025, 4, 26) in make_up_2025 and D(2025, 5, 2) in days_off_2025
    assert not calendar.is_working_day(D(2025, 5, 3))


def test_the_overrides_table_still_wins():
    calendar_day_set(day=D(2024, 5, 4), is_working=False, note="Không làm bù")
    assert not calendar.is_working_day(D(2024, 5, 4))
    assert calendar.add_working_days(D(2024, 4, 26), 3) == D(2024, 5, 6)
    calendar_day_set(day=D(2024, 5, 11), is_working=True, note="Làm bù")
    assert calendar.add_working_days(D(2024, 5, 10), 1) == D(2024, 5, 11)
    calendar_day_set(day=D(2024, 5, 13), is_working=False, note="Nghỉ thêm")
    assert calendar.add_working_days(D(2024, 5, 11), 1) == D(2024, 5, 14)


@pytest.mark.parametrize("day", [D(1, 1, 1), D(1999, 12, 31), D(2101, 1, 1), D(9999, 12, 31)])
def test_dates_outside_the_calendar_range_are_refused(day):
    from dossiers.errors import InvalidInput
    from dossiers.models import CalendarDay

    with pytest.raises(InvalidInput) as refused:
        calendar_day_set(day=day, is_working=False)
    assert "01/01/2000" in str(refused.value) and "31/12/2100" in str(refused.value)
    assert not CalendarDay.objects.exists()


def test_counting_past_the_range_is_refused_not_an_overflow():
    from dossiers.errors import InvalidInput

    with pytest.raises(InvalidInput):
        calendar.add_working_days(D(2100, 12, 30), 5)


def test_due_at_is_end_of_local_day():
    start = dt.datetime(2023, 12, 5, 2, 0, tzinfo=dt.timezone.utc)
    due = calendar.due_at(start, 5)
    local = due.astimezone(dt.timezone(dt.timedelta(hours=7)))
    assert (local.date(), local.hour, local.minute) == (D(2023, 12, 12), 23, 59)


def test_removing_an_override_restores_the_plain_rule():
    from dossiers.services import calendar_day_remove
    calendar_day_set(day=D(2024, 5, 4), is_working=False)
    assert not calendar.is_working_day(D(2024, 5, 4))
    calendar_day_remove(day=D(2024, 5, 4))
    assert calendar.is_working_day(D(2024, 5, 4))    # the library's make-up day again
