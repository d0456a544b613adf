"""Hiệp y — consultation of other agencies, in parallel (issue 12.5).

When a dossier reaches a consultation step the flow opens one task per consulted agency (the
StepRule's ConsultedAgency rows), each addressed to the step's role at that agency and due after
that agency's lead days; the deadline scan reminds and escalates them like any other task. An
agency answers through `consultation_answer` (agree, or disagree with reasons, with an optional
letter attached). The answer that leaves no agency unheard fires the step's FSM transition
(`complete_consultation`, guarded by `Dossier.consultation_problems`) and its task routes on.

After an agency's deadline, where the form says `silence_means_agreement`, the periodic job
`consultation_scan` records the silence as agreement (verdict "silent", no person) and closes the
agency's task; otherwise the task stays open, overdue, and escalates."""

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.errors import InvalidInput, InvalidState, NotPermitted
from dossiers.models import ConsultationAnswer, Dossier, DossierStatus, EventKind, Step, Unit, Verdict
from dossiers.rules import roles_at
from dossiers.services import lock_dossier, record_event
from dossiers.services.documents import discard_stored, validate_upload
from dossiers.text import clean_text

from .flows import ACTIVE
from .models import DossierTask

log = logging.getLogger("khenthuong.workflows")


def consulted_agencies(dossier: Dossier, step=Step.CONSULTATION) -> list[int]:
    if step not in dossier.path():
        return []
    return [unit_id for unit_id, _days in dossier.step_config(step).consulted]


def may_answer(user, dossier: Dossier, agency_id: int, step=Step.CONSULTATION) -> bool:
    """Permitted: the step's role at that consulted agency (whatever the state)."""
    if agency_id not in consulted_agencies(dossier, step):
        return False
    return dossier.step_config(step).role in roles_at(user, agency_id)


def _agency_task(dossier: Dossier, agency_id: int) -> DossierTask | None:
    return (DossierTask.objects.select_related("process")
            .filter(dossier=dossier, step=Step.CONSULTATION, unit_id=agency_id, status__in=ACTIVE).first())


def consultation_answer(*, dossier: Dossier, actor, agency: Unit, verdict: str, reasons: str = "",
                        attachment=None) -> ConsultationAnswer:
    """The consulted agency's opinion on the dossier. Refused: another person than the step's role at
    that agency (NotPermitted); a dossier not waiting for that agency (InvalidState); no verdict, or a
    disagreement without reasons (InvalidInput). The attachment is checked like any upload (content,
    virus scan) before anything is written."""
    verdict = (verdict or "").strip()
    if verdict not in (Verdict.AGREE, Verdict.DISAGREE):
        raise InvalidInput(_("Hãy chọn “Đồng ý” hoặc “Không đồng ý”."))
    reasons = clean_text(reasons or "")
    if verdict == Verdict.DISAGREE and not reasons:
        raise InvalidInput(_("Hãy ghi rõ lý do không đồng ý."))
    if not may_answer(actor, dossier, agency.pk):
        raise NotPermitted()
    stored, name = "", ""
    if attachment is not None:
        from dossiers.inspection import clean_filename

        name = clean_filename(attachment.name)
        validate_upload(attachment, name)
        field = ConsultationAnswer._meta.get_field("attachment")
        stored = field.storage.save(field.generate_filename(ConsultationAnswer(dossier_id=dossier.pk,
                                                                               agency_id=agency.pk), name),
                                    attachment, max_length=field.max_length)
    try:
        return _record_answer(dossier=dossier, actor=actor, agency=agency, verdict=verdict, reasons=reasons,
                              stored=stored, name=name)
    except BaseException:
        if stored:
            discard_stored_answer(stored)
        raise


def discard_stored_answer(name: str) -> None:
    try:
        ConsultationAnswer._meta.get_field("attachment").storage.delete(name)
    except Exception:
        discard_stored(name)


