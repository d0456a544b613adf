"""`{% load precheck %}`: the pre-check findings beside a document (`precheck_panel`) and the list of
a dossier's warnings before submission (`precheck_summary`). The dossier's documents are looked up
once per request, whatever the number of rows (three queries)."""

from django import template

from dossiers.models import Document

from ..selectors import states_for

register = template.Library()


def _states(context, dossier_id: int) -> tuple[list, dict]:
    request = context.get("request")
    cache = getattr(request, "_precheck_states", None) if request is not None else None
    if cache is None:
        cache = {}
        if request is not None:
            request._precheck_states = cache
    if dossier_id not in cache:
        documents = list(Document.objects.filter(dossier_id=dossier_id, is_current=True)
                         .select_related("document_type", "nominee__person", "nominee__unit"))
        cache[dossier_id] = (documents, states_for(documents))
    return cache[dossier_id]


@register.inclusion_tag("precheck/_panel.html", takes_context=True)
def precheck_panel(context, document, compact=False):
    state = None
    if document is not None:
        _documents, states = _states(context, document.dossier_id)
        state = states.get(document.pk)
    return {"state": state, "document": document, "csrf_token": context.get("csrf_token"),
            "request": context.get("request"), "compact": compact}


@register.inclusion_tag("precheck/_summary.html", takes_context=True)
def precheck_summary(context, dossier):
    documents, states = _states(context, dossier.pk)
    rows = []
    pending = failed = 0
    for document in documents:
        state = states.get(document.pk)
        if state is None:
            continue
        pending += state.state == "pending"
        failed += state.state == "failed"
        for shown in state.warnings:
            rows.append(shown)
    return {"warnings": rows, "pending": pending, "failed": failed, "dossier": dossier,
            "checked": sum(1 for s in states.values() if s.state == "done")}
