"""Evaluation of nominees against the campaign's criteria, overrides, assessments, and the award
rules checked when a nominee is added (one achievement, one award; no pending discipline)."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, Q
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dossiers.errors import InvalidInput, InvalidState, NotPermitted
from dossiers.models import (
    CampaignTarget, Dossier, DossierStatus, EventKind, Nominee, NomineeKind, Unit,
)
from dossiers.rules import can_view_dossier
from dossiers.policy import Action, may, permitted, possible, require
from dossiers.services import lock_dossier, record_event
from dossiers.text import clean_line, clean_text

from .errors import CriteriaNotMet, DuplicateNominee, UnderDiscipline
from .models import (
    METRICS, Assessment, AssessorRole, Comparison, Criterion, CriteriaOverride, DisciplineRecord, Evaluation,
    EvaluationLine, MetricImport, NomineeWarning, ThresholdMode, UnitMetric,
)

HUNDRED = Decimal(100)
COUNTS = [slug for slug, (_label, percent) in METRICS.items() if not percent]


def compare(value: Decimal, comparison: str, threshold: Decimal) -> bool:
    """Exact Decimal comparison: 70.00 ≥ 70 passes, 69.99 fails."""
    return {
        Comparison.GTE: value >= threshold, Comparison.GT: value > threshold,
        Comparison.LTE: value <= threshold, Comparison.LT: value < threshold,
    }[comparison]


def fmt(value: Decimal | None) -> str:
    """Vietnamese number: 69,99 (two decimals, comma)."""
    if value is None:
        return "—"
    return f"{value.quantize(Decimal('0.01')):,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def latest_import(campaign) -> MetricImport | None:
    return MetricImport.objects.filter(campaign=campaign).order_by("-version").first()


def unit_figures(metric_import: MetricImport | None, unit: Unit) -> tuple[dict[str, Decimal], str]:
    """The unit's figures in one import, with their source. A merged unit's figures include those of
    the units it absorbed (counts summed, rates recomputed or weighted by dossiers received)."""
    if metric_import is None:
        return {}, ""
    lineage = unit.lineage_ids()
    rows = list(UnitMetric.objects.filter(metric_import=metric_import, unit_id__in=lineage).select_related("unit"))
    source_file = _("Số liệu nhập phiên bản %(v)s (%(file)s, %(at)s)") % {
        "v": metric_import.version, "file": metric_import.original_name,
        "at": date_format(metric_import.created_at, "d/m/Y")}
    by_unit: dict[int, dict[str, Decimal]] = {}
    row_of: dict[int, int] = {}
    for row in rows:
        by_unit.setdefault(row.unit_id, {})[row.metric] = row.value
        row_of[row.unit_id] = row.row_number
    if not by_unit:
        return {}, ""
    if len(by_unit) == 1:
        (unit_id, values), = by_unit.items()
        source = source_file + _(", dòng %(row)s") % {"row": row_of[unit_id]}
        if unit_id != unit.pk:
            source += _(" (đơn vị đã sáp nhập: %(name)s)") % {"name": Unit.objects.get(pk=unit_id).name}
        return values, source
    combined: dict[str, Decimal] = {}
    for count in COUNTS:
        if all(count in v for v in by_unit.values()):
            combined[count] = sum(v[count] for v in by_unit.values())
    from .metrics import DERIVED, RATE_PRECISION

    for slug, (_label, percent) in METRICS.items():
        if not percent:
            continue
        if slug in DERIVED and all(c in combined for c in DERIVED[slug]) and combined[DERIVED[slug][1]]:
            numerator, denominator = DERIVED[slug]
            combined[slug] = (combined[numerator] * HUNDRED / combined[denominator]).quantize(RATE_PRECISION)
            continue
        present = [(v[slug], v.get("received") or Decimal(0)) for v in by_unit.values() if slug in v]
        if not present:
            continue
        weight = sum(w for _v, w in present)
        if weight:
            combined[slug] = (sum(v * w for v, w in present) / weight).quantize(RATE_PRECISION)
        else:
            combined[slug] = (sum(v for v, _w in present) / len(present)).quantize(RATE_PRECISION)
    names = ", ".join(Unit.objects.filter(pk__in=by_unit).order_by("name").values_list("name", flat=True))
    return combined, source_file + _(" — cộng gộp các đơn vị: %(names)s") % {"names": names}


def threshold_for(criterion: Criterion, unit: Unit, figures: dict[str, Decimal], campaign) -> tuple:
    """(threshold, plan value, note)."""
    if criterion.mode == ThresholdMode.FIXED:
        return criterion.threshold, None, ""
    if criterion.mode == ThresholdMode.BY_LEVEL:
        target = CampaignTarget.objects.filter(campaign=campaign, level_id=unit.level_id,
                                               metric=criterion.metric).first()
        if target is None:
            return None, None, _("Đợt thi đua chưa có chỉ tiêu cho %(level)s.") % {"level": unit.level.name}
        return target.value, None, _("Chỉ tiêu %(level)s") % {"level": unit.level.name}
    if criterion.mode == ThresholdMode.PLAN_PLUS:
        plan = figures.get(criterion.plan_metric)
        if plan is None:
            return None, None, _("Chưa có số liệu kế hoạch giao.")
        return plan + criterion.threshold, plan, _("Kế hoạch giao %(plan)s%% + %(n)s điểm") % {
            "plan": fmt(plan), "n": fmt(criterion.threshold)}
    return None, None, ""


def criteria_for(nominee: Nominee) -> list[Criterion]:
    return list(Criterion.objects.filter(award_form_id=nominee.dossier.award_form_id, nominee_kind=nominee.kind)
                .order_by("order", "pk"))


def evaluate_nominee(nominee: Nominee, *, actor=None, metric_import: MetricImport | None = None,
                     criteria: list[Criterion] | None = None) -> Evaluation | None:
    """Check every criterion of the nominee's award form and kind; the figures are copied into the
    evaluation's lines so later imports never change it. None when no criterion applies."""
    criteria = criteria_for(nominee) if criteria is None else criteria
    if not criteria:
        return None
    lines, metric_import, _figures = build_lines(nominee, criteria, metric_import)
    evaluation = Evaluation.objects.create(nominee=nominee, metric_import=metric_import, created_by=actor,
                                           passed=not any(line.blocks for line in lines))
    for line in lines:
        line.evaluation = evaluation
    EvaluationLine.objects.bulk_create(lines)
    return evaluation


