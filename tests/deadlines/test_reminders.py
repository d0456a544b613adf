"""The deadline scan with the clock controlled: N working days before, on the due day, on expiry,
across a weekend and across Tết 2024 (08–14/02/2024 off in `holidays` 'VN')."""

import pytest
from django.core import mail

from dossiers.models import DossierEvent, Step
from workflows import deadlines
from workflows.notifications import dossier_link
from workflows.models import (
    AlertKind, ApologyLetter, DeadlineAlert, LateExplanation, Notification, NotificationKind,
)

from .helpers import at, committed, open_task, set_lead, submitted_dossier

pytestmark = pytest.mark.django_db


def scan_at(time_machine, moment):
    time_machine.move_to(moment, tick=False)
    return committed(deadlines.scan)


def kinds(task):
    return sorted(DeadlineAlert.objects.filter(task=task).values_list("kind", flat=True))


def test_reminders_across_a_weekend(province, time_machine):
    world = province
    set_lead(world, Step.APPRAISAL, 3)
    # Submitted Wed 06/12/2023: 3 working days → Thu 07, Fri 08, Mon 11/12 (due 23:59 Monday).
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    task = open_task(dossier)
    assert task.step == Step.APPRAISAL
    assert task.due_at == at(2023, 12, 11, 23, 59, 59, 999999)

    assert scan_at(time_machine, at(2023, 12, 6, 10, 5)) == []           # Wed: 3 working days left
    assert len(scan_at(time_machine, at(2023, 12, 7, 7, 0))) == 1        # Thu: 2 working days before (Fri, Mon)
    assert kinds(task) == [AlertKind.BEFORE]
    reminder = Notification.objects.get(user=world.bob, kind=NotificationKind.REMINDER)
    assert "còn 2 ngày làm việc" in reminder.title and "11/12/2023" in reminder.title
    assert reminder.link == dossier_link(dossier.pk) and str(dossier.pk) in reminder.link
    assert "phiếu xin lỗi" in reminder.body                            # issue it before the due day if late
    assert [m.to for m in mail.outbox] == [["bob@example.vn"]]
    for moment in (at(2023, 12, 8, 9, 0), at(2023, 12, 9, 9, 0), at(2023, 12, 10, 23, 0)):  # Fri, Sat, Sun
        assert scan_at(time_machine, moment) == []
    assert len(scan_at(time_machine, at(2023, 12, 11, 0, 5))) == 1       # Monday: the due day
    assert kinds(task) == [AlertKind.BEFORE, AlertKind.DUE_DAY]
    assert "hết hạn xử lý hôm nay" in Notification.objects.filter(user=world.bob).first().title
    assert scan_at(time_machine, at(2023, 12, 11, 23, 59, 59)) == []     # still the due day
    assert len(scan_at(time_machine, at(2023, 12, 12, 0, 0, 1))) == 1    # expired
    assert kinds(task) == [AlertKind.BEFORE, AlertKind.DUE_DAY, AlertKind.OVERDUE]
    assert scan_at(time_machine, at(2023, 12, 13, 9, 0)) == []
    # Escalation to the head of the responsible unit (Sở TT&TT), not to the submitting unit's head.
    escalation = Notification.objects.get(kind=NotificationKind.ESCALATION)
    assert escalation.user == world.sam and "quá hạn" in escalation.title
    # The appraiser is asked for an explanation; the submitting unit gets an apology with a new date.
    explanation = LateExplanation.objects.get(task=task)
    assert explanation.submitted_at is None
    assert Notification.objects.filter(user=world.bob, kind=NotificationKind.EXPLANATION).count() == 1
    letter = ApologyLetter.objects.get(task=task)
    assert letter.issuing_unit == world.stt
    assert letter.new_due_at == at(2023, 12, 15, 23, 59, 59, 999999)  # 3 working days after expiry (Tue 12/12)
    assert sorted(Notification.objects.filter(kind=NotificationKind.APOLOGY).values_list("user__username", flat=True)) \
        == ["alice", "henry"]
    timeline = list(DossierEvent.objects.filter(dossier=dossier, data__has_key="deadline")
                    .values_list("data__deadline", flat=True))
    assert timeline == ["overdue", "explanation_requested", "apology"]


