"""Outbox handlers of the api app (loaded by outbox.registry.load)."""

from outbox.registry import handler

from . import delivery


@handler(delivery.DECISION_KIND)
def export_decision(payload):
    delivery.fan_out(decision_id=payload["decision"], action=payload.get("action", "issue"))


@handler(delivery.PUSH_KIND)
def export_push(payload):
    delivery.push(delivery_id=payload["delivery"])