class LineSources:
    """What build_lines reads, read once for all the nominees of one dossier (a page showing every
    nominee's criteria): the campaign's newest import, each unit's figures, the newest assessments."""

    def __init__(self, dossier: Dossier, nominees: list[Nominee]):
        self.metric_import = latest_import(dossier.campaign)
        self._figures: dict[int, tuple] = {}
        self.assessments: dict[tuple[int, int], Assessment] = {}
        for assessment in (Assessment.objects.filter(nominee__in=nominees).select_related("actor")
                           .order_by("-created_at", "-pk")):
            self.assessments.setdefault((assessment.nominee_id, assessment.criterion_id), assessment)

    def figures(self, unit: Unit) -> tuple:
        if unit.pk not in self._figures:
            self._figures[unit.pk] = unit_figures(self.metric_import, unit)
        return self._figures[unit.pk]


def build_lines(nominee: Nominee, criteria: list[Criterion], metric_import: MetricImport | None = None, *,
                sources: LineSources | None = None):
    """Unsaved lines for the nominee (used by evaluations and by the auto-filled report)."""
    dossier = nominee.dossier
    campaign = dossier.campaign
    subject = nominee.unit if nominee.kind == NomineeKind.COLLECTIVE else dossier.unit
    if sources is not None:
        metric_import = sources.metric_import
        figures, source = sources.figures(subject)
    else:
        metric_import = metric_import or latest_import(campaign)
        figures, source = unit_figures(metric_import, subject)
    lines = []
    for criterion in criteria:
        line = EvaluationLine(criterion=criterion, criterion_name=criterion.name[:300], is_hard=criterion.is_hard,
                              is_judged=criterion.is_judged, comparison=criterion.comparison)
        if criterion.is_registration:
            from .registrations import registration_check

            line.passed, line.source, line.note = registration_check(nominee)
        elif criterion.is_judged:
            if sources is not None:
                assessment = sources.assessments.get((nominee.pk, criterion.pk))
            else:
                assessment = (Assessment.objects.filter(nominee=nominee, criterion=criterion)
                              .select_related("actor").order_by("-created_at", "-pk").first())
            if assessment is None:
                line.note = _("Chưa có đánh giá.")
            else:
                line.passed = assessment.passed
                line.source = (_("%(role)s (%(who)s, %(at)s)") % {
                    "role": assessment.get_role_display(),
                    "who": assessment.actor.get_full_name() or assessment.actor.get_username(),
                    "at": date_format(assessment.created_at, "d/m/Y")})[:500]
                line.note = assessment.comment[:500]
        else:
            line.value = figures.get(criterion.metric)
            line.threshold, line.plan_value, line.note = threshold_for(criterion, subject, figures, campaign)
            line.source = source[:500]
            if line.value is None:
                line.note = _("Không có số liệu “%(metric)s” của %(unit)s.") % {
                    "metric": METRICS[criterion.metric][0], "unit": subject.name}
            elif line.threshold is not None:
                line.passed = compare(line.value, criterion.comparison, line.threshold)
        lines.append(line)
    return lines, metric_import, figures


