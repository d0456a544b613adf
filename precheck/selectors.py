"""What the pages show about each document's pre-check: one query for the checks and one for the
jobs still queued, for all of a dossier's documents at once.

The state is read from the facts, never assumed: "pending" only while an undelivered outbox job for
the document exists; "failed" when the last attempt was recorded as failed and nothing is queued;
"unchecked" when neither (e.g. a file uploaded before the assistant existed)."""

from dataclasses import dataclass, field

from django.urls import reverse

from dossiers.services.documents import PRECHECK_KIND
from outbox.models import OutboxMessage

from .messages import check_label, message
from .models import CheckStatus, DocumentCheck


@dataclass
class ShownFinding:
    check: str
    label: str
    level: str
    text: str
    page: int | None
    url: str


@dataclass
class DocumentState:
    document_id: int
    state: str                     # pending | done | failed | unchecked | unsupported
    check: DocumentCheck | None = None
    warnings: list[ShownFinding] = field(default_factory=list)
    notes: list[ShownFinding] = field(default_factory=list)
    retrying: bool = False         # pending again after a failed attempt

    @property
    def ocr_pages(self) -> int:
        return self.check.ocr_pages if self.check else 0


def _label(document) -> str:
    name = document.document_type.name
    return f"{name} — {document.nominee.name}" if document.nominee_id else name


def states_for(documents) -> dict[int, DocumentState]:
    documents = [d for d in documents if d is not None]
    if not documents:
        return {}
    pks = [d.pk for d in documents]
    checks = {c.document_id: c for c in DocumentCheck.objects.filter(document_id__in=pks).defer("pages")}
    pending = set(OutboxMessage.objects.filter(kind=PRECHECK_KIND, delivered_at__isnull=True,
                                               dedupe_key__in=[str(pk) for pk in pks])
                  .values_list("dedupe_key", flat=True))
    out = {}
    for document in documents:
        check = checks.get(document.pk)
        if not (document.content_type == "application/pdf" and document.inspected):
            out[document.pk] = DocumentState(document.pk, "unsupported")
            continue
        if str(document.pk) in pending:
            out[document.pk] = DocumentState(document.pk, "pending", check,
                                             retrying=bool(check and check.error))
            continue
        if check is None or check.status == CheckStatus.QUEUED:
            out[document.pk] = DocumentState(document.pk, "unchecked", check)
            continue
        if check.status == CheckStatus.FAILED:
            out[document.pk] = DocumentState(document.pk, "failed", check)
            continue
        state = DocumentState(document.pk, "done", check)
        label = _label(document)
        base = reverse("dossiers:document", args=[document.pk])
        for f in check.findings:
            page = f.get("page")
            shown = ShownFinding(check=f.get("check", ""), label=check_label(f.get("check", "")),
                                 level=f.get("level", "warning"), text=message(f, label), page=page,
                                 url=f"{base}#page={page}" if page else base)
            (state.warnings if shown.level == "warning" else state.notes).append(shown)
        out[document.pk] = state
    return out