@transaction.atomic
def _record_answer(*, dossier, actor, agency, verdict, reasons, stored, name) -> ConsultationAnswer:
    dossier = lock_dossier(dossier, seen_status=None)
    if not may_answer(actor, dossier, agency.pk):
        raise NotPermitted()
    task = _agency_task(dossier, agency.pk)
    if dossier.status != DossierStatus.IN_CONSULTATION or task is None:
        if ConsultationAnswer.objects.filter(dossier=dossier, agency=agency).exists():
            raise InvalidState(_("%(unit)s đã cho ý kiến hiệp y về hồ sơ này.") % {"unit": agency.name})
        raise InvalidState(_("Hồ sơ không ở bước lấy ý kiến hiệp y."))
    answer = _create_answer(dossier=dossier, agency=agency, verdict=verdict, reasons=reasons, answered_by=actor,
                            due_at=task.due_at, attachment=stored, attachment_name=name)
    _settle(dossier, task, actor, outcome="answered")
    return answer


def _create_answer(*, dossier, agency, verdict, **fields) -> ConsultationAnswer:
    try:
        with transaction.atomic():
            answer = ConsultationAnswer.objects.create(dossier=dossier, agency=agency, verdict=verdict, **fields)
    except IntegrityError:
        raise InvalidState(_("%(unit)s đã cho ý kiến hiệp y về hồ sơ này.") % {"unit": agency.name}) from None
    record_event(dossier=dossier, actor=fields.get("answered_by"), kind=EventKind.CONSULTATION,
                 comment=f"{agency.name}: {answer.get_verdict_display()}"
                         + (f" — {answer.reasons}" if answer.reasons else ""),
                 data={"step": Step.CONSULTATION, "agency": agency.pk, "verdict": verdict,
                       "late": answer.is_late, "answer": answer.pk})
    return answer


def _settle(dossier: Dossier, task: DossierTask, actor, *, outcome: str) -> None:
    """Close the agency's task; when no agency is left unheard, the step completes first (its FSM
    transition), so the task routes to the next step."""
    from .services import _complete_task, _fire

    if not dossier.consultation_problems():
        before = _fire(dossier, dossier.complete_consultation, missing=dossier.consultation_problems)
        record_event(dossier=dossier, actor=actor, kind=EventKind.TRANSITION, from_status=before,
                     to_status=dossier.status, data={"step": Step.CONSULTATION})
    _complete_task(task, dossier, actor, outcome)


def consultation_scan(*, now=None) -> int:
    """Periodic: each consulted agency whose deadline has passed without an answer, on a form where
    silence means agreement, is recorded as agreeing (verdict "silent"); its task closes and the
    step completes when it was the last. Returns how many silences were recorded. Each dossier in its
    own transaction; safe to run twice at once (the dossier row lock and the one-answer constraint)."""
    now = now or timezone.now()
    overdue = (DossierTask.objects.filter(step=Step.CONSULTATION, status__in=ACTIVE, due_at__lt=now,
                                          dossier__status=DossierStatus.IN_CONSULTATION)
               .values_list("dossier_id", "unit_id"))
    recorded = 0
    for dossier_id, agency_id in list(overdue):
        try:
            recorded += _record_silence(dossier_id=dossier_id, agency_id=agency_id, now=now)
        except Exception:
            log.exception("consultation silence for dossier %s, agency %s not recorded", dossier_id, agency_id)
    return recorded


@transaction.atomic
def _record_silence(*, dossier_id: int, agency_id: int, now) -> int:
    dossier = lock_dossier(dossier_id, seen_status=None)
    if dossier.status != DossierStatus.IN_CONSULTATION or not dossier.step_config(Step.CONSULTATION).silence_means_agreement:
        return 0
    task = _agency_task(dossier, agency_id)
    if task is None or task.due_at is None or task.due_at >= now:
        return 0
    _create_answer(dossier=dossier, agency=Unit.objects.get(pk=agency_id), verdict=Verdict.SILENT,
                   reasons="", answered_by=None, due_at=task.due_at, answered_at=now)
    _settle(dossier, task, None, outcome="silence")
    return 1
