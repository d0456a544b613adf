"""The consumer heartbeat: /readyz is ready only while some consumer has written one recently."""

import logging

from huey import crontab
from huey.contrib.djhuey import HUEY, on_startup, periodic_task

from ops import status

log = logging.getLogger("khenthuong.ops")


@on_startup()
def heartbeat_on_start():
    try:
        status.beat()
    except Exception:  # the queue being down must not stop the consumer from starting
        log.exception("consumer heartbeat not written at start")


@periodic_task(crontab(minute="*"), retries=0)
def consumer_heartbeat():
    status.beat()


__all__ = ["HUEY", "consumer_heartbeat", "heartbeat_on_start"]
