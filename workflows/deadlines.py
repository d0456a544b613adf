"""Deadlines that act: one periodic scan over the due dates of open tasks sends a reminder N working
days before (REMINDER_DAYS_BEFORE), one on the due day, and on expiry escalates to the head of the
responsible unit; for the administration's steps (appraisal, Sở Nội vụ, decision) it also asks the
responsible officer for an explanation (giải trình) and issues an apology letter with a new
appointment date to the submitting unit (Nghị định 61/2018). Calendar changes re-stamp due dates.

Exactly once: the scan inserts a DeadlineAlert row per (task, kind) under a unique constraint before
anything is sent, and queues delivery after commit with the ids it inserted itself; delivery claims
the row (delivered_at) with a conditional UPDATE. Two scans, or two consumers, send nothing twice."""

import datetime as dt
import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dossiers import calendar, lateness
from dossiers.errors import Conflict, InvalidInput, InvalidState, NotPermitted
from dossiers.models import (
    Dossier, EventKind, Membership, ReturnRequest, Role, Unit, local_day_end, local_day_start, steps_where,
)
from dossiers.rules import roles_at
from dossiers.services import lock_dossier, record_event
from dossiers.text import clean_line, in_official_language, place_of
from outbox import enqueue

from .flows import ACTIVE
from .models import (
    AlertKind, ApologyLetter, CalendarChange, DeadlineAlert, DossierTask, LateExplanation,
    NotificationKind,
)
from .notifications import members, notify, unit_contacts

log = logging.getLogger("khenthuong.deadlines")

# Steps done by the administration for the submitting unit: late ones need an explanation and an
# apology letter. The unit's own steps (and its revision) only escalate to the unit's head.
ADMINISTRATION_STEPS = tuple(steps_where(lambda kind: kind.owes_apology))
DELIVERY_CHUNK = 200


def reminder_days_before() -> int:
    return settings.REMINDER_DAYS_BEFORE


def late_extension_days() -> int:
    return settings.LATE_EXTENSION_DAYS


def _fmt(moment: dt.datetime) -> str:
    return date_format(timezone.localtime(moment), "d/m/Y")


# --- the scan ----------------------------------------------------------------------------------------
def due_candidates(now: dt.datetime):
    """Open tasks whose current deadline stage (before / due day / overdue) has no alert yet."""
    today = timezone.localdate(now)
    day_end = local_day_end(today)
    horizon = local_day_end(calendar.add_working_days(today, reminder_days_before()))
    stage = Case(When(due_at__lt=now, then=Value(AlertKind.OVERDUE.value)),
                 When(due_at__lte=day_end, then=Value(AlertKind.DUE_DAY.value)),
                 default=Value(AlertKind.BEFORE.value))
    sent = DeadlineAlert.objects.filter(task_id=OuterRef("pk"), kind=OuterRef("stage"))
    return (DossierTask.objects.filter(status__in=ACTIVE, due_at__isnull=False, due_at__lte=max(horizon, day_end))
            .annotate(stage=stage).filter(~Exists(sent)))


