"""The dashboard's figures (issue 11, item 2): a summary table refreshed by a periodic job.

Why a job, not counters kept by each transition: a counter row per (campaign, unit, step, status)
updated in the transition's transaction adds statements to every step of the path (issue 11 wants
each transition at 7 statements or fewer), and it serialises every transition of a campaign's unit
on one hot row. The summary is one INSERT … SELECT of each dossier's key and three grouped
queries over the whole history, run once a minute by the consumer (`tasks.dashboard_refresh`); a
dashboard request then reads the summary rows of one campaign, a few hundred at a province's scale,
and the page says when they were computed.

Rows are keyed by what the visibility query reads (`dossiers.selectors.visibility_q`): the dossier's
campaign, award form, unit, status, whether it was submitted, and how far on the path it has been
(`dossiers.rules.status_reach` over its status and its event log). Overdue and due soon are as of the
refresh, like every other figure on the page."""

import datetime as dt
import time

from django.db import connection, transaction
from django.db.models import (
    Case, Count, DurationField, ExpressionWrapper, F, IntegerField, Max, OuterRef, Q, Subquery, Sum, Value, When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from viewflow.workflow.status import STATUS

from dossiers import lateness
from dossiers.models import Dossier, DossierEvent, ReturnRequest
from dossiers.rules import status_reach

from .flows import ACTIVE
from .models import DashboardDossier, DashboardFigure, DashboardRefresh, DossierTask

DUE_SOON = dt.timedelta(days=2)
KEY = ("campaign_id", "award_form_id", "unit_id", "status", "submitted", "reached")
SCORES = range(1, 6)


def _reach(field: str) -> Case:
    return Case(*[When(**{field: status}, then=Value(position)) for status, position in status_reach().items()],
                default=Value(-1), output_field=IntegerField())


def _dossier_keys():
    """Each dossier's key (dossier, campaign, award form, unit, status, submitted 0/1, reached), as one
    SELECT over the dossiers with the event log read once per dossier."""
    furthest_event = (DossierEvent.objects.filter(dossier=OuterRef("pk")).order_by().values("dossier")
                      .annotate(m=Max(_reach("to_status"))).values("m"))
    return Dossier.objects.annotate(
        k_submitted=Case(When(submitted_at__isnull=False, then=Value(1)), default=Value(0),
                         output_field=IntegerField()),
        k_reached=Greatest(_reach("status"), Coalesce(Subquery(furthest_event), Value(-1)),
                           output_field=IntegerField()),
    ).order_by().values_list("pk", "campaign_id", "award_form_id", "unit_id", "status", "k_submitted", "k_reached")


def _write_keys() -> None:
    """DashboardDossier := every dossier's key, in one INSERT … SELECT."""
    DashboardDossier.objects.all().delete()
    sql, params = _dossier_keys().query.sql_with_params()
    table = connection.ops.quote_name(DashboardDossier._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(c) for c in
                        ("dossier_id", "campaign_id", "award_form_id", "unit_id", "status", "submitted", "reached"))
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


def _grouped(queryset, prefix: str, *extra, **aggregates):
    """`queryset` (rows with a dossier at `prefix`) grouped by its dossier's key and `extra`."""
    key = [f"{prefix}{name}" for name in ("campaign_id", "award_form_id", "unit_id", "status", "submitted", "reached")]
    rows = (queryset.filter(**{f"{prefix}dossier__isnull": False}).values(*key, *extra)
            .annotate(**aggregates).order_by())
    for row in rows:
        yield (row[key[0]], row[key[1]], row[key[2]], row[key[3]], bool(row[key[4]]), row[key[5]],
               *[row[name] for name in extra]), row


def _seconds(value) -> float:
    """A summed duration from the database (timedelta, or microseconds on some backends) in seconds."""
    if value is None:
        return 0.0
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return float(value) / 1_000_000


def compute(now=None) -> list[DashboardFigure]:
    """The figures of the whole history as of `now`: each dossier's key written once (DashboardDossier),
    then three grouped queries joined to it (dossiers, resolved returns, tasks of the path), merged by
    key. Call inside a transaction (`refresh`)."""
    now = now or timezone.now()
    _write_keys()
    figures: dict[tuple, DashboardFigure] = {}

    def figure(key: tuple) -> DashboardFigure:
        if key not in figures:
            figures[key] = DashboardFigure(**dict(zip(KEY, key[:6], strict=True)), step=key[6] if len(key) > 6 else "")
        return figures[key]

    rated = {f"score_{score}": Count("rating", filter=Q(rating__score=score)) for score in SCORES}
    for key, row in _grouped(Dossier.objects.all(), "dashboard_key__", dossiers=Count("pk"), ratings=Count("rating"),
                             rating_sum=Coalesce(Sum("rating__score"), Value(0)),
                             happy=Count("rating", filter=Q(rating__score__gte=4)), **rated):
        item = figure(key)
        for name in ("dossiers", "ratings", "rating_sum", "happy", *rated):
            setattr(item, name, row[name])
    for key, row in _grouped(ReturnRequest.objects.filter(resolved_at__isnull=False), "dossier__dashboard_key__",
                             n=Count("pk"), late=Count("pk", filter=Q(late=True))):
        item = figure(key)
        item.resubmissions, item.late_resubmissions = row["n"], row["late"]
    done = Q(status=STATUS.DONE, finished__isnull=False)
    duration = ExpressionWrapper(F("finished") - F("created"), output_field=DurationField())
    tasks = DossierTask.objects.filter(flow_task_type="HUMAN", dossier__isnull=False)
    for key, row in _grouped(tasks, "dossier__dashboard_key__", "step",
                             open_tasks=Count("pk", filter=Q(status__in=ACTIVE)),
                             due_soon=Count("pk", filter=Q(status__in=ACTIVE, due_at__gte=now,
                                                           due_at__lte=now + DUE_SOON)),
                             overdue=Count("pk", filter=lateness.overdue_q(now)),
                             done_n=Count("pk", filter=done),   # not "finished": F("finished") is the column
                             finished_sum=Sum(duration, filter=done),
                             finished_with_due=Count("pk", filter=done & Q(due_at__isnull=False)),
                             on_time=Count("pk", filter=lateness.on_time_q()),
                             judged=Count("pk", filter=lateness.judged_q(now))):
        item = figure(key)
        for name in ("open_tasks", "due_soon", "overdue", "finished_with_due", "on_time", "judged"):
            setattr(item, name, row[name])
        item.finished = row["done_n"]
        item.finished_seconds = _seconds(row["finished_sum"])
    return list(figures.values())


@transaction.atomic
def refresh(now=None) -> DashboardRefresh:
    """Recompute every figure and replace the table in one transaction (readers see the old figures
    until it commits); two refreshes at once queue on the refresh row."""
    now = now or timezone.now()
    started = time.monotonic()
    stamp = DashboardRefresh.objects.select_for_update().filter(pk=1).first()
    rows = compute(now)
    DashboardFigure.objects.all().delete()
    DashboardFigure.objects.bulk_create(rows, batch_size=1000)
    stamp = stamp or DashboardRefresh(pk=1)
    stamp.refreshed_at, stamp.rows, stamp.seconds = now, len(rows), time.monotonic() - started
    stamp.save()
    return stamp


def last_refresh() -> DashboardRefresh | None:
    return DashboardRefresh.objects.filter(pk=1).first()