def current_evaluation(nominee: Nominee) -> Evaluation | None:
    return (Evaluation.objects.filter(nominee=nominee).prefetch_related("lines", "overrides")
            .order_by("-created_at", "-pk").first())


def may_reevaluate(actor, dossier: Dossier) -> bool:
    """The unit while it prepares the dossier; the appraiser during appraisal. Afterwards the
    evaluation the dossier was forwarded with (and its override) stays as it is."""
    if possible(dossier, Action.EDIT):
        return permitted(actor, dossier, Action.EDIT)
    return may(actor, dossier, Action.JUDGE_CRITERIA)


@transaction.atomic
def dossier_evaluate(*, dossier: Dossier, actor) -> list[Evaluation]:
    """Evaluate every nominee of the dossier against the newest imported figures (a new frozen snapshot)."""
    dossier = lock_dossier(dossier, seen_status=None)
    if not may_reevaluate(actor, dossier):
        if not can_view_dossier(actor, dossier) or possible(dossier, Action.EDIT) \
                or possible(dossier, Action.JUDGE_CRITERIA):
            raise NotPermitted()
        raise InvalidState(_("Kết quả đối chiếu được chốt khi hồ sơ rời bước thẩm định; không đối chiếu lại được."))
    metric_import = latest_import(dossier.campaign)
    evaluations = [e for n in dossier.nominees.select_related("unit", "person", "dossier__campaign")
                   if (e := evaluate_nominee(n, actor=actor, metric_import=metric_import))]
    if evaluations:
        record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE,
                     comment=_("Đối chiếu tiêu chí: %(ok)s/%(n)s đạt") % {
                         "ok": sum(e.passed for e in evaluations), "n": len(evaluations)},
                     data={"evaluations": [e.pk for e in evaluations],
                           "metric_import": metric_import.pk if metric_import else None})
    return evaluations


def describe_failure(line: EvaluationLine) -> str:
    if line.is_judged:
        return _("%(name)s: chưa đạt theo đánh giá") % {"name": line.criterion_name} if line.passed is False else \
            _("%(name)s: chưa có đánh giá") % {"name": line.criterion_name}
    if line.value is None or line.threshold is None:
        return _("%(name)s: %(note)s") % {"name": line.criterion_name, "note": line.note or _("không có số liệu")}
    return _("%(name)s: %(value)s%% so với yêu cầu %(cmp)s %(threshold)s%%") % {
        "name": line.criterion_name, "value": fmt(line.value), "cmp": line.get_comparison_display(),
        "threshold": fmt(line.threshold)}