def scan(*, now: dt.datetime | None = None) -> list[int]:
    """One pass of the deadline scan. Returns the ids of the alerts this pass inserted; their
    delivery is queued on the task queue after commit, in chunks.

    One statement: INSERT … SELECT the candidates … ON CONFLICT DO NOTHING RETURNING id (PostgreSQL,
    SQLite ≥ 3.35). A concurrent pass inserting the same (task, kind) waits for the first to commit,
    then skips the row, so each pass gets back only the alerts it alone must deliver."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        connection = transaction.get_connection()
        select_sql, select_params = due_candidates(now).values_list("pk", "stage", "due_at").query.sql_with_params()
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in ("task_id", "kind", "due_at", "scan_token", "created_at"))
        sql = (f"INSERT INTO {quote(DeadlineAlert._meta.db_table)} ({columns}) "
               f"SELECT candidate.*, %s, %s FROM ({select_sql}) candidate WHERE 1 = 1 "
               f"ON CONFLICT DO NOTHING RETURNING {quote('id')}")
        with connection.cursor() as cursor:
            cursor.execute(sql, (token, connection.ops.adapt_datetimefield_value(now), *select_params))
            ids = sorted(row[0] for row in cursor.fetchall())
        for start in range(0, len(ids), DELIVERY_CHUNK):
            enqueue(kind=ALERTS_KIND, payload={"alerts": ids[start:start + DELIVERY_CHUNK]})
    log.info("deadline scan: %s new alerts", len(ids))
    return ids


ALERTS_KIND = "deadlines.alerts"
APOLOGY_KIND = "deadlines.apology_pdf"


class AlertsNotDelivered(Exception):
    """Some alerts of a batch failed; they stay undelivered and the outbox retries the batch."""


# --- delivery -----------------------------------------------------------------------------------------
def assignees(task: DossierTask) -> list:
    """The person who took the task, else everyone holding its role at its unit."""
    if task.owner_id:
        return [task.owner]
    return members(task.unit_id, [task.role])


def unit_heads(unit_id: int) -> list:
    """The head of the responsible unit (thủ trưởng); for the province, its chairman; else the admins."""
    return (members(unit_id, [Role.UNIT_HEAD]) or members(unit_id, [Role.CHAIRMAN])
            or list(members_with_role_anywhere(Role.ADMIN)))


def members_with_role_anywhere(role: str):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True, memberships__role=role,
                                           memberships__is_active=True).distinct()


def deliver_alerts(alert_ids: list[int], *, now: dt.datetime | None = None) -> int:
    """Deliver each alert once. One bad alert does not hold up the others; it stays undelivered (its
    transaction rolled back) and this raises at the end, so the outbox retries the batch (the
    delivered ones are then skipped: `delivered_at` is claimed)."""
    delivered, failed = 0, []
    for alert_id in alert_ids:
        try:
            delivered += deliver_alert(alert_id=alert_id, now=now)
        except Exception as exc:
            log.exception("deadline alert %s could not be delivered", alert_id)
            failed.append(f"{alert_id}: {type(exc).__name__}: {exc}")
    if failed:
        raise AlertsNotDelivered(f"{len(failed)} alert(s) not delivered: " + "; ".join(failed[:5]))
    return delivered


@transaction.atomic
def deliver_alert(*, alert_id: int, now: dt.datetime | None = None) -> bool:
    """Send one alert, once: whoever claims `delivered_at` sends, everyone else does nothing."""
    now = now or timezone.now()
    alert = DeadlineAlert.objects.select_related("task").filter(pk=alert_id).first()
    if alert is None:
        return False
    dossier = lock_dossier(alert.task.dossier_id)
    if not DeadlineAlert.objects.filter(pk=alert_id, delivered_at__isnull=True).update(delivered_at=now):
        return False
    task = DossierTask.objects.select_related("owner", "unit").get(pk=alert.task_id)
    if task.status not in ACTIVE:  # finished between the scan and now: nothing to remind
        return False
    if alert.kind == AlertKind.OVERDUE:
        _escalate(task, dossier, now)
    else:
        _remind(task, dossier, alert.kind, now)
    return True


def _remind(task: DossierTask, dossier: Dossier, kind: str, now: dt.datetime) -> None:
    days = calendar.working_days_between(timezone.localdate(now), timezone.localdate(task.due_at))
    if kind == AlertKind.DUE_DAY:
        title = _("Hồ sơ #%(pk)s — %(step)s: hết hạn xử lý hôm nay (23:59 ngày %(due)s)")
    else:
        title = _("Hồ sơ #%(pk)s — %(step)s: còn %(days)s ngày làm việc (hạn 23:59 ngày %(due)s)")
    title = title % {"pk": dossier.pk, "step": task.step_label, "days": days, "due": _fmt(task.due_at)}
    body = _("Đơn vị đề nghị: %(unit)s. Đợt thi đua: %(campaign)s.") % {"unit": dossier.unit,
                                                                       "campaign": dossier.campaign}
    if task.step in ADMINISTRATION_STEPS:
        body += " " + _("Nếu không thể hoàn thành đúng hạn, hãy phát hành phiếu xin lỗi và hẹn lại ngày trả kết "
                        "quả trước khi hết hạn: %(url)s") % {"url": settings.SITE_URL + reverse("deadlines:overview")}
    notify(users=assignees(task), dossier=dossier, kind=NotificationKind.REMINDER, title=title, body=body)


def _escalate(task: DossierTask, dossier: Dossier, now: dt.datetime) -> None:
    heads = unit_heads(task.unit_id)
    title = _("Hồ sơ #%(pk)s — %(step)s tại %(unit)s đã quá hạn (hạn 23:59 ngày %(due)s)") % {
        "pk": dossier.pk, "step": task.step_label, "unit": task.unit, "due": _fmt(task.due_at)}
    notify(users=heads, dossier=dossier, kind=NotificationKind.ESCALATION, title=title,
           body=_("Người được giao: %(who)s.") % {"who": ", ".join(_name(u) for u in assignees(task)) or "—"})
    record_event(dossier=dossier, actor=None, kind=EventKind.NOTE,
                 comment=_("Bước “%(step)s” quá hạn (hạn 23:59 ngày %(due)s); đã báo cáo thủ trưởng %(unit)s.")
                 % {"step": task.step_label, "due": _fmt(task.due_at), "unit": task.unit},
                 data={"deadline": "overdue", "task": task.pk, "step": task.step, "due_at": task.due_at.isoformat(),
                       "escalated_to": [u.pk for u in heads]})
    if task.step in ADMINISTRATION_STEPS:
        _request_explanation(task, dossier, now)
        if not ApologyLetter.objects.filter(task=task).exists():
            _issue_apology(task=task, dossier=dossier, actor=None, reason="", new_due_date=None, now=now)


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _request_explanation(task: DossierTask, dossier: Dossier, now: dt.datetime) -> LateExplanation:
    explanation, created = LateExplanation.objects.get_or_create(
        task=task, defaults={"dossier": dossier, "unit_id": task.unit_id, "requested_at": now})
    if created:
        who = assignees(task)
        notify(users=who, dossier=dossier, kind=NotificationKind.EXPLANATION,
               title=_("Hồ sơ #%(pk)s — đề nghị giải trình việc chậm “%(step)s”") % {"pk": dossier.pk,
                                                                                     "step": task.step_label},
               body=_("Hãy giải trình lý do chậm xử lý tại: %(url)s") % {
                   "url": settings.SITE_URL + reverse("deadlines:explanation", args=[explanation.pk])})
        record_event(dossier=dossier, actor=None, kind=EventKind.NOTE,
                     comment=_("Đề nghị %(who)s (%(unit)s) giải trình việc chậm bước “%(step)s”.")
                     % {"who": ", ".join(_name(u) for u in who) or task.get_role_display(), "unit": task.unit,
                        "step": task.step_label},
                     data={"deadline": "explanation_requested", "task": task.pk, "explanation": explanation.pk})
    return explanation


@transaction.atomic
def explanation_submit(*, explanation: LateExplanation, actor, text: str) -> LateExplanation:
    """The responsible officer (or the unit's head) writes why the step is late; recorded on the dossier."""
    dossier = lock_dossier(explanation.dossier_id)
    explanation = LateExplanation.objects.select_for_update().select_related("task").get(pk=explanation.pk)
    if not roles_at(actor, explanation.unit_id) & {explanation.task.role, Role.UNIT_HEAD}:
        raise NotPermitted()
    text = clean_line(text)
    if len(text) < 10:
        raise InvalidInput(_("Hãy viết nội dung giải trình (ít nhất 10 ký tự)."))
    if explanation.submitted_at is not None:
        raise InvalidState(_("Việc chậm này đã được giải trình lúc %(at)s.")
                           % {"at": date_format(timezone.localtime(explanation.submitted_at), "H:i d/m/Y")})
    explanation.text, explanation.submitted_by, explanation.submitted_at = text, actor, timezone.now()
    explanation.save(update_fields=["text", "submitted_by", "submitted_at"])
    record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE,
                 comment=_("Giải trình việc chậm bước “%(step)s”: %(text)s") % {"step": explanation.task.step_label,
                                                                             "text": text},
                 data={"deadline": "explanation", "task": explanation.task_id, "explanation": explanation.pk})
    return explanation


