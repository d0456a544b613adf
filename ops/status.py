"""Small shared facts about the running system, kept in the queue's key-value store (Redis, or Huey's
SQLite file on one machine), so that every web server sees what any consumer wrote:

- `consumer-heartbeat`: written by every consumer at start and every minute (ops.tasks);
- `status:<name>`: the last result of a periodic check, `record(name, ok=..., detail=...)`. /readyz
  reads "audit" from here when dossiers.audit (AuditCheck rows) has no result (ops.health.check_audit).

Values are small dicts; a queue that cannot be reached raises (the caller reports it)."""

import os
import socket
import time

HEARTBEAT_KEY = "ops:consumer-heartbeat"
STATUS_PREFIX = "ops:status:"


def _huey():
    from huey.contrib.djhuey import HUEY

    return HUEY


def beat() -> dict:
    value = {"at": time.time(), "host": socket.gethostname(), "pid": os.getpid()}
    _huey().put(HEARTBEAT_KEY, value)
    return value


def last_beat() -> dict | None:
    return _huey().get(HEARTBEAT_KEY, peek=True)


def record(name: str, *, ok: bool, detail: str = "") -> dict:
    """The hook for periodic checks: store the outcome of check `name` (ok or not, one line of detail)."""
    value = {"ok": bool(ok), "detail": str(detail)[:500], "at": time.time()}
    _huey().put(STATUS_PREFIX + name, value)
    return value


def read(name: str) -> dict | None:
    return _huey().get(STATUS_PREFIX + name, peek=True)