def hard_criteria(award_form_id) -> Exists:
    """Whether the award form (its id, or a reference to one) has a hard criterion: an expression, read
    by the path move's locking statement (workflows.services.lock_for_move)."""
    return Exists(Criterion.objects.filter(award_form_id=award_form_id, is_hard=True))


def require_criteria_met(*, dossier: Dossier, actor, any_hard: bool | None = None) -> None:
    """Called by workflows.services.dossier_approve_step at the appraisal step, inside its transaction:
    a nominee failing a hard criterion blocks forwarding unless its evaluation carries an override.
    `any_hard`: whether the form has hard criteria, when the caller read it already (`hard_criteria`)."""
    if not possible(dossier, Action.JUDGE_CRITERIA):
        return
    if any_hard is None:
        any_hard = Criterion.objects.filter(award_form_id=dossier.award_form_id, is_hard=True).exists()
    if not any_hard:
        return  # nothing more on the hot path when a form has no hard criteria
    problems = []
    for nominee in dossier.nominees.select_related("unit", "person", "dossier__campaign"):
        evaluation = current_evaluation(nominee) or evaluate_nominee(nominee, actor=actor)
        if evaluation is None or evaluation.passed or evaluation.overrides.exists():
            continue
        failures = "; ".join(describe_failure(line) for line in evaluation.lines.all() if line.blocks)
        problems.append(f"{nominee.name} — {failures}.")
    if problems:
        raise CriteriaNotMet(problems)


@transaction.atomic
def criteria_override(*, dossier: Dossier, nominee: Nominee, actor, reason: str) -> CriteriaOverride:
    """The appraiser records why a nominee that fails a hard criterion is forwarded anyway."""
    dossier = lock_dossier(dossier, seen_status=None)
    if nominee.dossier_id != dossier.pk:
        raise NotPermitted()
    require(actor, dossier, Action.JUDGE_CRITERIA,
            not_now=_("Chỉ ghi ý kiến vượt quyền khi hồ sơ đang được thẩm định."))
    reason = clean_line(reason)
    if len(reason) < 10:
        raise InvalidInput(_("Hãy ghi rõ lý do vượt quyền (ít nhất 10 ký tự)."))
    evaluation = current_evaluation(nominee) or evaluate_nominee(nominee, actor=actor)
    if evaluation is None or evaluation.passed:
        raise InvalidState(_("%(name)s đạt các tiêu chí bắt buộc: không cần vượt quyền.") % {"name": nominee.name})
    failed = [describe_failure(line) for line in evaluation.lines.all() if line.blocks]
    override = CriteriaOverride.objects.create(evaluation=evaluation, actor=actor, reason=reason)
    record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE,
                 comment=_("Vượt quyền tiêu chí cho %(name)s: %(reason)s") % {"name": nominee.name, "reason": reason},
                 data={"criteria_override": override.pk, "nominee": nominee.pk, "evaluation": evaluation.pk,
                       "failed": failed})
    return override


@transaction.atomic
def criterion_assess(*, nominee: Nominee, criterion: Criterion, actor, passed: bool, comment: str) -> Assessment:
    """Record the council's (while the unit prepares) or the appraiser's (during appraisal) judgement
    of a criterion that a person must judge, with a comment."""
    dossier = lock_dossier(nominee.dossier_id, seen_status=None)
    if not criterion.is_judged or criterion.award_form_id != dossier.award_form_id \
            or criterion.nominee_kind != nominee.kind:
        raise InvalidInput(_("Tiêu chí này không được đánh giá theo ý kiến cho đối tượng này."))
    if may(actor, dossier, Action.EDIT):
        role = AssessorRole.COUNCIL
    elif may(actor, dossier, Action.JUDGE_CRITERIA):
        role = AssessorRole.APPRAISER
    else:
        raise NotPermitted()
    comment = clean_text(comment)
    if not comment:
        raise InvalidInput(_("Hãy ghi nhận xét cho đánh giá."))
    assessment = Assessment.objects.create(nominee=nominee, criterion=criterion, role=role, actor=actor,
                                           passed=passed, comment=comment)
    record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE,
                 comment=_("%(role)s đánh giá “%(criterion)s” của %(name)s: %(verdict)s") % {
                     "role": assessment.get_role_display(), "criterion": criterion.name, "name": nominee.name,
                     "verdict": _("đạt") if passed else _("không đạt")},
                 data={"assessment": assessment.pk, "nominee": nominee.pk, "criterion": criterion.pk})
    return assessment


