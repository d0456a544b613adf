"""Outbox handlers: a document's pre-check, and a dossier's re-check when its data changed."""

from dossiers.services.documents import PRECHECK_DOSSIER_KIND, PRECHECK_KIND
from outbox import handler

from . import services


@handler(PRECHECK_KIND)
def precheck_document(payload: dict) -> None:
    services.run_check(int(payload["document"]))


@handler(PRECHECK_DOSSIER_KIND)
def precheck_dossier(payload: dict) -> None:
    services.recheck_dossier(int(payload["dossier"]))