# --- supplement requests (phiếu yêu cầu bổ sung) ------------------------------------------------------
def supplement_requested(*, dossier: Dossier, request: ReturnRequest) -> None:
    """Tell the unit everything that is missing, at once, and its own deadline to supplement."""
    notify(users=unit_contacts(dossier.unit_id), dossier=dossier, kind=NotificationKind.SUPPLEMENT_REQUEST,
           title=_("Hồ sơ #%(pk)s được trả lại để bổ sung, hạn bổ sung 23:59 ngày %(due)s")
           % {"pk": dossier.pk, "due": _fmt(request.unit_due_at)},
           body="\n".join(f"- {reason['text']}" for reason in request.reasons))


def supplement_received(*, dossier: Dossier) -> None:
    """Tell the reviewers whose clock resumes that the dossier is back, and their new due date."""
    task = (DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE, flow_task_type="HUMAN")
            .select_related("owner").first())
    if task is None or task.due_at is None:
        return
    notify(users=assignees(task), dossier=dossier, kind=NotificationKind.SUPPLEMENT_RECEIVED,
           title=_("Hồ sơ #%(pk)s đã được bổ sung; tiếp tục “%(step)s”, hạn 23:59 ngày %(due)s")
           % {"pk": dossier.pk, "step": task.step_label, "due": _fmt(task.due_at)})