# --- award rules, checked when a nominee is added ------------------------------------------------
def related_unit_ids(unit: Unit) -> set[int]:
    """The unit, every unit merged into it, and every unit it was merged into (same history)."""
    ids = set(unit.lineage_ids())
    current = unit
    while current.successor_id and current.successor_id not in ids:
        ids.add(current.successor_id)
        current = current.successor
    return ids


def nominee_checks(*, dossier: Dossier, nominee: Nominee, actor=None) -> list[NomineeWarning]:
    """Called by dossiers.services.nominee_add inside its transaction, after the nominee row exists.
    Refuses (rolling the addition back) a nominee under a pending discipline record or already
    proposed in this campaign; records a warning when the same achievement was proposed in another
    campaign whose competition period overlaps this one. Warnings are also set on
    `nominee.award_warnings`. Another unit's dossier is named only to those who may see it."""
    campaign = dossier.campaign
    if nominee.kind == NomineeKind.COLLECTIVE:
        ids = related_unit_ids(nominee.unit)
        subject = Q(unit_id__in=ids)
        discipline = DisciplineRecord.objects.filter(unit_id__in=ids, closed_on__isnull=True)
    else:
        subject = Q(person_id=nominee.person_id)
        discipline = DisciplineRecord.objects.filter(person_id=nominee.person_id, closed_on__isnull=True)
    record = discipline.first()
    if record is not None:
        # The record's content is personal data: it is not repeated to the proposing unit.
        raise UnderDiscipline(_("%(name)s đang trong thời gian xem xét hoặc thi hành kỷ luật: chưa được đề nghị "
                                "khen thưởng. Liên hệ cơ quan thi đua - khen thưởng để biết thêm.")
                              % {"name": nominee.name})
    others = (Nominee.objects.filter(subject).exclude(dossier=dossier)
              .exclude(dossier__status=DossierStatus.WITHDRAWN).select_related("dossier__campaign", "dossier__unit"))
    same = others.filter(dossier__campaign=campaign).first()
    if same is not None and actor is not None and not can_view_dossier(actor, same.dossier):
        raise DuplicateNominee(_("%(name)s đã được một đơn vị khác đề nghị trong đợt thi đua này: một thành tích "
                                 "chỉ được đề nghị một lần.") % {"name": nominee.name})
    if same is not None:
        raise DuplicateNominee(_("%(name)s đã được đề nghị trong hồ sơ số %(pk)s (%(unit)s) của đợt thi đua này: "
                                 "một thành tích chỉ được đề nghị một lần.") % {
            "name": nominee.name, "pk": same.dossier_id, "unit": same.dossier.unit.name})
    warnings = []
    overlapping = others.filter(dossier__campaign__period_start__lte=campaign.period_end,
                                dossier__campaign__period_end__gte=campaign.period_start)
    for other in overlapping:
        message = _("%(name)s đã được đề nghị cho cùng thời kỳ thành tích ở đợt “%(campaign)s”, hồ sơ số %(pk)s. "
                    "Kiểm tra để tránh khen thưởng hai lần cho một thành tích.") % {
            "name": nominee.name, "campaign": other.dossier.campaign.plan_number, "pk": other.dossier_id}
        warnings.append(NomineeWarning.objects.create(nominee=nominee, other_dossier=other.dossier,
                                                      message=message[:500]))
    nominee.award_warnings = warnings
    return warnings
