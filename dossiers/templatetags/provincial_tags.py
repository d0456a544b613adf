"""How long a dossier has waited for the central decision, for the lists (inbox, the unit's dossiers)."""

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def days_since(moment) -> int | str:
    """Whole local days from `moment` to today ("" without a moment)."""
    if not moment:
        return ""
    return max(0, (timezone.localdate() - timezone.localdate(moment)).days)


@register.filter
def central_wait_days(dossier) -> int | str:
    """Days since the tờ trình upward was signed, while the dossier waits for the central decision
    ("" otherwise). Asked only of such dossiers: one query for each of them, none for the others."""
    kind = dossier.current_kind
    if not (kind and kind.records_central_decision):
        return ""
    from ..models import UpwardProposal

    created = UpwardProposal.objects.filter(dossier=dossier).values_list("created_at", flat=True).first()
    return days_since(created)