# --- apology letters -------------------------------------------------------------------------------------
@transaction.atomic
def apology_issue(*, task: DossierTask, actor, reason: str = "", new_due_date: dt.date | None = None) -> ApologyLetter:
    """The responsible officer issues the apology letter no later than the due day, when the step
    cannot be finished in time; the scan issues one itself for any late step that has none."""
    dossier = lock_dossier(task.dossier_id)
    task = DossierTask.objects.select_related("unit").get(pk=task.pk)
    if task.status not in ACTIVE or task.step not in ADMINISTRATION_STEPS:
        raise InvalidState(_("Chỉ phát hành phiếu xin lỗi cho bước thẩm định, quyết định đang xử lý."))
    if not roles_at(actor, task.unit_id) & {task.role, Role.UNIT_HEAD}:
        raise NotPermitted()
    return _issue_apology(task=task, dossier=dossier, actor=actor, reason=reason, new_due_date=new_due_date,
                          now=timezone.now())


def _issue_apology(*, task, dossier, actor, reason, new_due_date, now) -> ApologyLetter:
    existing = ApologyLetter.objects.filter(task=task).first()
    if existing:
        raise Conflict(_("Đã phát hành phiếu xin lỗi số %(number)s cho bước này.") % {"number": existing.number})
    old_due = timezone.localdate(task.due_at)
    if new_due_date is None:
        new_due_date = calendar.add_working_days(max(old_due, timezone.localdate(now)), late_extension_days())
    if new_due_date <= old_due or not calendar.is_working_day(new_due_date):
        raise InvalidInput(_("Ngày hẹn mới phải là ngày làm việc sau ngày %(due)s.") % {"due": _fmt(task.due_at)})
    unit = Unit.objects.select_for_update().get(pk=task.unit_id)  # one numbering sequence per unit
    year = timezone.localdate(now).year
    sequence = ApologyLetter.objects.filter(issuing_unit=unit, issued_at__gte=local_day_start(dt.date(year, 1, 1)),
                                            issued_at__lt=local_day_start(dt.date(year + 1, 1, 1))).count() + 1
    head = (Membership.objects.filter(unit=unit, role=Role.UNIT_HEAD, is_active=True).select_related("user")
            .order_by("pk").first())
    signer = {"name": _name(head.user), "title": head.title, "signs_for": head.signs_for} if head else {}
    reason = clean_line(reason) or _(
        "Hồ sơ cần thêm thời gian để xem xét, thẩm định; bước “%(step)s” chưa hoàn thành trong thời hạn quy định."
    ) % {"step": task.step_label}
    letter = ApologyLetter.objects.create(
        task=task, dossier=dossier, issuing_unit=unit, number=f"{sequence:02d}/PXL-{_abbreviation(unit)}",
        issued_at=now, original_due_at=task.due_at, new_due_at=local_day_end(new_due_date), reason=reason,
        signer=signer, issued_by=actor)
    notify(users=unit_contacts(dossier.unit_id), dossier=dossier, kind=NotificationKind.APOLOGY,
           title=_("Hồ sơ #%(pk)s — %(unit)s xin lỗi vì chậm “%(step)s”, hẹn trả kết quả ngày %(date)s") % {
               "pk": dossier.pk, "unit": unit, "step": task.step_label, "date": _fmt(letter.new_due_at)},
           body=reason)
    record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE,
                 comment=_("Phiếu xin lỗi và hẹn lại ngày trả kết quả số %(number)s: hẹn ngày %(date)s.")
                 % {"number": letter.number, "date": _fmt(letter.new_due_at)},
                 data={"deadline": "apology", "task": task.pk, "apology_letter": letter.pk,
                       "new_due_at": letter.new_due_at.isoformat()})
    enqueue(kind=APOLOGY_KIND, payload={"letter": letter.pk}, dedupe_key=str(letter.pk))
    return letter


