"""Background work: render a decision's PDFs, honestly and resumably.

`render_decision` is a plain function. The outbox message written with the decision (kind
`certificates.render`) is handed by `schedule_render` to a Huey consumer (or rendered in-process when
CERTIFICATES_RENDER_INLINE). An attempt:

- claims the decision (status running, a fresh `render_token`, `render_worker` = host:pid) unless
  another attempt is alive (a heartbeat younger than CERTIFICATES_RENDER_STALL_SECONDS);
- beats (`render_heartbeat_at`) every CERTIFICATES_RENDER_HEARTBEAT_SECONDS and after each chunk;
- stores each chunk of the batch as it is rendered and records it in `render_parts`, so the next
  attempt renders only the missing chunks: no certificate is rendered twice into the batch;
- on failure (a dead render worker, a chunk past its timeout, a full disk) records the reason and
  schedules the next attempt through the outbox (status "retrying"), or after
  CERTIFICATES_RENDER_MAX_ATTEMPTS shows "failed" with the reason.

The sweeper (run before each outbox pass) re-queues a render whose heartbeat stopped (the consumer
was killed) or whose process is gone, and a job lost in the queue."""

import datetime as dt
import json
import logging
import os
import socket
import threading
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from huey.contrib.djhuey import db_task

from dossiers.text import in_official_language
from outbox import enqueue, handler, sweeper
from outbox.models import OutboxMessage

from . import rendering, signing
from .models import Decision, RenderStatus
from .services import RENDER_KIND

log = logging.getLogger("khenthuong.certificates")


class Superseded(Exception):
    """Another attempt took the decision over (this one was judged stalled): stop without writing."""


def _worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@db_task(retries=0)
def render_decision_job(decision_id: int, restart: bool = False) -> None:
    """The queued form of render_decision. Failures are recorded on the decision and retried through
    the outbox (not by Huey), so a consumer killed mid-job loses nothing either."""
    render_decision(decision_id, restart=restart)


@handler(RENDER_KIND)
def render_message(payload: dict) -> None:
    schedule_render(payload["decision"], restart=bool(payload.get("restart") or payload.get("force")))


def schedule_render(decision_id: int, *, restart: bool = False) -> None:
    """The outbox handler: queue the rendering for a consumer (a queue that is down raises, and the
    outbox retries), or render in this process when CERTIFICATES_RENDER_INLINE is set."""
    if not settings.CERTIFICATES_RENDER_INLINE:
        render_decision_job(decision_id, restart)
        Decision.objects.filter(pk=decision_id).update(render_queued_at=timezone.now())
        return
    try:
        render_decision(decision_id, restart=restart)
    except Exception:  # recorded on the decision, with its retry already scheduled
        log.exception("rendering decision %s failed", decision_id)


# --- state -----------------------------------------------------------------------------------------------
def stall_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(seconds=settings.CERTIFICATES_RENDER_STALL_SECONDS)


def _alive() -> Q:
    """A render attempt that is alive: running with a recent heartbeat."""
    cutoff = stall_cutoff()
    return Q(render_status=RenderStatus.RUNNING) & (
        Q(render_heartbeat_at__gte=cutoff) | Q(render_heartbeat_at__isnull=True, render_started_at__gte=cutoff))


def process_gone(worker: str) -> bool:
    """True when `worker` (host:pid) ran on this host and that process no longer exists (or is a zombie)."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] in {"Z", "X"}
    except (OSError, IndexError):
        return False


def is_stalled(decision: Decision, now: dt.datetime | None = None) -> bool:
    if decision.render_status != RenderStatus.RUNNING:
        return False
    beat = decision.render_heartbeat_at or decision.render_started_at
    return beat is None or beat < stall_cutoff(now) or process_gone(decision.render_worker)


def _claim(decision_id: int, *, force: bool, restart: bool) -> str | None:
    """Take the decision for this attempt, unless an alive attempt holds it or it is done (and not
    forced). Returns the attempt's token."""
    now, token = timezone.now(), uuid.uuid4().hex
    query = Decision.objects.filter(pk=decision_id).exclude(_alive())
    if not (force or restart):
        query = query.exclude(render_status=RenderStatus.DONE)
    updates = {"render_status": RenderStatus.RUNNING, "render_started_at": now, "render_heartbeat_at": now,
               "render_token": token, "render_worker": _worker_id(), "render_attempts": F("render_attempts") + 1}
    if restart:
        updates.update(render_parts={}, render_done=0)
    return token if query.update(**updates) else None


def _mine(decision_id: int, token: str):
    return Decision.objects.filter(pk=decision_id, render_token=token, render_status=RenderStatus.RUNNING)


