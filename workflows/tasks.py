"""Background work on Huey (SQLite storage embedded, Redis with REDIS_URL). Every job is queued
after commit; the periodic deadline scan runs in the consumer. Jobs are idempotent, so two
consumers (each with its own scheduler) running the scan at the same minute send nothing twice."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import deadlines, notifications

SCAN_MINUTES = getattr(settings, "DEADLINE_SCAN_MINUTES", 5)


@db_periodic_task(crontab(minute=f"*/{SCAN_MINUTES}"), retries=0)
def deadline_scan():
    """Find the open tasks whose reminder, due-day notice or escalation is due and queue them."""
    return len(deadlines.scan())


@db_task(retries=3, retry_delay=30)
def deliver_deadline_alerts(alert_ids: list[int]):
    return deadlines.deliver_alerts(alert_ids)


@db_task(retries=3, retry_delay=60)
def send_notification_emails(notification_ids: list[int]):
    return notifications.send_emails(notification_ids)


@db_task(retries=2, retry_delay=30)
def render_apology_letter(letter_id: int):
    letter = deadlines.apology_render(letter_id)
    return letter.pk if letter else None
