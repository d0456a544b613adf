"""The outbox: side effects recorded in the action's own transaction, delivered by a dispatcher that
retries until they are done (healthchecks' Flip + sendalerts). The lowest layer of the project: it
imports none of the other apps, so the domain (`dossiers`), `certificates` and `workflows` can all
use it.

    from outbox import enqueue, handler

    @handler("certificates.render")            # in the app that owns the work (its tasks.py)
    def render(payload: dict) -> None: ...     # idempotent; raise to be retried

    enqueue(kind="certificates.render", payload={"decision": 7}, dedupe_key="7")   # inside the action

A message is delivered when its handler returns; an exception schedules a retry with backoff
(OUTBOX_RETRY_* settings). See `outbox.dispatch` for the dispatcher and `sweeper` for periodic repairs."""

from .registry import handler, sweeper

__all__ = ["enqueue", "handler", "sweeper"]


def enqueue(*, kind: str, payload: dict | None = None, dedupe_key: str = "", delay=None, available_at=None):
    """Record a side effect in the current transaction (see `outbox.services.enqueue`)."""
    from .services import enqueue as _enqueue

    return _enqueue(kind=kind, payload=payload, dedupe_key=dedupe_key, delay=delay, available_at=available_at)
