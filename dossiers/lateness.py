"""When a step is late — one definition for the dashboard, the deadline statistics and the reports.

A step (a task of the path with a due date) is
- overdue: still open after its due date (computed from now, never stored);
- late: finished after its due date, or overdue;
- on time: finished by its due date;
- judged: on time or late (an open step not yet due is not judged yet).
The on-time rate is on time / judged.

The task rows are workflows' (`DossierTask`); the domain reads them through the `tasks` relation
that workflows declares on Dossier, and never imports workflows."""

from django.db.models import BooleanField, ExpressionWrapper, F, Q
from viewflow.workflow.status import STATUS

from .models import Dossier

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def overdue_q(now, prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": OPEN_TASK_STATUSES, f"{prefix}due_at__lt": now})


def on_time_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}finished__isnull": False, f"{prefix}due_at__isnull": False,
                f"{prefix}finished__lte": F(f"{prefix}due_at")})


def late_q(now, prefix: str = "") -> Q:
    finished_late = Q(**{f"{prefix}finished__isnull": False, f"{prefix}due_at__isnull": False,
                         f"{prefix}finished__gt": F(f"{prefix}due_at")})
    return finished_late | overdue_q(now, prefix)


def judged_q(now, prefix: str = "") -> Q:
    return on_time_q(prefix) | late_q(now, prefix)


def flags(now) -> dict:
    """Annotations for a task queryset: is_late, is_on_time (booleans computed in SQL)."""
    return {"is_late": ExpressionWrapper(late_q(now), output_field=BooleanField()),
            "is_on_time": ExpressionWrapper(on_time_q(), output_field=BooleanField())}


def on_time_rate(on_time: int, judged: int) -> float | None:
    return (100.0 * on_time / judged) if judged else None


def task_rows():
    """The manager of the path's task rows (workflows' DossierTask), reached through Dossier.tasks."""
    return Dossier._meta.get_field("tasks").related_model.objects
