"""Reads for the campaign reports: dossiers and nominees by status and level, timeliness per step,
processing days per step and per acting unit, pass rates per criterion, awards per form."""

import datetime as dt
from collections import Counter

from django.db.models import Avg, Count, DurationField, Exists, ExpressionWrapper, F, Min, OuterRef, Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import (
    REVISION, Dossier, DossierStatus, Nominee, NomineeKind, Outcome, Step, UnitLevel, step_label,
)
from dossiers import lateness

from .models import CriteriaOverride, Evaluation, EvaluationLine, MetricImport


def campaign_dossiers(campaign, user=None):
    """The campaign's dossiers a report covers: those `user` may see (the one visibility queryset),
    or all of them when no user is given (commands, the demo loader)."""
    from dossiers.selectors import visible_dossiers

    base = Dossier.objects.all() if user is None else visible_dossiers(user)
    return base.filter(campaign=campaign)


def latest_evaluations(campaign, user=None) -> dict[int, Evaluation]:
    """nominee pk → its newest evaluation, for the campaign's live dossiers."""
    latest: dict[int, Evaluation] = {}
    evaluations = (Evaluation.objects.filter(nominee__dossier__in=campaign_dossiers(campaign, user))
                   .exclude(nominee__dossier__status=DossierStatus.WITHDRAWN)
                   .select_related("nominee").prefetch_related("lines__criterion", "overrides")
                   .order_by("nominee_id", "-created_at", "-pk"))
    for evaluation in evaluations:
        latest.setdefault(evaluation.nominee_id, evaluation)
    return latest


def _live_nominees(campaign, user=None):
    """The campaign's nominees the report covers (withdrawn dossiers left out)."""
    return Nominee.objects.filter(dossier__in=campaign_dossiers(campaign, user)).exclude(
        dossier__status=DossierStatus.WITHDRAWN)


def _is_newest(prefix: str = "") -> Q:
    """An evaluation that is its nominee's newest (as `latest_evaluations`: by created_at, then pk):
    no other evaluation of the nominee comes after it."""
    ref = (lambda name: OuterRef(f"{prefix}{name}"))
    later = Evaluation.objects.filter(nominee=ref("nominee_id")).filter(
        Q(created_at__gt=ref("created_at")) | Q(created_at=ref("created_at"), pk__gt=ref("pk")))
    return ~Q(Exists(later))


def evaluation_summary(campaign, user=None) -> dict:
    """Collectives: how many pass, fail without override, fail with an override, not yet evaluated
    (two queries: the collectives, and one aggregate over their newest evaluations; the counts that
    are 0 are left out, as before)."""
    collectives = _live_nominees(campaign, user).filter(kind=NomineeKind.COLLECTIVE)
    figures = Evaluation.objects.filter(_is_newest(), nominee__in=collectives).aggregate(
        n_evaluated=Count("pk", distinct=True), n_passed=Count("pk", distinct=True, filter=Q(passed=True)),
        n_overridden=Count("pk", distinct=True, filter=Q(passed=False, overrides__isnull=False)),
        n_failed=Count("pk", distinct=True, filter=Q(passed=False, overrides__isnull=True)))
    counts = {key.removeprefix("n_"): n for key, n in figures.items()}   # n_: not to shadow the passed field
    counts["total"] = collectives.count()
    counts["pending"] = counts["total"] - counts.pop("evaluated")
    summary = {key: n for key, n in counts.items() if n and key != "total"}
    summary["total"] = counts["total"]
    return summary


def criterion_pass_rates(campaign, user=None) -> list[dict]:
    """Per criterion (by name) over the newest evaluation of each nominee: passed, failed, no data;
    one grouped query. Ordered by the criterion's order, then by its first line."""
    rows = (EvaluationLine.objects.filter(_is_newest("evaluation__"), evaluation__nominee__in=_live_nominees(campaign, user))
            .values("criterion_name")
            .annotate(n_passed=Count("pk", filter=Q(passed=True)), n_failed=Count("pk", filter=Q(passed=False)),
                      n_unknown=Count("pk", filter=Q(passed__isnull=True)), first=Min("pk"),
                      order=Min(Coalesce("criterion__order", Value(99))))
            .order_by("order", "first"))
    result = []
    for row in rows:
        total = row["n_passed"] + row["n_failed"] + row["n_unknown"]
        result.append({"name": row["criterion_name"], "passed": row["n_passed"], "failed": row["n_failed"],
                       "unknown": row["n_unknown"], "total": total,
                       "rate": round(100 * row["n_passed"] / total, 1) if total else None})
    return result


def by_status_and_level(campaign, user=None) -> dict:
    levels = list(UnitLevel.objects.order_by("rank"))
    dossier_counts = Counter()
    for row in campaign_dossiers(campaign, user).values("status", "unit__level_id").annotate(n=Count("pk")):
        dossier_counts[(row["status"], row["unit__level_id"])] += row["n"]
    nominee_counts = Counter()
    for row in (Nominee.objects.filter(dossier__in=campaign_dossiers(campaign, user))
                .values("dossier__status", "dossier__unit__level_id", "kind").annotate(n=Count("pk"))):
        nominee_counts[(row["dossier__status"], row["dossier__unit__level_id"], row["kind"])] += row["n"]
    rows = []
    for status in DossierStatus:
        dossiers = [dossier_counts[(status.value, level.pk)] for level in levels]
        collectives = sum(nominee_counts[(status.value, level.pk, NomineeKind.COLLECTIVE)] for level in levels)
        individuals = sum(nominee_counts[(status.value, level.pk, NomineeKind.INDIVIDUAL)] for level in levels)
        if sum(dossiers) or collectives or individuals:
            rows.append({"status": status.label, "code": status.value, "by_level": dossiers, "total": sum(dossiers),
                         "collectives": collectives, "individuals": individuals})
    return {"levels": levels, "rows": rows}


