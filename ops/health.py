"""/healthz: the process answers (no database, no queue). /readyz: this server can do its work —
database, queue, storage, a live consumer, and the last audit-log check — as JSON, one entry per
check, 200 when all pass, 503 otherwise. Both are cheap, unauthenticated and never cached; they name
no secrets (an error is reported by its kind, the details go to the log with the request id)."""

import concurrent.futures
import logging
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ops import status

log = logging.getLogger("khenthuong.ops")
CHECK_TIMEOUT = 3.0  # seconds per check that leaves the process (queue, storage)


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_queue():
    from huey.contrib.djhuey import HUEY

    return {"pending": HUEY.pending_count()}


def check_storage():
    from django.core.files.storage import default_storage

    name = default_storage.save(f"ops/readyz-{uuid.uuid4().hex}.probe", ContentFile(b"ok"))
    default_storage.delete(name)
    return {}


def check_consumer():
    beat = status.last_beat()
    if not beat:
        raise CheckFailed("no consumer heartbeat yet")
    age = time.time() - beat["at"]
    if age > settings.CONSUMER_HEARTBEAT_MAX_AGE:
        raise CheckFailed(f"last consumer heartbeat {int(age)} s ago")
    return {"age_s": round(age, 1), "host": beat.get("host", "")}


def check_named(name):
    def run():
        result = status.read(name)
        if result is None:
            return None  # not run yet: shown as unknown, does not make the server unready
        info = {"age_s": round(time.time() - result["at"], 1), "detail": result.get("detail", "")}
        if not result["ok"]:
            raise CheckFailed(info["detail"] or f"{name} check failed", info)
        return info
    return run


def check_audit_db():
    """The last audit-log verification: dossiers.audit.last_check() (its AuditCheck rows, written by
    the periodic audit_verify) when that module exists and a check ran; otherwise None, and /readyz
    reads what was recorded with ops.status.record("audit", ...); unknown (not a failure) when none
    ran yet."""
    try:
        from dossiers.audit import last_check
    except ImportError:
        last_check = None
    if last_check is not None:
        last = last_check()
        if last.get("ok") is not None:
            info = {"checked_at": last.get("checked_at"), "rows_checked": last.get("rows_checked", 0)}
            if not last["ok"]:
                raise CheckFailed((last.get("problem") or "audit check failed").splitlines()[0], info)
            return info
    return None


class CheckFailed(Exception):
    def __init__(self, message, info=None):
        super().__init__(message)
        self.info = info or {}


def _outcome(name, fn):
    started = time.monotonic()
    try:
        info = fn()
        entry = {"status": "unknown"} if info is None else {"status": "ok", **info}
    except CheckFailed as exc:
        entry = {"status": "fail", "error": str(exc), **exc.info}
    except Exception as exc:
        log.warning("readiness check %s failed: %r", name, exc)
        entry = {"status": "fail", "error": type(exc).__name__}
    entry["ms"] = round(1000 * (time.monotonic() - started), 1)
    return entry


@never_cache
@require_safe
def readyz(request):
    # Checks that query the database run in this thread (a pool thread would leave its connection open).
    checks = {"database": _outcome("database", check_database)}
    if checks["database"]["status"] == "ok":
        checks["audit"] = _outcome("audit", check_audit_db)
    # Checks that leave the process run in threads so a queue or storage that hangs cannot hang us.
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=4)
    try:
        others = {"queue": check_queue, "storage": check_storage, "consumer": check_consumer}
        if checks.get("audit", {}).get("status", "unknown") == "unknown":
            others["audit"] = check_named("audit")
        futures = {name: pool.submit(_outcome, name, fn) for name, fn in others.items()}
        for name, future in futures.items():
            try:
                checks[name] = future.result(timeout=CHECK_TIMEOUT)
            except concurrent.futures.TimeoutError:
                checks[name] = {"status": "fail", "error": f"no answer within {CHECK_TIMEOUT:g} s"}
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    ready = all(check["status"] != "fail" for check in checks.values())
    return JsonResponse({"status": "ok" if ready else "fail", "checks": checks}, status=200 if ready else 503)
