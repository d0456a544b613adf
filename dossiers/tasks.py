"""Periodic verification of the append-only history (dossiers/audit.py), in the Huey consumer."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import audit


@db_periodic_task(crontab(minute=f"*/{settings.AUDIT_VERIFY_MINUTES}"), retries=0)
def audit_verify_periodic():
    check = audit.run_check()
    return f"{'OK' if check.ok else check.problem} ({check.rows_checked} rows)"
