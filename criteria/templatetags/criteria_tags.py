from collections import defaultdict

from django import template
from django.db.models import Prefetch

from dossiers.models import Dossier
from dossiers.policy import Action, may

from ..models import Criterion, Evaluation, NomineeWarning
from ..services import LineSources, build_lines, fmt

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_evaluations(context, dossier: Dossier):
    """[{nominee, evaluation (stored) or None, lines, preview, warnings, override}] for a dossier.
    The criteria, the newest evaluations (with lines and overrides) and the warnings are read once for
    all nominees; only a nominee never evaluated is previewed on its own (build_lines)."""
    user = getattr(context.get("request"), "user", None) or context.get("user")
    criteria_by_kind = defaultdict(list)
    for criterion in Criterion.objects.filter(award_form_id=dossier.award_form_id).order_by("order", "pk"):
        criteria_by_kind[criterion.nominee_kind].append(criterion)
    rows = []
    nominees = []
    if criteria_by_kind:
        nominees = list(dossier.nominees.select_related("unit__level", "person", "dossier__campaign", "dossier__unit")
                        .prefetch_related(Prefetch("warnings", queryset=NomineeWarning.objects.select_related(
                            "other_dossier__campaign"))))
    latest: dict[int, Evaluation] = {}
    if nominees:
        for evaluation in (Evaluation.objects.filter(nominee__in=nominees).prefetch_related("lines", "overrides")
                           .order_by("nominee_id", "-created_at", "-pk")):
            latest.setdefault(evaluation.nominee_id, evaluation)
    sources = LineSources(dossier, nominees) if len(latest) < len(nominees) else None
    for nominee in nominees:
        criteria = criteria_by_kind.get(nominee.kind)
        if not criteria:
            continue
        evaluation = latest.get(nominee.pk)
        if evaluation is not None:
            lines, preview = list(evaluation.lines.all()), False
        else:
            lines, _import, _f = build_lines(nominee, criteria, sources=sources)
            preview = True
        rows.append({
            "nominee": nominee, "evaluation": evaluation, "lines": lines, "preview": preview,
            "blocking": [line for line in lines if line.blocks],
            # "Đạt" overall only when every criterion is judged: an undetermined one says so
            "undetermined": [line for line in lines if line.passed is None],
            "override": evaluation.override if evaluation else None,
            "warnings": list(nominee.warnings.all()),
        })
    can_override = bool(user and may(user, dossier, Action.JUDGE_CRITERIA))
    return {"rows": rows, "can_override": can_override}


@register.filter
def vn_number(value):
    return fmt(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, []) if mapping else []