def _days(value) -> float | None:
    """A duration from the database (timedelta, or microseconds on some backends) in days."""
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    return float(value) / 1_000_000 / 86400


def step_timeliness(campaign, user=None, *, now=None) -> dict:
    """Per step and per acting unit: tasks judged, on time (dossiers.lateness: finished by the due
    date; open tasks already past due count as late), average processing days (calendar days,
    created → finished). Two grouped queries: one row per step, one per acting unit, whatever the
    number of tasks (issue 11)."""
    now = now or timezone.now()
    tasks = (lateness.task_rows().filter(dossier__in=campaign_dossiers(campaign, user), flow_task_type="HUMAN")
             .exclude(step=""))
    finished = Q(finished__isnull=False)
    duration = ExpressionWrapper(F("finished") - F("created"), output_field=DurationField())
    figures = {"judged": Count("pk", filter=lateness.judged_q(now)), "on_time": Count("pk", filter=lateness.on_time_q()),
               "open": Count("pk", filter=~finished), "done": Count("pk", filter=finished),
               "average": Avg(duration, filter=finished)}

    def entry(row, label):
        rate = lateness.on_time_rate(row["on_time"], row["judged"])
        average = _days(row["average"])
        return {"label": label, "judged": row["judged"], "on_time": row["on_time"], "open": row["open"],
                "rate": round(rate, 1) if rate is not None else None,
                "avg_days": round(average, 4) if average is not None else None, "done": row["done"]}

    per_step = {row["step"]: row for row in tasks.values("step").annotate(**figures).order_by()}
    order = [s.value for s in Step] + [REVISION]
    steps = [{**entry(per_step[key], None), "label": str(step_label(key)), "code": key}
             for key in order if key in per_step]
    units = sorted((entry(row, row["unit__name"]) for row in
                    tasks.values("unit_id", "unit__name").annotate(**figures).order_by() if row["unit__name"]),
                   key=lambda e: (-(e["avg_days"] or 0), e["label"]))
    return {"steps": steps, "units": units}


def awards_per_form(campaign, user=None) -> list[dict]:
    rows = (Nominee.objects.filter(dossier__in=campaign_dossiers(campaign, user), outcome=Outcome.AWARDED)
            .values("dossier__award_form__name", "kind").annotate(n=Count("pk")))
    forms: dict[str, dict] = {}
    for row in rows:
        entry = forms.setdefault(row["dossier__award_form__name"], {"name": row["dossier__award_form__name"],
                                                                  "collectives": 0, "individuals": 0})
        entry["collectives" if row["kind"] == NomineeKind.COLLECTIVE else "individuals"] += row["n"]
    for form in campaign.award_forms.all():
        forms.setdefault(form.name, {"name": form.name, "collectives": 0, "individuals": 0})
    return [dict(v, total=v["collectives"] + v["individuals"]) for v in forms.values()]


def campaign_report(campaign, user=None) -> dict:
    return {
        "campaign": campaign,
        "status": by_status_and_level(campaign, user),
        "timeliness": step_timeliness(campaign, user),
        "criteria": criterion_pass_rates(campaign, user),
        "evaluation": evaluation_summary(campaign, user),
        "awards": awards_per_form(campaign, user),
        "imports": list(MetricImport.objects.filter(campaign=campaign).order_by("-version")[:5]),
    }


def evaluation_rows(campaign, user=None) -> list[dict]:
    """Every nominee of the campaign with its newest evaluation (for the Excel export)."""
    latest = latest_evaluations(campaign, user)
    rows = []
    for nominee in (Nominee.objects.filter(dossier__in=campaign_dossiers(campaign, user)).exclude(dossier__status=DossierStatus.WITHDRAWN)
                    .select_related("dossier__unit__level", "unit", "person").order_by("dossier__unit__name", "pk")):
        evaluation = latest.get(nominee.pk)
        for line in (evaluation.lines.all() if evaluation else [None]):
            rows.append({"dossier": nominee.dossier_id, "unit": nominee.dossier.unit.name,
                         "level": nominee.dossier.unit.level.name, "kind": nominee.get_kind_display(),
                         "name": nominee.name, "status": nominee.dossier.get_status_display(),
                         "criterion": line.criterion_name if line else "",
                         "value": line.value if line else None, "threshold": line.threshold if line else None,
                         "passed": ("" if line is None or line.passed is None else
                                    (_("Đạt") if line.passed else _("Không đạt"))),
                         "source": (line.source if line else ""),
                         "override": evaluation.override.reason if evaluation and evaluation.override else "",
                         "version": evaluation.metric_import.version if evaluation and evaluation.metric_import
                         else None})
    return rows