class Heartbeat(threading.Thread):
    """Writes the attempt's heartbeat every few seconds from its own connection while it runs."""

    def __init__(self, decision_id: int, token: str):
        super().__init__(daemon=True, name=f"render-heartbeat-{decision_id}")
        self.decision_id, self.token, self.stop = decision_id, token, threading.Event()
        self.interval = settings.CERTIFICATES_RENDER_HEARTBEAT_SECONDS

    def run(self):
        try:
            while not self.stop.wait(self.interval):
                _mine(self.decision_id, self.token).update(render_heartbeat_at=timezone.now())
        except Exception:  # noqa: BLE001 — a missed beat only makes the sweeper look sooner
            log.exception("render heartbeat for decision %s", self.decision_id)
        finally:
            connection.close()

    def __enter__(self):
        if self.interval > 0:
            self.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        if self.is_alive():
            self.join(timeout=5)
        return False


# --- stored chunks ----------------------------------------------------------------------------------------
def _part_name(decision_id: int, index: int) -> str:
    return f"certificates/{decision_id}/parts/{index:05d}.json"


def _store_part(decision_id: int, index: int, rendered: tuple[bytes, list[bytes]]) -> None:
    pdf, overlays = rendered
    data = json.dumps({"pdf": pdf.decode("latin-1"), "overlays": [o.decode("latin-1") for o in overlays]})
    name = _part_name(decision_id, index)
    default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data.encode("latin-1")))
    if saved != name:  # a storage that renamed it: keep the name we look for
        default_storage.delete(saved)
        raise OSError(f"could not store {name}")


def _load_part(decision_id: int, index: int) -> tuple[bytes, list[bytes]]:
    with default_storage.open(_part_name(decision_id, index), "rb") as handle:
        data = json.loads(handle.read().decode("latin-1"))
    return data["pdf"].encode("latin-1"), [o.encode("latin-1") for o in data["overlays"]]


def _drop_parts(decision_id: int, indexes) -> None:
    for index in indexes:
        try:
            default_storage.delete(_part_name(decision_id, index))
        except OSError:
            log.warning("could not delete render part %s of decision %s", index, decision_id)


def _store(field_file, name: str, data: bytes) -> None:
    if field_file.name:
        default_storage.delete(field_file.name)
    default_storage.delete(name)
    field_file.name = default_storage.save(name, ContentFile(data))


# --- one attempt --------------------------------------------------------------------------------------------
def render_decision(decision_id: int, *, force: bool = False, restart: bool = False,
                    workers: int | None = None) -> Decision:
    """Render and sign the decision PDF and the batch of certificates. Idempotent: a decision already
    rendered is left alone (unless `force` or `restart`: `restart` also drops the stored chunks), one
    being rendered by an alive attempt too. Register numbers were given when the decision was issued;
    a failure here leaves them untouched."""
    token = _claim(decision_id, force=force, restart=restart)
    if token is None:
        return Decision.objects.get(pk=decision_id)
    decision = Decision.objects.select_related("award_form__campaign", "issuing_unit__parent").get(pk=decision_id)
    try:
        with Heartbeat(decision_id, token):
            _attempt(decision, token, workers)
    except Superseded:
        log.warning("render of decision %s was taken over by another attempt; this one stops", decision_id)
    except Exception as exc:
        _attempt_failed(decision_id, token, exc)
        raise
    return Decision.objects.get(pk=decision_id)


@in_official_language
def _attempt(decision: Decision, token: str, workers: int | None) -> None:
    size = max(1, settings.CERTIFICATES_RENDER_CHUNK_SIZE)
    background, jobs = rendering.prepare(decision, chunk_size=size)
    parts = decision.render_parts if decision.render_parts.get("size") == size else {}
    done = sorted(i for i in set(parts.get("done", [])) if i < len(jobs)
                  and default_storage.exists(_part_name(decision.pk, i)))
    count = sum(len(jobs[i][0]) for i in done)

    def record() -> None:
        if not _mine(decision.pk, token).update(render_parts={"size": size, "done": done}, render_done=count,
                                                render_heartbeat_at=timezone.now()):
            raise Superseded

    record()
    missing = [i for i in range(len(jobs)) if i not in set(done)]
    workers = rendering.render_workers() if workers is None else workers
    for position, rendered in rendering.run_chunks([jobs[i] for i in missing], workers=workers):
        index = missing[position]
        _store_part(decision.pk, index, rendered)
        done = sorted({*done, index})
        count += len(jobs[index][0])
        record()

    location = decision.place
    batch = rendering.compose(background, (_load_part(decision.pk, i) for i in range(len(jobs))))
    batch = signing.sign_pdf(batch, reason=f"Bằng khen theo Quyết định số {decision.number}", location=location)
    _mine(decision.pk, token).update(render_heartbeat_at=timezone.now())
    _store(decision.certificates_pdf, f"certificates/{decision.pk}/bang-khen-{decision.pk}.pdf", batch)
    del batch
    signed_by_person = (decision.token_signings.filter(status="accepted").exists() and decision.decision_pdf.name
                        and default_storage.exists(decision.decision_pdf.name))
    if not signed_by_person:  # a decision the signer signed with their own token keeps that file
        document = signing.sign_pdf(rendering.decision_pdf(decision),
                                    reason=f"Quyết định số {decision.number}", location=location)
        _store(decision.decision_pdf, f"certificates/{decision.pk}/quyet-dinh-{decision.pk}.pdf", document)
    total = decision.certificates.count()
    if not _mine(decision.pk, token).update(
            certificates_pdf=decision.certificates_pdf.name, decision_pdf=decision.decision_pdf.name,
            render_status=RenderStatus.DONE, render_done=total, render_total=total, render_parts={},
            render_error="", render_heartbeat_at=timezone.now(), rendered_at=timezone.now()):
        raise Superseded
    _drop_parts(decision.pk, range(len(jobs)))