def _abbreviation(unit: Unit) -> str:
    if unit.short_name:
        return unit.short_name.replace(" ", "")
    words = [w for w in unit.name.replace("&", " ").split() if w[:1].isalpha() and w.lower() != "và"]
    return "".join(w[0].upper() for w in words)[:10] or "DV"


def apology_context(letter: ApologyLetter) -> dict:
    issued = timezone.localtime(letter.issued_at)
    task = letter.task
    dossier = letter.dossier
    parent = letter.issuing_unit.parent
    return {
        "letter": letter, "dossier": dossier, "task": task, "unit": letter.issuing_unit, "parent": parent,
        "issued": issued, "place": place_of(letter.issuing_unit),
        "original_due": timezone.localtime(letter.original_due_at),
        "new_due": timezone.localtime(letter.new_due_at),
        "received": timezone.localtime(dossier.submitted_at) if dossier.submitted_at else None,
        "fonts": (Path(settings.BASE_DIR) / "static" / "fonts").as_uri(),
    }


@in_official_language
def apology_pdf(letter: ApologyLetter) -> bytes:
    from weasyprint import HTML

    html = render_to_string("deadlines/apology_letter.html", apology_context(letter))
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def apology_render(letter_id: int) -> ApologyLetter | None:
    """Render the letter's PDF once and store it (run by the consumer after the letter commits)."""
    from django.core.files.base import ContentFile

    letter = ApologyLetter.objects.select_related("task", "dossier", "dossier__unit", "dossier__campaign",
                                                  "issuing_unit", "issuing_unit__parent").filter(pk=letter_id).first()
    if letter is None or letter.pdf:
        return letter
    content = apology_pdf(letter)
    with transaction.atomic():
        locked = ApologyLetter.objects.select_for_update().get(pk=letter_id)
        if not locked.pdf:
            locked.pdf.save(f"{letter.number.replace('/', '-')}.pdf", ContentFile(content), save=True)
        return locked


# --- calendar changes ----------------------------------------------------------------------------------
RECOMPUTE_BATCH = 200


def expected_due(task: DossierTask, working: calendar.Calendar) -> dt.datetime | None:
    """The due date `task` has on the calendar `working`: the same number of working days from the
    same moment as when it was stamped (kept in task.data since stamping recorded it; for older
    tasks, the step's lead time, the days an appraiser had left, or the unit's revision time)."""
    days, start = task.data.get("working_days"), task.data.get("counted_from")
    start = dt.datetime.fromisoformat(start) if start else task.created
    if days is None:
        dossier = task.dossier
        if task.is_revision:
            days = dossier.award_form.revision_lead_days
        else:
            resumed = (ReturnRequest.objects.filter(dossier_id=task.dossier_id, step=task.step,
                                                    resolved_at__isnull=False, resolved_at__lte=task.created)
                       .order_by("-resolved_at").first())
            if resumed and (task.created - resumed.resolved_at).total_seconds() < 60:
                days = resumed.reviewer_days_left
            else:
                days = dossier.step_config(task.step).lead_days
    return working.due_at(start, int(days))


def _restamp(tasks: list[tuple[DossierTask, dt.datetime]], *, actor, comment, data: dict) -> None:
    """Write new due dates (bulk), the revision request's unit deadline, one event per task on its
    dossier and a notification to the assignees. The dossier rows are locked by the caller."""
    DossierTask.objects.bulk_update([t for t, _old in tasks], ["due_at"], batch_size=1000)
    for task, old_due in tasks:
        if task.is_revision:
            ReturnRequest.objects.filter(dossier_id=task.dossier_id, resolved_at__isnull=True).update(
                unit_due_at=task.due_at)
        record_event(dossier=Dossier(pk=task.dossier_id), actor=actor, kind=EventKind.NOTE,
                     comment=comment(task, old_due),
                     data={**data, "task": task.pk, "old_due_at": old_due.isoformat(),
                           "new_due_at": task.due_at.isoformat()})
        notify(users=assignees(task), dossier=task.dossier_id, kind=NotificationKind.DEADLINE_CHANGE,
               title=_("Hồ sơ #%(pk)s — hạn “%(step)s” đổi sang ngày %(new)s") % {
                   "pk": task.dossier_id, "step": task.step_label, "new": _fmt(task.due_at)})


