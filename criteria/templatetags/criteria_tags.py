from django import template

from dossiers.models import Dossier
from dossiers.policy import Action, may

from ..services import build_lines, criteria_for, current_evaluation, fmt

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_evaluations(context, dossier: Dossier):
    """[{nominee, evaluation (stored) or None, lines, preview, warnings, override}] for a dossier."""
    user = getattr(context.get("request"), "user", None) or context.get("user")
    rows = []
    for nominee in dossier.nominees.select_related("unit__level", "person", "dossier__campaign", "dossier__unit"):
        criteria = criteria_for(nominee)
        if not criteria:
            continue
        evaluation = current_evaluation(nominee)
        if evaluation is not None:
            lines, preview = list(evaluation.lines.all()), False
        else:
            lines, _import, _f = build_lines(nominee, criteria)
            preview = True
        rows.append({
            "nominee": nominee, "evaluation": evaluation, "lines": lines, "preview": preview,
            "blocking": [line for line in lines if line.blocks],
            # "Đạt" overall only when every criterion is judged: an undetermined one says so
            "undetermined": [line for line in lines if line.passed is None],
            "override": evaluation.override if evaluation else None,
            "warnings": list(nominee.warnings.select_related("other_dossier__campaign")),
        })
    can_override = bool(user and may(user, dossier, Action.JUDGE_CRITERIA))
    return {"rows": rows, "can_override": can_override}


@register.filter
def vn_number(value):
    return fmt(value)


@register.filter
def get_item(mapping, key):
    return mapping.get(key, []) if mapping else []