def test_reminders_across_tet_2024(province, time_machine):
    world = province
    set_lead(world, Step.HOME_AFFAIRS, 3)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    from workflows import services

    time_machine.move_to(at(2024, 2, 5, 9, 0), tick=False)               # Mon before Tết
    dossier = services.dossier_approve_step(dossier=dossier, actor=world.bob)
    task = open_task(dossier)
    assert task.step == Step.HOME_AFFAIRS
    # Tue 06, Wed 07, then Tết (Thu 08 – Wed 14/02) is skipped: due Thu 15/02/2024.
    assert task.due_at == at(2024, 2, 15, 23, 59, 59, 999999)
    scan_at(time_machine, at(2024, 2, 5, 9, 5))
    assert kinds(task) == []
    scan_at(time_machine, at(2024, 2, 6, 8, 0))                          # 2 working days before: 07 and 15
    assert kinds(task) == [AlertKind.BEFORE]
    for day in range(7, 15):                                             # the rest of the week and all of Tết
        scan_at(time_machine, at(2024, 2, day, 12, 0))
    assert kinds(task) == [AlertKind.BEFORE]
    scan_at(time_machine, at(2024, 2, 15, 7, 0))
    assert kinds(task) == [AlertKind.BEFORE, AlertKind.DUE_DAY]
    scan_at(time_machine, at(2024, 2, 16, 7, 0))
    assert kinds(task) == [AlertKind.BEFORE, AlertKind.DUE_DAY, AlertKind.OVERDUE]
    assert Notification.objects.get(kind=NotificationKind.ESCALATION).user == world.nadia
    assert Notification.objects.filter(user=world.nora, kind=NotificationKind.REMINDER).count() == 2
    # The appraisal task (finished on 05/02, two months late) is late in the statistics, not re-reminded.
    letter = ApologyLetter.objects.get(task=task)
    assert letter.new_due_at == at(2024, 2, 21, 23, 59, 59, 999999)      # 16 (Fri), 19, 20, 21 → 3 after the 16th


def test_a_step_finished_in_time_gets_no_later_alerts(province, time_machine):
    world = province
    set_lead(world, Step.APPRAISAL, 3)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    task = open_task(dossier)
    scan_at(time_machine, at(2023, 12, 7, 9, 0))
    from workflows import services

    services.dossier_approve_step(dossier=dossier, actor=world.bob)
    scan_at(time_machine, at(2023, 12, 12, 9, 0))
    assert kinds(task) == [AlertKind.BEFORE]
    assert not Notification.objects.filter(kind=NotificationKind.ESCALATION).exists()


def test_missed_stages_are_not_sent_late(province, time_machine):
    """A consumer that was down sends only the current stage, not a stale "2 days left"."""
    world = province
    set_lead(world, Step.APPRAISAL, 3)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    task = open_task(dossier)
    scan_at(time_machine, at(2023, 12, 13, 9, 0))
    assert kinds(task) == [AlertKind.OVERDUE]


def test_reminder_days_before_is_configurable(province, time_machine, settings):
    settings.REMINDER_DAYS_BEFORE = 0
    world = province
    set_lead(world, Step.APPRAISAL, 3)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    task = open_task(dossier)
    scan_at(time_machine, at(2023, 12, 8, 9, 0))                         # Fri, 1 working day left
    assert kinds(task) == []
    scan_at(time_machine, at(2023, 12, 11, 9, 0))
    assert kinds(task) == [AlertKind.DUE_DAY]


def test_scan_and_delivery_are_idempotent(province, time_machine):
    world = province
    set_lead(world, Step.APPRAISAL, 3)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    task = open_task(dossier)
    time_machine.move_to(at(2023, 12, 12, 0, 10), tick=False)
    first = deadlines.scan()                     # not committed yet: nothing delivered
    assert len(first) == 1 and deadlines.scan() == []
    assert Notification.objects.count() == 0
    assert committed(deadlines.deliver_alerts, first) == 1
    assert committed(deadlines.deliver_alerts, first) == 0   # a redelivered job claims nothing
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == 1
    assert ApologyLetter.objects.filter(task=task).count() == 1
    sent = len(mail.outbox)
    from workflows import notifications

    assert notifications.send_emails(Notification.objects.values_list("pk", flat=True)) == 0
    assert len(mail.outbox) == sent == Notification.objects.exclude(user__email="").count()