def _lock_in_order(dossier_ids: list[int]):
    """One lock order everywhere: dossier rows (ascending pk, in batches), then their open tasks."""
    for i in range(0, len(dossier_ids), RECOMPUTE_BATCH):
        batch = dossier_ids[i:i + RECOMPUTE_BATCH]
        list(Dossier.objects.select_for_update(of=("self",)).filter(pk__in=batch).order_by("pk")
             .values_list("pk", flat=True))
        yield list(DossierTask.objects.select_for_update(of=("self",))
                   .filter(dossier_id__in=batch, status__in=ACTIVE, due_at__isnull=False)
                   .select_related("owner", "dossier__award_form").order_by("dossier_id", "pk"))


def deadlines_recompute(*, day: dt.date, was_working: bool, is_working: bool, actor=None, note: str = "") -> int:
    """Re-stamp the due dates of open, not yet overdue tasks whose span (creation day, due day]
    contains `day`: the same number of working days, counted on the new calendar. Logged as a
    CalendarChange and as an event on each dossier concerned. Runs in the calendar service's
    transaction, which holds the calendar's write lock; locks dossiers then tasks, in batches by
    ascending dossier id, as every path service does (dossier row first)."""
    now = timezone.now()
    delta = int(is_working) - int(was_working)
    working = calendar.current()  # the new calendar: this transaction changed it
    window = Q(status__in=ACTIVE, due_at__gte=max(now, local_day_start(day)), created__lt=local_day_start(day))
    dossier_ids = sorted(set(DossierTask.objects.filter(window, dossier__isnull=False)
                             .values_list("dossier_id", flat=True)))
    changed = []
    for tasks in _lock_in_order(dossier_ids):
        restamped = []
        for task in tasks:
            if not (task.due_at >= max(now, local_day_start(day)) and task.created < local_day_start(day)):
                continue
            old_due = task.due_at
            if task.data.get("working_days") is not None:
                task.due_at = expected_due(task, working)
            else:
                counted_now = working.working_days_between(timezone.localdate(task.created),
                                                           timezone.localdate(old_due))
                task.due_at = working.due_at(task.created, counted_now - delta)
            if task.due_at != old_due:
                restamped.append((task, old_due))
        _restamp(restamped, actor=actor, data={"deadline": "recomputed", "calendar_day": day.isoformat()},
                 comment=lambda task, old: _("Hạn xử lý bước “%(step)s” đổi từ %(old)s sang %(new)s do thay đổi "
                                             "lịch ngày %(day)s.") % {"step": task.step_label, "old": _fmt(old),
                                                                      "new": _fmt(task.due_at),
                                                                      "day": date_format(day, "d/m/Y")})
        changed += restamped
    CalendarChange.objects.create(day=day, was_working=was_working, is_working=is_working, note=note[:255],
                                  actor=actor if getattr(actor, "pk", None) else None, tasks_recomputed=len(changed))
    log.info("calendar %s: %s -> %s; %s open tasks re-stamped", day, was_working, is_working, len(changed))
    return len(changed)


def deadlines_disagreeing(*, now: dt.datetime | None = None) -> list[tuple[DossierTask, dt.datetime]]:
    """Open tasks whose due date is not what the calendar gives now, with the right one; tasks
    whose stored and right due dates are both past are left alone (their alerts went out)."""
    now = now or timezone.now()
    working = calendar.current()
    wrong = []
    for task in (DossierTask.objects.filter(status__in=ACTIVE, due_at__isnull=False, dossier__isnull=False)
                 .select_related("dossier__award_form").order_by("dossier_id", "pk").iterator(chunk_size=500)):
        right = expected_due(task, working)
        if right != task.due_at and max(right, task.due_at) >= now:
            wrong.append((task, right))
    return wrong


