"""Reads for the work pages: a user's inbox and the dashboard's statistics. Due soon and overdue are
computed from `DossierTask.due_at` and now; nothing here is stored."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from dossiers import lateness
from dossiers import selectors as dossier_selectors
from dossiers.models import (
    AwardForm, Campaign, Dossier, DossierStatus, Role, Step, Unit, step_label,
    steps_where,
)

from dossiers.text import clean_line
from dossiers.rules import acting_pairs, reach_position

from .flows import ACTIVE
from . import figures
from .models import REVISION, DashboardFigure, DossierTask

DUE_SOON = figures.DUE_SOON


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


def inbox_summary(user, *, now=None) -> dict:
    """True counts of the user's open tasks, whatever a page shows of them: total, overdue, due
    within DUE_SOON (one query)."""
    now = now or timezone.now()
    return inbox(user, now=now).order_by().aggregate(
        total=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now)),
        due_soon=Count("pk", filter=Q(due_at__gte=now, due_at__lte=now + DUE_SOON)))


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
    refreshed_at: dt.datetime | None = None  # when the figures were computed (None: never yet)


def visible_figures(user):
    """The dashboard's summary rows of the dossiers `user` may see: the one visibility condition
    (dossiers.selectors.visibility_q) over the rows' key, the history read from the stored furthest
    step instead of the event log."""
    condition = dossier_selectors.visibility_q(
        user, submitted=Q(submitted=True), reached=lambda step: Q(reached__gte=reach_position(step)))
    return DashboardFigure.objects.filter(condition)


def dashboard(user, *, campaign: Campaign | None = None) -> Dashboard:
    """The dashboard from the summary (workflows.figures, refreshed by a periodic job): two grouped
    reads of the summary rows, whatever the number of dossiers and tasks behind them."""
    stamp = figures.last_refresh()
    rows = visible_figures(user)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    dossier_sums = ["dossiers", "resubmissions", "late_resubmissions", "ratings", "rating_sum", "happy",
                    *[f"score_{score}" for score in figures.SCORES]]
    per_status = {row["status"]: row for row in rows.filter(step="").values("status").order_by()
                  .annotate(**{name: Sum(name) for name in dossier_sums})}
    task_sums = ["open_tasks", "due_soon", "overdue", "finished", "finished_seconds", "finished_with_due", "on_time",
                 "judged"]
    per_step = {row["step"]: row for row in rows.exclude(step="").values("step").order_by()
                .annotate(**{name: Sum(name) for name in task_sums})}

    def total(table, name):
        return sum(row[name] or 0 for row in table.values())

    counts = {status: row["dossiers"] or 0 for status, row in per_status.items()}
    by_status = [(value, label, counts.get(value, 0)) for value, label in DossierStatus.choices]
    step_days = [(step_label(step), per_step[step]["finished_seconds"] / per_step[step]["finished"] / 86400,
                  per_step[step]["finished"])
                 for step in [s.value for s in Step] + [REVISION] if step in per_step and per_step[step]["finished"]]
    ratings = total(per_status, "ratings")
    return Dashboard(
        by_status=by_status, total=sum(counts.values()), open_tasks=total(per_step, "open_tasks"),
        due_soon=total(per_step, "due_soon"), overdue=total(per_step, "overdue"),
        on_time_rate=lateness.on_time_rate(total(per_step, "on_time"), total(per_step, "judged")),
        finished_tasks=total(per_step, "finished_with_due"),
        step_days=step_days, rating_count=ratings,
        satisfaction_rate=(100.0 * total(per_status, "happy") / ratings) if ratings else None,
        rating_average=(total(per_status, "rating_sum") / ratings) if ratings else None,
        rating_histogram=[(score, total(per_status, f"score_{score}")) for score in range(5, 0, -1)],
        resubmissions=total(per_status, "resubmissions"), late_resubmissions=total(per_status, "late_resubmissions"),
        refreshed_at=stamp.refreshed_at if stamp else None,
    )


def current_campaign():
    """The dashboard's default: the campaign whose submission window opened last (one that has not
    opened yet only when none has)."""
    today = timezone.localdate()
    return (Campaign.objects.filter(window_opens__lte=today).order_by("-window_opens", "-pk").first()
            or Campaign.objects.order_by("window_opens", "pk").first())
