"""Late processing: explanation (giải trình), the apology letter (PDF checked with pypdf), the
officer issuing it before the due day, and the statistics of late steps."""

import io

import pytest
from pypdf import PdfReader

from dossiers.errors import Conflict, InvalidInput, InvalidState, NotPermitted
from dossiers.models import DossierEvent, Step
from workflows import deadlines, services
from workflows.models import ApologyLetter, LateExplanation, Notification, NotificationKind

from .helpers import at, committed, open_task, set_lead, submitted_dossier

pytestmark = pytest.mark.django_db


def overdue_appraisal(world, time_machine):
    set_lead(world, Step.APPRAISAL, 3)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    task = open_task(dossier)
    time_machine.move_to(at(2023, 12, 12, 0, 10), tick=False)
    committed(deadlines.scan)
    return dossier, task


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_apology_letter_pdf_for_a_late_step(province, time_machine):
    dossier, task = overdue_appraisal(province, time_machine)
    letter = ApologyLetter.objects.get(task=task)
    assert letter.pdf, "rendered by the queued job after commit"
    assert letter.number == "01/PXL-STTTT"
    text = pdf_text(letter.pdf.read())
    flat = " ".join(text.split())
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in flat
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "Số: 01/PXL-STTTT" in flat
    assert "Lạng Sơn, ngày 12 tháng 12 năm 2023" in flat
    assert "Kính gửi: Sở Tư pháp" in flat
    assert "11/12/2023" in flat and "ngày 15/12/2023" in flat
    assert "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in flat and "UBND TỈNH LẠNG SƠN" in flat.upper()
    assert "Nơi nhận:" in flat and "Sam" in flat


def test_officer_issues_the_apology_before_the_due_day(province, time_machine):
    world = province
    set_lead(world, Step.APPRAISAL, 3)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    task = open_task(dossier)
    time_machine.move_to(at(2023, 12, 11, 15, 0), tick=False)           # the due day
    with pytest.raises(NotPermitted):
        deadlines.apology_issue(task=task, actor=world.charlie)
    with pytest.raises(InvalidInput):
        deadlines.apology_issue(task=task, actor=world.bob, new_due_date=at(2023, 12, 16).date())  # a Saturday
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        letter = deadlines.apology_issue(task=task, actor=world.bob, reason="Cần xác minh thêm số liệu.",
                                         new_due_date=at(2023, 12, 14).date())
    assert letter.issued_by == world.bob and letter.reason == "Cần xác minh thêm số liệu."
    with pytest.raises(Conflict):
        deadlines.apology_issue(task=task, actor=world.bob)
    # At expiry the scan escalates and asks for the explanation but does not issue a second letter.
    time_machine.move_to(at(2023, 12, 12, 0, 10), tick=False)
    committed(deadlines.scan)
    assert ApologyLetter.objects.filter(dossier=dossier).count() == 1
    assert LateExplanation.objects.filter(task=task).exists()
    assert Notification.objects.filter(kind=NotificationKind.APOLOGY).count() == 2   # alice and henry, once


def test_unit_steps_escalate_without_apology(province, time_machine):
    world = province
    time_machine.move_to(at(2023, 12, 4, 9, 0), tick=False)
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    time_machine.move_to(at(2023, 12, 20, 9, 0), tick=False)            # proposal (5 days) long overdue
    committed(deadlines.scan)
    assert Notification.objects.get(kind=NotificationKind.ESCALATION).user == world.henry
    assert not ApologyLetter.objects.exists() and not LateExplanation.objects.exists()
    assert DossierEvent.objects.filter(dossier=dossier, data__deadline="overdue").count() == 1


def test_explanation_and_statistics(province, time_machine):
    world = province
    dossier, task = overdue_appraisal(world, time_machine)
    stats = deadlines.late_step_statistics()
    assert (stats["late"], stats["explained"], stats["unexplained"]) == (1, 0, 1)
    explanation = LateExplanation.objects.get(task=task)
    assert list(deadlines.explanations_for(world.bob)) == [explanation]
    assert list(deadlines.explanations_for(world.sam)) == [explanation]
    assert list(deadlines.explanations_for(world.charlie)) == []
    with pytest.raises(NotPermitted):
        deadlines.explanation_submit(explanation=explanation, actor=world.alice, text="Không phải việc của tôi")
    with pytest.raises(InvalidInput):
        deadlines.explanation_submit(explanation=explanation, actor=world.bob, text="  bận ")
    deadlines.explanation_submit(explanation=explanation, actor=world.bob,
                                 text="Hồ sơ cần đối chiếu số liệu với Cục Thống kê.")
    with pytest.raises(InvalidState):
        deadlines.explanation_submit(explanation=explanation, actor=world.bob, text="Giải trình lần thứ hai.")
    event = DossierEvent.objects.get(dossier=dossier, data__deadline="explanation")
    assert event.actor == world.bob and "Cục Thống kê" in event.comment
    stats = deadlines.late_step_statistics()
    assert (stats["late"], stats["explained"], stats["unexplained"]) == (1, 1, 0)
    # Finished late: still late, still explained; the next step is on time so far.
    time_machine.move_to(at(2023, 12, 12, 9, 0), tick=False)
    services.dossier_approve_step(dossier=dossier, actor=world.bob)
    stats = deadlines.late_step_statistics()
    assert (stats["late"], stats["explained"], stats["finished"]) == (1, 1, 5)
    assert stats["finished_on_time"] == 4                              # the unit's four steps
