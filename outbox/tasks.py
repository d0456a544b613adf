"""The dispatcher on the queue: a pass every minute in each consumer (safe with several), and a
pass on demand after a commit that enqueued something (the kick)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, on_startup

from . import services

log = logging.getLogger("khenthuong.outbox")


@db_periodic_task(crontab(minute="*"), retries=0)
def dispatch_every_minute():
    return str(services.dispatch())


@db_task(retries=0)
def dispatch_soon():
    return str(services.dispatch())


@on_startup("outbox-pass-at-start")
def pass_at_start():
    """A consumer that (re)starts runs a pass at once: a render left by a killed consumer is picked up
    without waiting for the next minute."""
    try:
        dispatch_soon()
    except Exception as exc:  # noqa: BLE001 — the periodic pass will do it
        log.warning("outbox: no pass at start (%s: %s)", type(exc).__name__, exc)
