"""Reads for the work pages: a user's inbox and the dashboard's statistics. Due soon and overdue are
computed from `DossierTask.due_at` and now; nothing here is stored."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone
from viewflow.workflow.status import STATUS

from dossiers import lateness
from dossiers import selectors as dossier_selectors
from dossiers.models import (
    AwardForm, Campaign, Dossier, DossierStatus, Membership, ReturnRequest, Role, ServiceRating, Step, Unit, step_label,
    steps_where,
)

from dossiers.text import clean_line
from dossiers.rules import acting_pairs

from .flows import ACTIVE
from .models import REVISION, DossierTask

DUE_SOON = dt.timedelta(days=2)


def user_pairs(user) -> list[tuple[int, str]]:
    """The (unit, role) pairs at which `user` may act (dossiers.rules: own and delegated roles, at units
    that still act and the units merged into them)."""
    return acting_pairs(user)


def _pairs_q(pairs) -> Q:
    """Tasks addressed to one of the (unit, role) pairs: one condition per role with its units (one
    index range per role, read index-only, where one OR per pair made a bitmap over the table)."""
    units_by_role: dict = {}
    for unit_id, role in pairs:
        units_by_role.setdefault(role, set()).add(unit_id)
    q = Q(pk__in=[])
    for role, units in sorted(units_by_role.items()):
        q |= Q(role=role, unit_id__in=sorted(units))
    return q


@dataclass
class InboxFilters:
    campaign: int | None = None
    unit: int | None = None
    status: str = ""
    due: str = ""  # "" | "soon" | "overdue"
    sort: str = "due"  # "due" | "-due"
    q: str = ""  # text: a nominee's name, an exact CCCD, a dossier number (#12 or 12), a unit
    page: int = 1

    @classmethod
    def from_query(cls, query) -> "InboxFilters":
        def as_int(value):
            return int(value) if value and str(value).isdigit() and len(str(value)) < 18 else None

        status = query.get("status", "")
        return cls(campaign=as_int(query.get("campaign")), unit=as_int(query.get("unit")),
                   status=status if status in DossierStatus.values else "",
                   due=query.get("due", "") if query.get("due") in ("soon", "overdue") else "",
                   sort="-due" if query.get("sort") == "-due" else "due",
                   q=clean_line(query.get("q", ""))[:100], page=as_int(query.get("page")) or 1)

    def querystring(self, **changes) -> str:
        """The filters as a query string (for the pager's links)."""
        from urllib.parse import urlencode

        values = {"campaign": self.campaign or "", "unit": self.unit or "", "status": self.status,
                  "due": self.due, "sort": self.sort, "q": self.q, "page": self.page, **changes}
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def inbox(user, filters: InboxFilters | None = None, *, now=None):
    """Open tasks addressed to one of the user's (unit, role) pairs, with their dossiers."""
    filters = filters or InboxFilters()
    now = now or timezone.now()
    pairs = user_pairs(user)
    tasks = (DossierTask.objects.filter(status__in=ACTIVE, flow_task_type="HUMAN").filter(_pairs_q(pairs))
             .select_related("dossier__campaign", "dossier__unit", "dossier__award_form", "unit")
             .prefetch_related("dossier__nominees__person", "dossier__nominees__unit"))
    if filters.campaign:
        tasks = tasks.filter(dossier__campaign_id=filters.campaign)
    if filters.unit:
        tasks = tasks.filter(dossier__unit_id=filters.unit)
    if filters.status:
        tasks = tasks.filter(dossier__status=filters.status)
    if filters.q:
        tasks = tasks.filter(_text_q(filters.q)).distinct()
    if filters.due == "overdue":
        tasks = tasks.filter(due_at__lt=now)
    elif filters.due == "soon":
        tasks = tasks.filter(due_at__gte=now, due_at__lte=now + DUE_SOON)
    order = "due_at" if filters.sort == "due" else "-due_at"
    return tasks.order_by(order, "pk")


def _text_q(text: str) -> Q:
    """Inbox search: a CCCD only as an exact 12-digit match (never a partial lookup of people), a
    dossier number ("#12" or "12"), or a part of a nominee's or a unit's name."""
    digits = text.lstrip("#").strip()
    if digits.isdigit() and len(digits) == 12:
        return Q(dossier__nominees__person__citizen_id=digits)
    q = (Q(dossier__nominees__person__full_name__icontains=text) | Q(dossier__nominees__unit__name__icontains=text)
         | Q(dossier__unit__name__icontains=text) | Q(dossier__unit__short_name__icontains=text))
    if digits.isdigit() and len(digits) < 10:
        q |= Q(dossier_id=int(digits))
    return q


def inbox_tasks(pks) -> list:
    """The inbox's tasks `pks` (one page), in that order, with what the rows show. The page is chosen
    on the task table alone (`inbox(...).values_list("pk")`): joining the dossiers, units and
    campaigns of every open task before the sort and the limit made the page cost grow with the
    inbox (7,440 open tasks: 336 ms)."""
    pks = list(pks)
    found = {t.pk: t for t in DossierTask.objects.filter(pk__in=pks)
             .select_related("dossier__campaign", "dossier__unit", "dossier__award_form", "unit")
             .prefetch_related("dossier__nominees__person", "dossier__nominees__unit")}
    return [found[pk] for pk in pks if pk in found]


def inbox_choices(user):
    """Campaigns and units that occur in the user's open tasks (for the filter menus): the open tasks
    are joined to their dossiers once, for both menus."""
    base = DossierTask.objects.filter(status__in=ACTIVE, flow_task_type="HUMAN").filter(_pairs_q(user_pairs(user)))
    pairs = set(base.values_list("dossier__campaign_id", "dossier__unit_id").distinct().order_by())
    campaigns = Campaign.objects.filter(pk__in={campaign for campaign, _unit in pairs})
    units = Unit.objects.filter(pk__in={unit for _campaign, unit in pairs})
    return campaigns, units


def inbox_count(user) -> int:
    return inbox(user).count()


def _decision_tasks(user):
    """Open decision tasks at a unit where the user may sign."""
    pairs = [(u, r) for u, r in user_pairs(user) if r == Role.CHAIRMAN]
    return (DossierTask.objects.filter(status__in=ACTIVE, flow_task_type="HUMAN",
                                       step__in=steps_where(lambda kind: kind.is_decision))
            .filter(_pairs_q(pairs)))


def awaiting_decision(user, *, award_form_id: int | None = None, pks=None):
    """Dossiers whose open task is the decision, at a unit where the user may sign (a queryset, by
    number; of one award form, or among `pks`), with their nominees."""
    tasks = _decision_tasks(user)
    if award_form_id is not None:
        tasks = tasks.filter(dossier__award_form_id=award_form_id)
    if pks is not None:
        tasks = tasks.filter(dossier_id__in=list(pks))
    return (Dossier.objects.filter(pk__in=tasks.values("dossier_id"))
            .select_related("campaign", "award_form__campaign", "unit")
            .prefetch_related("nominees__person", "nominees__unit").order_by("pk"))


def decision_forms(user) -> list[tuple]:
    """(award form, dossiers awaiting the user's decision) for each award form that has some: one
    Quyết định per award form. Two queries, whatever the number of dossiers."""
    counts = dict(_decision_tasks(user).values_list("dossier__award_form_id").annotate(n=Count("pk"))
                  .values_list("dossier__award_form_id", "n"))
    forms = AwardForm.objects.filter(pk__in=counts).select_related("campaign").order_by("-campaign__window_opens",
                                                                                        "campaign_id", "pk")
    return [(form, counts[form.pk]) for form in forms]


# --- dashboard ---------------------------------------------------------------------------------
def visible_dossiers(user):
    """The one visibility queryset (dossiers.selectors.visible_dossiers)."""
    return dossier_selectors.visible_dossiers(user)


@dataclass
class Dashboard:
    by_status: list  # (status value, label, count)
    total: int
    open_tasks: int
    due_soon: int
    overdue: int
    on_time_rate: float | None  # percent of finished tasks done by their due date
    finished_tasks: int
    step_days: list  # (label, average days, count)
    rating_count: int
    satisfaction_rate: float | None  # percent of ratings 4 or 5
    rating_average: float | None
    rating_histogram: list  # (score, count)
    resubmissions: int = 0  # returned dossiers the units sent back
    late_resubmissions: int = 0  # of which after the supplement deadline


def _days(value) -> float:
    """An average duration from the database (timedelta, or microseconds on some backends) in days."""
    if value is None:
        return 0.0
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return float(value) / 1_000_000 / 86400


def dashboard(user, *, campaign: Campaign | None = None, now=None) -> Dashboard:
    now = now or timezone.now()
    dossiers = visible_dossiers(user)
    if campaign is not None:
        dossiers = dossiers.filter(campaign=campaign)
    counts = dict(dossiers.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_status = [(value, label, counts.get(value, 0)) for value, label in DossierStatus.choices]
    tasks = DossierTask.objects.filter(dossier__in=dossiers, flow_task_type="HUMAN")
    open_tasks = tasks.filter(status__in=ACTIVE)
    finished = tasks.filter(status=STATUS.DONE, finished__isnull=False)
    timing = tasks.filter(due_at__isnull=False).aggregate(
        n=Count("pk", filter=Q(status=STATUS.DONE, finished__isnull=False)),
        on_time=Count("pk", filter=lateness.on_time_q()), judged=Count("pk", filter=lateness.judged_q(now)))
    duration = ExpressionWrapper(F("finished") - F("created"), output_field=DurationField())
    per_step = {row["step"]: row for row in
                finished.values("step").annotate(n=Count("pk"), avg=Avg(duration)).order_by()}
    step_days = [(step_label(step), _days(per_step[step]["avg"]), per_step[step]["n"])
                 for step in [s.value for s in Step] + [REVISION] if step in per_step]
    resubmitted = ReturnRequest.objects.filter(dossier__in=dossiers, resolved_at__isnull=False).aggregate(
        n=Count("pk"), late=Count("pk", filter=Q(late=True)))
    ratings = ServiceRating.objects.filter(dossier__in=dossiers)
    rating_stats = ratings.aggregate(n=Count("pk"), avg=Avg("score"), happy=Count("pk", filter=Q(score__gte=4)))
    histogram = dict(ratings.values_list("score").annotate(n=Count("pk")).values_list("score", "n"))
    return Dashboard(
        by_status=by_status, total=sum(counts.values()), open_tasks=open_tasks.count(),
        due_soon=open_tasks.filter(due_at__gte=now, due_at__lte=now + DUE_SOON).count(),
        overdue=open_tasks.filter(lateness.overdue_q(now)).count(),
        on_time_rate=lateness.on_time_rate(timing["on_time"], timing["judged"]),
        finished_tasks=timing["n"],
        step_days=step_days, rating_count=rating_stats["n"],
        satisfaction_rate=(100.0 * rating_stats["happy"] / rating_stats["n"]) if rating_stats["n"] else None,
        rating_average=rating_stats["avg"],
        rating_histogram=[(score, histogram.get(score, 0)) for score in range(5, 0, -1)],
        resubmissions=resubmitted["n"], late_resubmissions=resubmitted["late"],
    )
