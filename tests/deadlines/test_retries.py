"""Failures that retry (issue 17): a deadline alert or an e-mail that fails is not lost; the outbox
delivers it on a later pass, and what was already delivered is not sent again."""

import datetime as dt

import pytest
from django.core import mail

from dossiers.models import Step
from outbox import services as outbox
from outbox.models import OutboxMessage
from workflows import deadlines, notifications
from workflows.models import DeadlineAlert, Notification, NotificationKind

from .helpers import at, open_task, set_lead, submitted_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_kick(settings):
    settings.OUTBOX_KICK = False        # passes are run by hand below


def overdue(world, time_machine):
    set_lead(world, Step.APPRAISAL, 3)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    outbox.dispatch()
    time_machine.move_to(at(2023, 12, 12, 0, 10), tick=False)
    return open_task(dossier)


def test_a_failed_escalation_is_retried_until_delivered(province, time_machine, monkeypatch):
    task = overdue(province, time_machine)
    real = deadlines._escalate
    monkeypatch.setattr(deadlines, "_escalate", lambda *a: (_ for _ in ()).throw(TimeoutError("SMTP timeout")))
    [alert_id] = deadlines.scan()
    assert outbox.dispatch().failed == 1
    alert = DeadlineAlert.objects.get(pk=alert_id)
    assert alert.delivered_at is None                           # rolled back: not marked delivered
    message = OutboxMessage.objects.get(kind=deadlines.ALERTS_KIND, delivered_at__isnull=True)
    assert "AlertsNotDelivered" in message.last_error and "SMTP timeout" in message.last_error
    assert deadlines.scan() == []                               # the next scan does not insert it again…
    monkeypatch.setattr(deadlines, "_escalate", real)
    time_machine.shift(dt.timedelta(minutes=1))
    assert outbox.dispatch().delivered >= 1                     # …the outbox delivers it
    assert DeadlineAlert.objects.get(pk=alert_id).delivered_at is not None
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION, user=province.sam).count() == 1
    assert OutboxMessage.objects.filter(delivered_at__isnull=True).count() == 0


def test_a_refused_email_is_retried_and_the_others_are_not_sent_twice(province, time_machine, monkeypatch):
    overdue(province, time_machine)
    real, calls = notifications.send_mail, []

    def flaky(subject, body, sender, to):
        calls.append(to[0])
        if to[0] == "sam@example.vn" and calls.count("sam@example.vn") == 1:
            raise ConnectionRefusedError("mail server down")
        return real(subject, body, sender, to)

    monkeypatch.setattr(notifications, "send_mail", flaky)
    mail.outbox.clear()
    deadlines.scan()
    outbox.dispatch()
    sam = Notification.objects.get(kind=NotificationKind.ESCALATION)
    assert sam.user == province.sam and sam.emailed_at is None  # released for the retry
    failed = OutboxMessage.objects.get(kind=notifications.EMAIL_KIND, delivered_at__isnull=True)
    assert "mail server down" in failed.last_error
    sent_before = sorted(m.to[0] for m in mail.outbox)
    time_machine.shift(dt.timedelta(minutes=1))
    outbox.dispatch()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([*sent_before, "sam@example.vn"])
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(set(a for m in mail.outbox for a in m.to))
    assert Notification.objects.filter(emailed_at__isnull=True).exclude(user__email="").count() == 0
