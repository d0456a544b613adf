"""Periodic verification of the append-only history (dossiers/audit.py), in the Huey consumer."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from outbox import handler

from . import audit


@db_periodic_task(crontab(minute=f"*/{settings.AUDIT_VERIFY_MINUTES}"), retries=0)
def audit_verify_periodic():
    check = audit.run_check()
    return f"{'OK' if check.ok else check.problem} ({check.rows_checked} rows)"


@handler("dossiers.document_signatures")
def check_document_signatures(payload: dict) -> None:
    """A signed upload's signatures, checked off the request (services.documents.SIGNATURE_KIND)."""
    from .services import document_signatures_check

    document_signatures_check(document_id=payload["document"])