def _attempt_failed(decision_id: int, token: str, exc: BaseException) -> None:
    """Record why the attempt failed; schedule the next one (status retrying) or give up (failed)."""
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    if not connection.in_atomic_block:   # the failure may have been the connection itself
        close_old_connections()
    with transaction.atomic():
        decision = Decision.objects.select_for_update().filter(pk=decision_id, render_token=token).first()
        if decision is None or decision.render_status != RenderStatus.RUNNING:
            return
        _give_back(decision, reason)


def _give_back(decision: Decision, reason: str, *, at_once: bool = False) -> None:
    """Inside a transaction holding the decision: retry (after a pause, unless `at_once`: the worker
    died, nothing to wait for), or fail for good after the last attempt."""
    if decision.render_attempts >= settings.CERTIFICATES_RENDER_MAX_ATTEMPTS:
        Decision.objects.filter(pk=decision.pk).update(render_status=RenderStatus.FAILED, render_error=reason,
                                                       render_token="")
        log.error("rendering decision %s failed for good after %s attempts: %s", decision.pk,
                  decision.render_attempts, reason)
        return
    delay = dt.timedelta(seconds=0 if at_once else
                         settings.CERTIFICATES_RENDER_RETRY_SECONDS * max(1, decision.render_attempts))
    Decision.objects.filter(pk=decision.pk).update(render_status=RenderStatus.RETRYING, render_error=reason,
                                                   render_token="")
    enqueue(kind=RENDER_KIND, payload={"decision": decision.pk}, dedupe_key=str(decision.pk), delay=delay or None)
    log.warning("rendering decision %s: attempt %s failed (%s); next attempt in %ss", decision.pk,
                decision.render_attempts, reason, int(delay.total_seconds()))


# --- the sweeper ---------------------------------------------------------------------------------------------
@sweeper("certificates.stalled_renders")
def sweep_stalled_renders() -> int:
    """Re-queue renders whose worker stopped beating or is gone, and renders lost in the queue (handed
    over long ago, not started, no message pending). Returns how many were re-queued."""
    now = timezone.now()
    requeued = 0
    for decision in Decision.objects.filter(render_status=RenderStatus.RUNNING).only(
            "pk", "render_status", "render_heartbeat_at", "render_started_at", "render_worker", "render_token"):
        if not is_stalled(decision, now):
            continue
        with transaction.atomic():
            locked = (Decision.objects.select_for_update()
                      .filter(pk=decision.pk, render_token=decision.render_token, render_status=RenderStatus.RUNNING)
                      .first())
            if locked is None or not is_stalled(locked, now):
                continue
            beat = locked.render_heartbeat_at or locked.render_started_at
            _give_back(locked, "Máy in không còn phản hồi (nhịp cuối lúc %s, tiến trình %s); in tiếp phần còn lại."
                       % (timezone.localtime(beat).strftime("%H:%M:%S") if beat else "?", locked.render_worker),
                       at_once=True)
            requeued += 1
    lost_after = now - dt.timedelta(seconds=max(300, 5 * settings.CERTIFICATES_RENDER_STALL_SECONDS))
    keys = set(OutboxMessage.objects.filter(kind=RENDER_KIND, delivered_at__isnull=True)
               .values_list("dedupe_key", flat=True))
    for pk in (Decision.objects.filter(render_status__in=[RenderStatus.PENDING, RenderStatus.RETRYING],
                                       render_queued_at__lt=lost_after).values_list("pk", flat=True)):
        if str(pk) not in keys:
            with transaction.atomic():
                Decision.objects.filter(pk=pk).update(render_queued_at=None)
                enqueue(kind=RENDER_KIND, payload={"decision": pk}, dedupe_key=str(pk))
            requeued += 1
    return requeued
