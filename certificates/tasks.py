"""Background work: render a decision's PDFs. `render_decision` is a plain function; the outbox handler
`schedule_render` (an outbox message written with the decision) queues it as a Huey job, or runs it
in-process when CERTIFICATES_RENDER_INLINE."""

import datetime as dt
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils import timezone
from huey.contrib.djhuey import db_task

from outbox import handler

from . import rendering, signing
from .models import Decision, RenderStatus
from .services import RENDER_KIND

log = logging.getLogger("khenthuong.certificates")
STALE_AFTER = dt.timedelta(minutes=30)


@db_task(retries=1, retry_delay=60)
def render_decision_job(decision_id: int, force: bool = False) -> None:
    """The queued form of render_decision (a Huey consumer runs it; idempotent, so a retry is safe)."""
    render_decision(decision_id, force=force)


@handler(RENDER_KIND)
def render_message(payload: dict) -> None:
    schedule_render(payload["decision"], force=bool(payload.get("force")))


def schedule_render(decision_id: int, *, force: bool = False) -> None:
    """The outbox handler: queue the rendering for a consumer (render_status stays "pending" until one
    takes it; a queue that is down raises, and the outbox retries), or render in this process when
    CERTIFICATES_RENDER_INLINE is set."""
    if not settings.CERTIFICATES_RENDER_INLINE:
        if force:
            Decision.objects.filter(pk=decision_id).exclude(render_status=RenderStatus.RUNNING).update(
                render_status=RenderStatus.PENDING, render_done=0)
        render_decision_job(decision_id, force)
        return
    try:
        render_decision(decision_id, force=force)
    except Exception:  # recorded on the decision (render_status=failed); the commit already happened
        log.exception("rendering decision %s failed", decision_id)


def _claim(decision_id: int, force: bool) -> bool:
    """Mark the decision as being rendered, unless it is done (and not forced) or another worker holds it."""
    now = timezone.now()
    query = Decision.objects.filter(pk=decision_id).filter(
        ~Q(render_status=RenderStatus.RUNNING) | Q(render_started_at__lt=now - STALE_AFTER))
    if not force:
        query = query.exclude(render_status=RenderStatus.DONE)
    return bool(query.update(render_status=RenderStatus.RUNNING, render_started_at=now, render_done=0,
                             render_error=""))


def _store(field_file, name: str, data: bytes) -> None:
    if field_file.name:
        default_storage.delete(field_file.name)
    default_storage.delete(name)
    field_file.name = default_storage.save(name, ContentFile(data))


def render_decision(decision_id: int, *, force: bool = False, workers: int | None = None) -> Decision:
    """Render and sign the decision PDF and the batch of certificates. Idempotent: a decision already
    rendered is left alone (unless `force`), one being rendered by another worker too. Register numbers
    were given when the decision was issued; a failure here leaves them untouched."""
    if not _claim(decision_id, force):
        return Decision.objects.get(pk=decision_id)
    decision = Decision.objects.select_related("award_form__campaign", "issuing_unit__parent").get(pk=decision_id)
    try:
        location = decision.place

        def progress(done: int) -> None:
            Decision.objects.filter(pk=decision.pk).update(render_done=done)

        batch = rendering.certificates_pdf(decision, workers=workers, progress=progress)
        batch = signing.sign_pdf(batch, reason=f"Bằng khen theo Quyết định số {decision.number}", location=location)
        _store(decision.certificates_pdf, f"certificates/{decision.pk}/bang-khen-{decision.pk}.pdf", batch)
        del batch
        # After the batch: its worker processes are gone, so the two peaks of memory do not add up.
        document = signing.sign_pdf(rendering.decision_pdf(decision),
                                    reason=f"Quyết định số {decision.number}", location=location)
        _store(decision.decision_pdf, f"certificates/{decision.pk}/quyet-dinh-{decision.pk}.pdf", document)
        total = decision.certificates.count()
        Decision.objects.filter(pk=decision.pk).update(
            certificates_pdf=decision.certificates_pdf.name, decision_pdf=decision.decision_pdf.name,
            render_status=RenderStatus.DONE, render_done=total,
            render_total=total, rendered_at=timezone.now())
    except Exception as exc:
        Decision.objects.filter(pk=decision.pk).update(render_status=RenderStatus.FAILED,
                                                       render_error=f"{type(exc).__name__}: {exc}"[:2000])
        raise
    decision.refresh_from_db()
    return decision
