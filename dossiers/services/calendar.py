import datetime as dt

from django.db import transaction

from .. import calendar
from ..models import CalendarDay


@transaction.atomic
def calendar_day_set(*, day: dt.date, is_working: bool, note: str = "", actor=None) -> CalendarDay:
    """Declare an extra day off or a make-up working day. Open tasks' due dates are re-stamped by
    the workflows layer (workflows.services.deadlines_recompute), which callers run after this."""
    entry, _created = CalendarDay.objects.update_or_create(date=day, defaults={"is_working": is_working,
                                                                                "note": note})
    transaction.on_commit(calendar.clear_cache)
    calendar.clear_cache()
    return entry