def deadlines_repair(*, apply: bool = False, actor=None, now: dt.datetime | None = None) -> list[dict]:
    """Find (and with apply=True re-stamp) every open task whose due date disagrees with the
    calendar. Returns one row per task: dossier, task, step, stored and right due dates."""
    def run():
        found = deadlines_disagreeing(now=now)
        rows = [{"dossier": t.dossier_id, "task": t.pk, "step": t.step_label, "stored": t.due_at, "right": right}
                for t, right in found]
        if not apply or not found:
            return rows
        right_by_task = {t.pk: right for t, right in found}
        for tasks in _lock_in_order(sorted({t.dossier_id for t, _right in found})):
            restamped = []
            for task in tasks:
                if task.pk in right_by_task and task.due_at != right_by_task[task.pk]:
                    old_due, task.due_at = task.due_at, right_by_task[task.pk]
                    restamped.append((task, old_due))
            _restamp(restamped, actor=actor, data={"deadline": "repaired"},
                     comment=lambda task, old: _("Hạn xử lý bước “%(step)s” được sửa từ %(old)s thành %(new)s cho "
                                                 "đúng lịch làm việc.") % {"step": task.step_label, "old": _fmt(old),
                                                                          "new": _fmt(task.due_at)})
        return rows

    if not apply:
        return run()
    from dossiers.services.common import retry_on_deadlock

    return retry_on_deadlock(run)


# --- selectors ---------------------------------------------------------------------------------------------
def late_tasks(*, now: dt.datetime | None = None):
    """Steps finished after their due date, or still open past it ("late" is computed, never stored)."""
    now = now or timezone.now()
    return DossierTask.objects.filter(due_at__isnull=False, flow_task_type="HUMAN").filter(lateness.late_q(now))


def late_step_statistics(*, now: dt.datetime | None = None, campaign=None) -> dict:
    """Late steps, with and without a submitted explanation; on-time share of finished steps."""
    now = now or timezone.now()
    late = late_tasks(now=now)
    tasks = DossierTask.objects.filter(due_at__isnull=False, flow_task_type="HUMAN")
    if campaign is not None:
        late, tasks = late.filter(dossier__campaign=campaign), tasks.filter(dossier__campaign=campaign)
    explained = Exists(LateExplanation.objects.filter(task_id=OuterRef("pk"), submitted_at__isnull=False))
    administration = Q(step__in=list(ADMINISTRATION_STEPS))
    counts = late.aggregate(
        late=Count("pk"), explained=Count("pk", filter=Q(explained)),
        administration=Count("pk", filter=administration),
        administration_explained=Count("pk", filter=Q(explained) & administration))
    finished = tasks.aggregate(
        total=Count("pk", filter=Q(finished__isnull=False)), on_time=Count("pk", filter=lateness.on_time_q()),
        judged=Count("pk", filter=lateness.judged_q(now)))
    return {
        "late": counts["late"], "explained": counts["explained"], "unexplained": counts["late"] - counts["explained"],
        "administration_late": counts["administration"],
        "administration_unexplained": counts["administration"] - counts["administration_explained"],
        "finished": finished["total"], "finished_on_time": finished["on_time"],
        "on_time_rate": lateness.on_time_rate(finished["on_time"], finished["judged"]),
        "apologies": ApologyLetter.objects.filter(task__in=late).count(),
    }


def explanations_for(user):
    """Explanations the user is asked for: at units where they hold the task's role or are head."""
    pairs = Membership.objects.filter(user=user, is_active=True).values_list("unit_id", "role")
    query = Q(pk__in=[])
    for unit_id, role in pairs:
        query |= Q(unit_id=unit_id) if role == Role.UNIT_HEAD else Q(unit_id=unit_id, task__role=role)
    return LateExplanation.objects.filter(query).select_related("task", "dossier", "unit").distinct()


def recompute_on_calendar_change(sender, **kwargs):
    """Receiver of dossiers.services.calendar.calendar_changed (connected in WorkflowsConfig.ready)."""
    deadlines_recompute(day=kwargs["day"], was_working=kwargs["was_working"], is_working=kwargs["is_working"],
                        actor=kwargs.get("actor"), note=kwargs.get("note", ""))
