"""Writing and delivering outbox messages.

`enqueue` writes a row in the caller's transaction (nothing else: it never talks to the queue).
After commit, a best-effort "kick" asks a Huey consumer to run a dispatch pass at once; when the
queue is down the kick is only logged, and the row waits for the next pass (the periodic Huey task
every minute, or the `drain_outbox` command). A pass claims due rows with a conditional UPDATE
(a lease: `available_at` moves to now + OUTBOX_LEASE_SECONDS, so a dispatcher that dies mid-way
gives its rows back by itself), runs each row's handler outside any transaction, then marks the row
delivered or schedules the next attempt with exponential backoff."""

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import registry
from .models import OutboxMessage

log = logging.getLogger("khenthuong.outbox")
_local = threading.local()  # `dispatching`: messages enqueued by a handler are taken by the same pass


def enqueue(*, kind: str, payload: dict | None = None, dedupe_key: str = "", delay: dt.timedelta | None = None,
            available_at: dt.datetime | None = None) -> OutboxMessage:
    """Record a side effect in the current transaction. With a `dedupe_key`, at most one undelivered
    message exists per (kind, key): enqueueing again updates its payload and brings it forward."""
    now = timezone.now()
    when = available_at or (now + delay if delay else now)
    payload = payload or {}
    if dedupe_key:
        try:
            with transaction.atomic():
                message = OutboxMessage.objects.create(kind=kind, payload=payload, dedupe_key=dedupe_key,
                                                       created_at=now, available_at=when)
        except IntegrityError:
            message = OutboxMessage.objects.select_for_update().get(kind=kind, dedupe_key=dedupe_key,
                                                                    delivered_at__isnull=True)
            message.payload = payload
            message.available_at = min(message.available_at, when)
            message.save(update_fields=["payload", "available_at"])
    else:
        message = OutboxMessage.objects.create(kind=kind, payload=payload, created_at=now, available_at=when)
    _kick_on_commit(when if when > now else None)
    return message


# --- the kick: a hint to the queue, never a requirement ----------------------------------------------
def _kick_on_commit(at: dt.datetime | None = None) -> None:
    """A kick after the commit (none if it rolls back), for when the message is due. One per message: a
    kick costs one queue push and a pass that finds nothing due costs one query."""
    if not settings.OUTBOX_KICK or (at is None and getattr(_local, "dispatching", False)):
        return
    transaction.on_commit(kick if at is None else partial(kick, at), robust=True)


def kick(at: dt.datetime | None = None) -> None:
    """Ask a consumer to dispatch now (or at `at`). A queue that is down is not an error: the row is in
    the database and the next pass delivers it."""
    try:
        from .tasks import dispatch_soon

        if at is None:
            dispatch_soon()
        else:
            dispatch_soon.schedule(delay=max(0.0, (at - timezone.now()).total_seconds()))
    except Exception as exc:  # noqa: BLE001 — any queue failure; the message itself is safe
        log.warning("outbox: could not reach the queue (%s: %s); the periodic pass will deliver",
                    type(exc).__name__, exc)


# --- the dispatcher -------------------------------------------------------------------------------------
@dataclass
class PassResult:
    delivered: int = 0
    failed: int = 0
    swept: int = 0

    def __str__(self):
        return f"delivered={self.delivered} failed={self.failed} swept={self.swept}"


def backoff(attempts: int) -> dt.timedelta:
    """Seconds before the next attempt: OUTBOX_RETRY_BASE_SECONDS doubled per attempt, at most
    OUTBOX_RETRY_MAX_SECONDS (so a queue that comes back is used within that time)."""
    base, ceiling = settings.OUTBOX_RETRY_BASE_SECONDS, settings.OUTBOX_RETRY_MAX_SECONDS
    return dt.timedelta(seconds=min(ceiling, base * 2 ** max(0, attempts - 1)))


def claim(*, limit: int = 50, now: dt.datetime | None = None, kinds=None) -> list[OutboxMessage]:
    """Take up to `limit` due messages for this dispatcher: one conditional UPDATE per row, so two
    dispatchers never take the same row (the second finds `available_at` changed)."""
    now = now or timezone.now()
    lease = now + dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    due = OutboxMessage.objects.filter(delivered_at__isnull=True, available_at__lte=now)
    if kinds:
        due = due.filter(kind__in=list(kinds))
    taken = []
    for message in due.order_by("available_at", "pk")[:limit]:
        won = OutboxMessage.objects.filter(pk=message.pk, delivered_at__isnull=True,
                                           available_at=message.available_at).update(
            available_at=lease, attempts=message.attempts + 1)
        if won:
            message.available_at, message.attempts = lease, message.attempts + 1
            taken.append(message)
    return taken


def deliver(message: OutboxMessage) -> bool:
    """Run the handler of one claimed message; record success or schedule the next attempt."""
    function = registry.HANDLERS.get(message.kind)
    try:
        if function is None:
            raise LookupError(f"no handler for outbox kind {message.kind!r}")
        function(message.payload)
    except Exception as exc:  # noqa: BLE001 — recorded on the row and retried
        retry_at = timezone.now() + backoff(message.attempts)
        OutboxMessage.objects.filter(pk=message.pk, delivered_at__isnull=True).update(
            available_at=retry_at, last_error=f"{type(exc).__name__}: {exc}"[:2000])
        log.warning("outbox %s #%s attempt %s failed (%s: %s); next at %s", message.kind, message.pk,
                    message.attempts, type(exc).__name__, exc, retry_at.isoformat())
        return False
    # A handler may put its own message off (enqueue with the same dedupe key and a delay): then it stays.
    OutboxMessage.objects.filter(pk=message.pk, available_at=message.available_at).update(
        delivered_at=timezone.now(), last_error="")
    return True


def sweep() -> int:
    """Run every registered sweeper (stalled renders, …); one failing does not stop the others."""
    registry.load()
    done = 0
    for name, function in registry.SWEEPERS.items():
        try:
            done += int(function() or 0)
        except Exception:  # noqa: BLE001 — a sweeper is a repair; the next pass tries again
            log.exception("outbox sweeper %s failed", name)
    return done


def dispatch(*, limit: int = 50, sweepers: bool = True, kinds=None) -> PassResult:
    """One pass: sweepers, then every due message (in batches of `limit`) until none is due."""
    registry.load()
    result = PassResult()
    outer = getattr(_local, "dispatching", False)
    _local.dispatching = True
    try:
        if sweepers:
            result.swept = sweep()
        seen = set()
        while True:
            batch = [m for m in claim(limit=limit, kinds=kinds) if m.pk not in seen]
            if not batch:
                return result
            for message in batch:
                seen.add(message.pk)
                if deliver(message):
                    result.delivered += 1
                else:
                    result.failed += 1
    finally:
        _local.dispatching = outer


@registry.sweeper("outbox.prune")
def prune(*, batch: int = 1000) -> int:
    """Forget delivered messages older than OUTBOX_KEEP_DAYS (a bounded batch per pass)."""
    cutoff = timezone.now() - dt.timedelta(days=settings.OUTBOX_KEEP_DAYS)
    old = list(OutboxMessage.objects.filter(delivered_at__lt=cutoff).values_list("pk", flat=True)[:batch])
    if old:
        OutboxMessage.objects.filter(pk__in=old).delete()
    return 0  # housekeeping, not a repair: not counted as swept


def pending(kind: str | None = None):
    rows = OutboxMessage.objects.filter(delivered_at__isnull=True)
    return rows.filter(kind=kind) if kind else rows
