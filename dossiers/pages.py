"""Pages that only read: the accessibility statement (public) and a dossier's printable summary."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .views import _labelled, describe_nominees


@require_GET
def accessibility_statement(request):
    """Tuyên bố về khả năng tiếp cận: what conforms to WCAG 2.1 AA, what is known not to, how to report."""
    return render(request, "accessibility.html", {"contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL})


@login_required
@require_GET
def dossier_print(request, pk):
    """A dossier's summary on paper: agency header, nominees, documents, council result, history; no controls."""
    dossier = selectors.visible_dossier_or_404(request.user, pk)
    return_request = selectors.open_return_request(dossier)
    nominees = describe_nominees(dossier.nominees.select_related("person", "unit"))
    return render(request, "dossiers/print.html", {
        "dossier": dossier,
        "nominees": nominees,
        "checklist": selectors.checklist(dossier, return_request=return_request),
        "return_request": return_request,
        "general_reasons": selectors.general_reasons(return_request),
        "council": getattr(dossier, "council_meeting", None),
        "events": _labelled(selectors.timeline(dossier)[:200]),
    })
