"""Supplement request (phiếu yêu cầu bổ sung): the appraiser's clock pauses with the working days it
had left, the unit's own deadline runs (and is reminded), and the resubmission resumes the clock."""

import pytest

from dossiers.models import ReturnRequest, Step
from workflows import deadlines, services
from workflows.models import REVISION, AlertKind, DeadlineAlert, Notification, NotificationKind

from .helpers import at, committed, open_task, submitted_dossier

pytestmark = pytest.mark.django_db


def scan_at(time_machine, moment):
    time_machine.move_to(moment, tick=False)
    return committed(deadlines.scan)


def alerts(task):
    return sorted(DeadlineAlert.objects.filter(task=task).values_list("kind", flat=True))


def test_return_pauses_and_resubmission_resumes_with_days_left(province, time_machine):
    world = province
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 5, 10, 0))
    appraisal = open_task(dossier)
    assert appraisal.due_at == at(2023, 12, 14, 23, 59, 59, 999999)     # 7 working days
    time_machine.move_to(at(2023, 12, 8, 9, 0), tick=False)             # Fri: 11, 12, 13, 14 left
    request = services.dossier_return(dossier=dossier, actor=world.bob, reasons=[
        "Thiếu bản sao quyết định công nhận danh hiệu năm 2022.", {"text": "Báo cáo thành tích chưa có số liệu 2023."}])
    assert request.reviewer_days_left == 4
    assert request.unit_due_at == at(2023, 12, 15, 23, 59, 59, 999999)  # revision_lead_days = 5
    revision = open_task(dossier)
    request_notice = Notification.objects.get(user=world.alice, kind=NotificationKind.SUPPLEMENT_REQUEST)
    assert "15/12/2023" in request_notice.title
    assert "quyết định công nhận" in request_notice.body and "số liệu 2023" in request_notice.body
    assert (revision.step, revision.unit_id, revision.due_at) == (REVISION, world.unit.pk, request.unit_due_at)

    scan_at(time_machine, at(2023, 12, 12, 9, 0))
    assert alerts(revision) == []
    scan_at(time_machine, at(2023, 12, 13, 8, 0))                       # 2 working days before Fri 15/12
    assert alerts(revision) == [AlertKind.BEFORE]
    assert Notification.objects.filter(user=world.alice, kind=NotificationKind.REMINDER).count() == 1
    assert Notification.objects.filter(user=world.bob).count() == 0     # the appraiser's clock is paused

    time_machine.move_to(at(2023, 12, 13, 9, 0), tick=False)
    dossier.refresh_from_db()
    from dossiers.services import return_reply
    return_reply(dossier=dossier, actor=world.alice, replies={0: "Đã bổ sung bản sao quyết định.",
                                                              1: "Không cần sửa vì số liệu 2023 đã có ở mục II."})
    dossier = services.dossier_resubmit(dossier=dossier, actor=world.alice)
    assert ReturnRequest.objects.get(pk=request.pk).resolved_at is not None
    resumed = open_task(dossier)
    assert resumed.step == Step.APPRAISAL and resumed.pk != appraisal.pk
    assert resumed.due_at == at(2023, 12, 19, 23, 59, 59, 999999)       # 4 days left: 14, 15, 18, 19
    assert "19/12/2023" in Notification.objects.get(user=world.bob, kind=NotificationKind.SUPPLEMENT_RECEIVED).title

    scan_at(time_machine, at(2023, 12, 14, 12, 0))                      # the old due day: nothing for bob
    assert alerts(appraisal) == [] and alerts(resumed) == []
    scan_at(time_machine, at(2023, 12, 15, 8, 0))
    assert alerts(resumed) == [AlertKind.BEFORE]
    scan_at(time_machine, at(2023, 12, 19, 8, 0))
    scan_at(time_machine, at(2023, 12, 20, 0, 30))
    assert alerts(resumed) == [AlertKind.BEFORE, AlertKind.DUE_DAY, AlertKind.OVERDUE]
    assert alerts(revision) == [AlertKind.BEFORE]                       # finished on time, never escalated
    assert Notification.objects.filter(user=world.bob, kind=NotificationKind.REMINDER).count() == 2


def test_unit_missing_its_supplement_deadline_escalates_to_its_head(province, time_machine):
    world = province
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 5, 10, 0))
    time_machine.move_to(at(2023, 12, 8, 9, 0), tick=False)
    services.dossier_return(dossier=dossier, actor=world.bob, reasons=["Thiếu biên bản họp xét có chữ ký."])
    scan_at(time_machine, at(2023, 12, 18, 9, 0))
    assert Notification.objects.get(kind=NotificationKind.ESCALATION).user == world.henry
