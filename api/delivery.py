"""Pushing award records to the configured endpoints, through the outbox: a signed decision enqueues
`exports.decision` (certificates.services.decision_issue); its handler opens one delivery per active
endpoint and enqueues `exports.push` for each; a push that fails (network, timeout, non-2xx answer)
is recorded on the delivery and raised, so the outbox retries it with backoff."""

import json
import logging
import urllib.error
import urllib.request
import uuid

from django.db import transaction
from django.utils import timezone

from outbox import enqueue

from . import exports
from .models import DeliveryStatus, ExportAction, ExportDelivery, ExportEndpoint

log = logging.getLogger("khenthuong.api.exports")
DECISION_KIND = "exports.decision"
PUSH_KIND = "exports.push"


class DeliveryFailed(Exception):
    pass


@transaction.atomic
def fan_out(*, decision_id: int, action: str = ExportAction.ISSUE) -> int:
    """One delivery per active endpoint and action (once: a second call finds them), each pushed by the
    outbox. `action` "revoke" (queued by certificates.services.decision_revoke) sends the same records
    marked revoked."""
    from certificates.models import Decision

    if not Decision.objects.filter(pk=decision_id).exists():
        return 0
    queued = 0
    for endpoint in ExportEndpoint.objects.filter(is_active=True):
        delivery, _created = ExportDelivery.objects.get_or_create(
            endpoint=endpoint, decision_id=decision_id, action=action, defaults={"msg_id": uuid.uuid4()})
        if delivery.status != DeliveryStatus.DELIVERED:
            enqueue(kind=PUSH_KIND, payload={"delivery": delivery.pk}, dedupe_key=str(delivery.pk))
            queued += 1
    return queued


def push(*, delivery_id: int) -> None:
    delivery = ExportDelivery.objects.select_related("endpoint", "decision__award_form").get(pk=delivery_id)
    if delivery.status == DeliveryStatus.DELIVERED:
        return
    body = json.dumps(exports.envelope(delivery.decision, msg_id=delivery.msg_id,
                                       revoked=delivery.action == ExportAction.REVOKE), ensure_ascii=False).encode()
    request = urllib.request.Request(delivery.endpoint.url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "X-Msg-ID": str(delivery.msg_id)})
    code, error = None, ""
    try:
        with urllib.request.urlopen(request, timeout=delivery.endpoint.timeout_seconds) as response:
            code = response.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}: {exc.read(500).decode(errors='replace')}"
    except (urllib.error.URLError, OSError) as exc:
        error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"
    now = timezone.now()
    ok = code is not None and 200 <= code < 300
    ExportDelivery.objects.filter(pk=delivery.pk).update(
        attempts=delivery.attempts + 1, last_attempt_at=now, last_status_code=code, last_error=error[:2000],
        status=DeliveryStatus.DELIVERED if ok else DeliveryStatus.FAILED, delivered_at=now if ok else None)
    if not ok:
        log.warning("export of decision %s to %s failed: %s", delivery.decision_id, delivery.endpoint.url,
                    error or code)
        raise DeliveryFailed(error or f"HTTP {code}")
