"""Background work on Huey (SQLite storage embedded, Redis with REDIS_URL). Side effects are outbox
messages (see `outbox`), delivered by the handlers below; a handler raises when it failed, and the
outbox retries it. The periodic deadline scan runs in the consumer. Everything is idempotent, so two
consumers (each with its own scheduler) running the scan at the same minute send nothing twice."""

import logging

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from outbox import handler

from . import deadlines, figures, notifications

SCAN_MINUTES = settings.DEADLINE_SCAN_MINUTES
log = logging.getLogger("khenthuong.workflows")


@db_periodic_task(crontab(minute=f"*/{SCAN_MINUTES}"), retries=0)
def deadline_scan():
    """First the steps that end by themselves (`step_timers`), so a posting that ended or an agency
    whose silence was recorded is not reported overdue; then the open tasks whose reminder, due-day
    notice or escalation is due, their delivery recorded in the outbox in the scan's transaction."""
    step_timers()
    return len(deadlines.scan())


@db_periodic_task(crontab(minute="*"), retries=0)
def dashboard_refresh():
    """The dashboard's summary, recomputed every minute (workflows.figures: why a job)."""
    return figures.refresh().rows


def step_timers() -> dict:
    """Consulted agencies silent past their deadline (recorded as agreeing where the form says so) and
    public postings whose period is over with no objection open (ended). A failure here is logged
    and does not stop the deadline scan."""
    from . import consultation, posting

    done = {}
    for name, scan in (("silences", consultation.consultation_scan), ("postings_ended", posting.posting_scan)):
        try:
            done[name] = scan()
        except Exception:
            log.exception("step timer %s failed", name)
    return done


@handler(deadlines.ALERTS_KIND)
def deliver_deadline_alerts(payload: dict):
    return deadlines.deliver_alerts(payload["alerts"])


@handler(notifications.EMAIL_KIND)
def send_notification_emails(payload: dict):
    return notifications.send_emails(payload["notifications"])


@handler(deadlines.APOLOGY_KIND)
def render_apology_letter(payload: dict):
    letter = deadlines.apology_render(payload["letter"])
    return letter.pk if letter else None
