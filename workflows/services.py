"""Moves along the award path. Each is one transaction: lock the dossier row, check the actor's
role at the acting unit, check the step's conditions, fire the FSM transition, write the event,
complete the open task (the flow then opens the next one, addressed and with its due date)."""

import functools
import logging
from types import SimpleNamespace

from contextlib import nullcontext

from django.db import DatabaseError, IntegrityError, transaction
from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.status import STATUS

from dossiers import calendar, txn
from dossiers.errors import Conflict, InvalidInput, InvalidState, MissingRequirements, NotPermitted, WindowClosed
from dossiers.models import (
    AwardForm, Campaign, Dossier, DossierEvent, DossierStatus, EventKind, Membership, Nominee, Outcome, ReturnRequest, Role,
    Step, StepRule, Unit, kind_of,
)
from dossiers import policy
from dossiers.policy import Action, may_open_dossier, require
from dossiers.rules import (
    authority_read, authority_scope, authority_to_read, can_act, signing_capacity, why_cannot_act,
)
from dossiers.selectors import return_items
from dossiers.services import lock_dossier, record_event
from dossiers.services.returns import unanswered_items_message
from dossiers.models.council import failed_council_ids
from dossiers.text import clean_line, clean_text, date_in_range

from . import deadlines
from .flows import ACTIVE, DossierFlow
from .models import REVISION, DossierTask

log = logging.getLogger("khenthuong.workflows")


def lock_for_move(dossier: Dossier, *, actor=None, read: dict | None = None) -> Dossier:
    """`lock_dossier` for a move along the path. On PostgreSQL one statement takes, in this order, the
    calendar's shared lock (unless this transaction holds it), the dossier row (with its campaign,
    award form and unit), its open task and that task's process row (viewflow's flow lock, NOWAIT as
    viewflow takes it: a process row held by anything else is a Conflict at once), all locked until
    commit, and reads beside them the award form's step rules, the `actor`'s roles
    (unless already read in this request or move) and what the caller asks in `read` ({name:
    function of the award form's id (an OuterRef) giving an expression}; the answers in
    `dossier.read_with_lock`). The task waits on `_open_task`; the rules fill `Dossier.step_rules()`;
    the roles, `rules.authority`.

    Why one statement is safe although its snapshot predates any wait for a lock: every row it
    returns that a concurrent move may change is locked by it, and PostgreSQL re-reads a row it
    waited for at its latest committed version (and drops it when it no longer matches: a task
    completed meanwhile). What it reads unlocked (campaign, award form, unit, step rules) no move
    changes, nor do roles and criteria (read a moment earlier, they would be as good). When no
    open task comes back (none, or the one seen was completed meanwhile), it falls back to
    `lock_dossier` and `_open_task` reads afresh."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        return lock_dossier(dossier)
    pk = dossier.pk if isinstance(dossier, Dossier) else dossier
    tasks = (DossierTask.objects.filter(dossier_id=pk, status__in=ACTIVE, flow_task_type="HUMAN")
             .select_related("process", "dossier__campaign", "dossier__award_form", "dossier__unit")
             .annotate(kt_step_rules=_STEP_RULES_JSON,
                       **{f"kt_read_{name}": make(OuterRef("dossier__award_form_id"))
                          for name, make in (read or {}).items()})
             # lock order as everywhere: the dossier row, then its task, then the process
             .select_for_update(of=("dossier", "self", "process")).order_by("pk"))
    roles = authority_to_read(actor)
    if roles is not None:
        tasks = tasks.annotate(kt_roles=roles)
    if not txn.known("calendar-read-lock"):
        tasks = tasks.filter(calendar.read_lock_expression())
    try:
        with connection.execute_wrapper(_process_lock_nowait):
            task = tasks.first()
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "55P03":    # lock_not_available (NOWAIT)
            raise
        raise Conflict(_("Người khác đang xử lý hồ sơ này. Vui lòng thử lại sau ít phút.")) from None
    if task is None:
        return lock_dossier(dossier)
    txn.remember("calendar-read-lock")
    txn.remember(("dossier-row-lock", pk))
    locked = task.dossier
    if isinstance(dossier, Dossier) and locked.status != dossier.status:
        raise Conflict.moved_on(pks=[locked.pk], status=locked.get_status_display())
    locked._step_rules = {Step(rule.step): rule
                          for rule in _step_rules_from_json(task.kt_step_rules, connection.alias)}
    locked.read_with_lock = {name: getattr(task, f"kt_read_{name}") for name in read or {}}
    if roles is not None:
        authority_read(actor, task.kt_roles)
    task.process_locked = True
    locked._kt_open_task = task
    return locked


_LOCKS = 'FOR UPDATE OF "dossiers_dossier", "workflows_dossiertask", "viewflow_process"'


def _process_lock_nowait(execute, sql, params, many, context):
    """The ORM writes one locking clause for all three rows; PostgreSQL takes one per table: the dossier
    and task rows waited for, the process row NOWAIT (as viewflow locks it)."""
    assert sql.endswith(_LOCKS), sql[-120:]
    sql = sql[:-len(_LOCKS)] + ('FOR UPDATE OF "dossiers_dossier", "workflows_dossiertask" '
                                'FOR UPDATE OF "viewflow_process" NOWAIT')
    return execute(sql, params, many, context)


_RULE_FIELDS = ("id", "award_form_id", "step", "lead_days", "acting_unit_id", "role", "acting_unit_source", "position",
                "silence_means_agreement")
_STEP_RULES_JSON = Subquery(
    StepRule.objects.filter(award_form_id=OuterRef("dossier__award_form_id")).order_by()
    .values("award_form_id").annotate(rules=JSONBAgg(JSONObject(**{f: f for f in _RULE_FIELDS}),
                                                     order_by=("position", "id")))
    .values("rules"))


def _step_rules_from_json(rows, alias) -> list[StepRule]:
    return [StepRule.from_db(alias, list(_RULE_FIELDS), [row[f] for f in _RULE_FIELDS]) for row in rows or ()]


def _open_task(dossier: Dossier) -> DossierTask:
    """The dossier's open task, its process row locked by the same statement (viewflow's lock:
    SELECT … FOR UPDATE NOWAIT on the process; one round trip instead of two). Read by
    `lock_for_move` already when it could: then taken from there, once."""
    task = dossier.__dict__.pop("_kt_open_task", None)
    if task is not None:
        return task
    try:
        task = (DossierTask.objects.select_related("process")
                .filter(dossier=dossier, status__in=ACTIVE, flow_task_type="HUMAN")
                .select_for_update(nowait=True, of=("process",)).first())
    except DatabaseError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "55P03":    # lock_not_available (NOWAIT)
            raise
        raise Conflict(_("Người khác đang xử lý hồ sơ này. Vui lòng thử lại sau ít phút.")) from None
    if task is None:
        raise InvalidState(_("Hồ sơ không có bước nào đang chờ xử lý."))
    task.process_locked = True
    return task


def _complete_task(task: DossierTask, dossier: Dossier, actor, outcome: str, *, next_due_at=None) -> None:
    """Complete `task` for the locked `dossier`; the flow opens the next task, due at `next_due_at`
    when given (else after the next step's configured lead days)."""
    try:
        # The flow's own lock (SELECT … FOR UPDATE NOWAIT on the process row), as Task.activation()
        # takes it, minus its re-read of the task: `task` was read after the dossier row was locked,
        # and nothing moves a dossier's tasks without that lock, so the row cannot have changed.
        with (nullcontext() if getattr(task, "process_locked", False) else DossierFlow.lock(task.process_id)):
            activation = task.flow_task.activation_class(task, dossier=dossier, next_due_at=next_due_at)
            if activation.task.status == STATUS.NEW:
                # assign without a separate save: the task is saved once, when it completes
                activation.task.owner, activation.task.status = actor, STATUS.ASSIGNED
                activation.task.assigned = timezone.now()
            activation.task.data = {**activation.task.data, "outcome": outcome}
            activation.start(SimpleNamespace(user=actor))
            activation.execute()
            activation.save_completion()    # when no next task was opened with it
    except FlowLockFailed:
        raise Conflict(_("Người khác đang xử lý hồ sơ này. Vui lòng thử lại sau ít phút.")) from None


def path_move(function):
    """A move along the path: one transaction, in which each user's roles are read once (as within a
    request, whose cache it then uses)."""
    @functools.wraps(function)
    def move(*args, **kwargs):
        with authority_scope(), transaction.atomic():
            return function(*args, **kwargs)
    return move


def _cancel_parallel_tasks(dossier: Dossier, task: DossierTask) -> None:
    """The step ends for all of its parallel tasks (the consulted agencies not yet heard from, when the
    dossier is withdrawn): they close as cancelled; `task` is completed by the caller."""
    with DossierFlow.lock(task.process_id):
        (DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE, flow_task_type="HUMAN")
         .exclude(pk=task.pk).update(status=STATUS.CANCELED, finished=timezone.now()))


def _fire(dossier: Dossier, method, *args, missing=None, **kwargs) -> str:
    """Fire an FSM transition. The FSM checks the state and the transition's conditions; when a
    condition refuses, `missing()` names what is missing (read only on that path)."""
    before = dossier.status
    if not can_proceed(method, check_conditions=False):
        raise InvalidState(_("Không thể thực hiện thao tác này khi hồ sơ đang ở trạng thái “%(status)s”.")
                           % {"status": dossier.get_status_display()})
    try:
        method(*args, **kwargs)
    except TransitionNotAllowed:
        raise MissingRequirements((missing() if missing else []) or [_("Hồ sơ chưa đủ điều kiện.")]) from None
    dossier.save(update_fields=_TRANSITION_FIELDS)
    return before


# What a path transition may change on the dossier row (the FSM methods in dossiers.models).
_TRANSITION_FIELDS = ["status", "submitted_at", "signed_by", "returned_from", "decided_at"]


def _check_window(dossier: Dossier) -> None:
    campaign = dossier.campaign
    if not campaign.is_window_open():
        raise WindowClosed(
            _("Ngoài thời gian nhận hồ sơ: từ 00:00 ngày %(opens)s đến 23:59 ngày %(closes)s.")
            % {"opens": date_format(campaign.window_opens, "d/m/Y"),
               "closes": date_format(campaign.window_closes, "d/m/Y")})


def _require(dossier: Dossier, actor, step: Step) -> DossierTask:
    """`actor` asks to do `step`: their role at its acting unit, then the open task must be it."""
    if not can_act(actor, dossier, step):
        raise NotPermitted(why_cannot_act(actor, dossier, step))
    return _task_at(dossier, step)


def _task_at(dossier: Dossier, step: Step) -> DossierTask:
    task = _open_task(dossier)
    if task.step != step:
        raise InvalidState(_("Hồ sơ đang ở bước “%(current)s”, không phải “%(step)s”.")
                           % {"current": task.step_label, "step": step.label})
    return task


@transaction.atomic
def dossier_create(*, campaign: Campaign, award_form: AwardForm, unit: Unit, actor) -> Dossier:
    """Open a dossier for a unit and start its flow: the unit officer gets the proposal task."""
    if not may_open_dossier(actor, unit):
        raise NotPermitted()
    if award_form.campaign_id != campaign.pk:
        raise InvalidInput(_("Hình thức khen thưởng không thuộc đợt thi đua này."))
    if timezone.now() > campaign.window_close_at:
        raise WindowClosed(_("Đợt thi đua đã hết hạn nhận hồ sơ (23:59 ngày %(closes)s).")
                           % {"closes": date_format(campaign.window_closes, "d/m/Y")})
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(campaign=campaign, award_form=award_form, unit=unit, created_by=actor)
    except IntegrityError:
        existing = Dossier.objects.filter(campaign=campaign, award_form=award_form, unit=unit).exclude(
            status=DossierStatus.WITHDRAWN).first()
        raise Conflict(_("Đơn vị đã có hồ sơ #%(pk)s cho hình thức này trong đợt thi đua.")
                       % {"pk": existing.pk if existing else "?"}) from None
    record_event(dossier=dossier, actor=actor, kind=EventKind.CREATED, to_status=dossier.status)
    DossierFlow.start.run(dossier=dossier)
    return dossier


@path_move
def dossier_complete_step(*, dossier: Dossier, actor, step: Step, comment: str = "") -> Dossier:
    """Finish one of the unit's preparation steps (tờ trình, họp xét, báo cáo thành tích)."""
    dossier = lock_for_move(dossier, actor=actor)
    if not kind_of(step).is_preparation:
        raise InvalidInput(_("Bước này không do đơn vị hoàn thành."))
    task = _require(dossier, actor, step)
    before = _fire(dossier, dossier.transition_for(step), missing=lambda: dossier.step_problems(step))
    record_event(dossier=dossier, actor=actor, kind=EventKind.TRANSITION, from_status=before,
                 to_status=dossier.status, comment=comment, data={"step": step})
    _complete_task(task, dossier, actor, "done")
    return dossier


@path_move
def dossier_submit(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    """The unit head signs the tờ trình and sends the dossier, inside the submission window."""
    dossier = lock_for_move(dossier, actor=actor)
    task = _require(dossier, actor, Step.SUBMISSION)
    _check_window(dossier)
    before = _fire(dossier, dossier.submit, signer=actor, missing=dossier.unit_problems)
    campaign = dossier.campaign
    if campaign.rulebook_frozen_at is None:
        Campaign.objects.filter(pk=campaign.pk, rulebook_frozen_at__isnull=True).update(
            rulebook_frozen_at=timezone.now())
    config = dossier.step_config(Step.SUBMISSION)
    capacity = signing_capacity(actor, config.acting_unit_id, config.role)
    record_event(dossier=dossier, actor=actor, kind=EventKind.TRANSITION, from_status=before,
                 to_status=dossier.status, comment=comment,
                 data={"step": Step.SUBMISSION, "signed_as": _signature(actor, capacity)})
    _complete_task(task, dossier, actor, "submitted")
    return dossier


@path_move
def dossier_approve_step(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    """A reviewer (Sở TT&TT, Sở Nội vụ) approves the step the dossier is at and forwards it."""
    from criteria.services import hard_criteria, require_criteria_met  # hard criteria block unless overridden

    dossier = lock_for_move(dossier, actor=actor, read={"hard_criteria": hard_criteria})
    require(actor, dossier, Action.REVIEW, not_now=_("Hồ sơ không ở bước thẩm định."))
    step = dossier.current_step
    task = _task_at(dossier, step)
    require_criteria_met(dossier=dossier, actor=actor,
                         any_hard=getattr(dossier, "read_with_lock", {}).get("hard_criteria"))
    before = _fire(dossier, dossier.transition_for(step), missing=lambda: dossier.step_problems(step))
    record_event(dossier=dossier, actor=actor, kind=EventKind.TRANSITION, from_status=before,
                 to_status=dossier.status, comment=comment, data={"step": step})
    _complete_task(task, dossier, actor, "approved")
    return dossier


def dossier_review(*, dossier: Dossier, actor, action: str, reasons: list, comment: str = "",
                   verdicts: dict[int, str] | None = None) -> str:
    """The reviewer's verdict from the review page: "approve" (forward), "return" (with the
    per-document and general reasons) or "reject" (the comment is the reason). Approving is refused
    while a document is marked for return, and at the decision step (decided on the signing page).
    With `verdicts` ({document pk: "ok" | "return"}, from the page, where nothing is pre-selected)
    approving also needs a verdict chosen for every current document.
    Returns the verdict carried out."""
    if action == "approve":
        if policy.possible(dossier, Action.DECIDE):
            raise InvalidInput(_("Hồ sơ chờ quyết định được duyệt ở trang “Ký quyết định”."))
        if verdicts is not None:
            unjudged = [_document_label(d) for d in dossier.documents.filter(is_current=True).select_related(
                "document_type", "nominee__person", "nominee__unit").order_by("document_type__name", "nominee_id")
                if verdicts.get(d.pk) not in ("ok", "return")]
            if unjudged:
                raise MissingRequirements([_("Chưa chọn “Đạt” hoặc “Trả lại” cho “%(doc)s”.") % {"doc": label}
                                           for label in unjudged])
        if reasons:
            raise InvalidInput(_("Có thành phần được đánh dấu “trả lại”: hãy bấm “Trả lại để bổ sung”, "
                                 "hoặc chuyển chúng về “đạt” trước khi chuyển tiếp."))
        dossier_approve_step(dossier=dossier, actor=actor, comment=comment)
    elif action == "return":
        dossier_return(dossier=dossier, actor=actor, reasons=reasons)
    elif action == "reject":
        dossier_reject(dossier=dossier, actor=actor, reason=comment)
    else:
        raise InvalidInput(_("Thao tác không hợp lệ."))
    return action


def _document_label(document) -> str:
    name = document.document_type.name
    return f"{name} — {document.nominee.name}" if document.nominee_id else name


def _clean_reasons(reasons) -> list[dict]:
    cleaned = []
    for reason in reasons or []:
        item = {"text": reason} if isinstance(reason, str) else dict(reason)
        item["text"] = clean_line(item.get("text", ""))
        if item["text"]:
            cleaned.append(item)
    if not cleaned:
        raise InvalidInput(_("Hãy ghi rõ lý do trả lại (ít nhất một lý do)."))
    return cleaned


@path_move
def dossier_return(*, dossier: Dossier, actor, reasons) -> ReturnRequest:
    """Return the dossier to its unit with every reason at once (phiếu yêu cầu bổ sung). The
    reviewer's clock stops with the working days it had left; the unit's clock starts."""
    dossier = lock_for_move(dossier, actor=actor)
    require(actor, dossier, Action.RETURN,
            not_now=_("Chỉ trả lại được hồ sơ đang được thẩm định hoặc chờ quyết định."))
    step = dossier.current_step
    task = _task_at(dossier, step)
    cleaned = _clean_reasons(reasons)
    now = timezone.now()
    days_left = 0
    if task.due_at:
        days_left = calendar.working_days_between(timezone.localdate(now), timezone.localdate(task.due_at))
    unit_due_at = calendar.due_at(now, dossier.award_form.revision_lead_days)
    request = ReturnRequest.objects.create(dossier=dossier, step=step, actor=actor, reasons=cleaned,
                                           reviewer_days_left=days_left, unit_due_at=unit_due_at)
    before = _fire(dossier, dossier.return_for_changes)
    record_event(dossier=dossier, actor=actor, kind=EventKind.RETURN, from_status=before, to_status=dossier.status,
                 comment="; ".join(r["text"] for r in cleaned),
                 data={"step": step, "reasons": cleaned, "return_request": request.pk,
                       "reviewer_days_left": days_left, "unit_due_at": unit_due_at.isoformat()})
    _complete_task(task, dossier, actor, "returned", next_due_at=unit_due_at)
    deadlines.supplement_requested(dossier=dossier, request=request)
    return request


@path_move
def dossier_resubmit(*, dossier: Dossier, actor, comment: str = "") -> Dossier:
    """The unit sends the fixed dossier back; it resumes at the step that returned it, whose clock
    restarts with the working days it had left."""
    dossier = lock_for_move(dossier, actor=actor)
    require(actor, dossier, Action.RESUBMIT, not_now=_("Hồ sơ không ở trạng thái chờ bổ sung."))
    task = _open_task(dossier)
    request = ReturnRequest.objects.filter(dossier=dossier, resolved_at__isnull=True).order_by("-created_at").first()
    now = timezone.now()
    late = False
    if request:
        # every returned item answered: a new version of its document, or the unit's written reply
        unanswered = unanswered_items_message(return_items(dossier, request))
        if unanswered:
            raise MissingRequirements(unanswered)
        late = bool(request.unit_due_at and now > request.unit_due_at)
    before = _fire(dossier, dossier.resubmit, missing=dossier.unit_problems)
    resume_due_at = None
    if request:
        ReturnRequest.objects.filter(pk=request.pk).update(resolved_at=now, late=late)
        resume_due_at = calendar.due_at(now, request.reviewer_days_left)
    record_event(dossier=dossier, actor=actor, kind=EventKind.TRANSITION, from_status=before,
                 to_status=dossier.status,
                 comment=comment if not late else " ".join(filter(None, [_("Gửi lại quá hạn bổ sung."), comment])),
                 data={"step": REVISION, "return_request": request.pk if request else None, "late": late})
    _complete_task(task, dossier, actor, "resubmitted", next_due_at=resume_due_at)
    deadlines.supplement_received(dossier=dossier)
    return dossier


def _signature(actor, capacity) -> dict:
    if capacity is None:
        return {}
    return {"name": actor.get_full_name() or actor.get_username(), "title": capacity.title,
            "signs_for": capacity.signs_for, "capacity": capacity.capacity}


@path_move
def dossier_decide(*, dossier: Dossier, actor, outcomes: dict[int, bool], comment: str = "") -> Dossier:
    """The leader decides each nominee: awarded or not. Records who signed and in what capacity
    (e.g. KT. CHỦ TỊCH / PHÓ CHỦ TỊCH)."""
    dossier = lock_for_move(dossier, actor=actor)
    task = _require(dossier, actor, Step.DECISION)
    nominees = {n.pk: n for n in dossier.nominees.select_related("person", "unit")}
    outcomes = _without_council_failures(dossier, nominees, outcomes)
    missing = [n.name for pk, n in nominees.items() if pk not in outcomes]
    if missing:
        raise MissingRequirements([_("Chưa quyết định cho %(name)s.") % {"name": name} for name in missing])
    if set(outcomes) - set(nominees):
        raise InvalidInput(_("Có đối tượng không thuộc hồ sơ này."))
    for pk, awarded in outcomes.items():
        Nominee.objects.filter(pk=pk).update(outcome=Outcome.AWARDED if awarded else Outcome.NOT_AWARDED)
    before = _fire(dossier, dossier.decide)
    config = dossier.step_config(Step.DECISION)
    capacity = signing_capacity(actor, config.acting_unit_id, config.role)
    record_event(dossier=dossier, actor=actor, kind=EventKind.DECISION, from_status=before, to_status=dossier.status,
                 comment=comment, data={"step": Step.DECISION, "signed_as": _signature(actor, capacity),
                                        "awarded": sorted(pk for pk, ok in outcomes.items() if ok),
                                        "not_awarded": sorted(pk for pk, ok in outcomes.items() if not ok)})
    _complete_task(task, dossier, actor, "decided")
    return dossier


def _without_council_failures(dossier: Dossier, nominees: dict, outcomes: dict[int, bool]) -> dict[int, bool]:
    """A nominee the provincial council voted down is not awarded, whatever is posted: the outcome is
    "not awarded" and an "awarded" for them is refused, naming them."""
    failed = failed_council_ids(dossier)
    if not failed:
        return outcomes
    refused = [nominees[pk].name for pk in failed if outcomes.get(pk) and pk in nominees]
    if refused:
        raise InvalidInput(_("Không thể khen thưởng đối tượng chưa đạt tỷ lệ phiếu của Hội đồng TĐKT tỉnh:"),
                           problems=refused)
    return {**outcomes, **{pk: False for pk in failed}}


@path_move
def dossier_withdraw(*, dossier: Dossier, actor, reason: str) -> Dossier:
    """The unit head withdraws the dossier before a decision; its open task closes."""
    dossier = lock_for_move(dossier, actor=actor)
    if not policy.permitted(actor, dossier, Action.WITHDRAW):
        raise NotPermitted(_("Chỉ thủ trưởng đơn vị được rút hồ sơ."))
    reason = clean_text(reason)
    if not reason:
        raise InvalidInput(_("Hãy ghi lý do rút hồ sơ."))
    task = _open_task(dossier)
    before = _fire(dossier, dossier.withdraw)
    record_event(dossier=dossier, actor=actor, kind=EventKind.TRANSITION, from_status=before,
                 to_status=dossier.status, comment=reason, data={"step": task.step})
    _cancel_parallel_tasks(dossier, task)
    _complete_task(task, dossier, actor, "withdrawn")
    return dossier


@path_move
def dossier_reject(*, dossier: Dossier, actor, reason: str) -> Dossier:
    """A reviewer rules the dossier out (e.g. the unit is not eligible); the path ends."""
    dossier = lock_for_move(dossier, actor=actor)
    require(actor, dossier, Action.REJECT,
            not_now=_("Chỉ loại được hồ sơ đang được thẩm định hoặc chờ quyết định."))
    step = dossier.current_step
    task = _task_at(dossier, step)
    reason = clean_text(reason)
    if not reason:
        raise InvalidInput(_("Hãy ghi lý do không xét hồ sơ."))
    before = _fire(dossier, dossier.reject)
    record_event(dossier=dossier, actor=actor, kind=EventKind.TRANSITION, from_status=before,
                 to_status=dossier.status, comment=reason, data={"step": step})
    _complete_task(task, dossier, actor, "rejected")
    return dossier


def _day(day) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _check_signing_date(dossiers: list[Dossier], signed_on) -> None:
    """A decision is dated on or after the day each of its dossiers reached the decision step, and
    not in the future (01/01/0001 or a typo year is refused with the range that is allowed)."""
    today = timezone.localdate()
    if signed_on is None:
        raise InvalidInput(_("Hãy nhập ngày ký quyết định."))
    if not date_in_range(signed_on) or signed_on > today:
        raise InvalidInput(_("Ngày ký %(date)s không hợp lệ: ngày ký không được sau hôm nay (%(today)s).")
                           % {"date": _day(signed_on), "today": _day(today)})
    reached = dict(DossierEvent.objects.filter(dossier__in=dossiers, to_status=DossierStatus.AWAITING_DECISION)
                   .values("dossier_id").annotate(last=Max("created_at")).values_list("dossier_id", "last"))
    too_early = [(pk, timezone.localdate(at)) for pk, at in sorted(reached.items())
                 if timezone.localdate(at) > signed_on]
    if too_early:
        raise InvalidInput(_("Ngày ký %(date)s trước ngày hồ sơ đến bước quyết định:") % {
            "date": _day(signed_on)}, problems=[
            _("Hồ sơ #%(pk)s đến bước quyết định ngày %(day)s.") % {"pk": pk, "day": _day(day)}
            for pk, day in too_early])


@transaction.atomic
def decision_preview(*, dossiers: list[Dossier], actor, outcomes: dict[int, bool], number: str, signed_on,
                     pdf: bool = True) -> bytes | None:
    """The Quyết định exactly as signing would issue it, marked DỰ THẢO (with pdf=False: only the
    checks, for the confirmation page). Nothing is kept: the signing itself runs, so every refusal is
    the one signing would give, then the transaction is rolled back."""
    from certificates import rendering

    decision = decision_sign(dossiers=dossiers, actor=actor, outcomes=outcomes,
                             number=(number or "…") if pdf else number, signed_on=signed_on)
    content = None
    if pdf:
        if decision is None:
            raise InvalidInput(_("Không có đối tượng nào được chọn khen thưởng: không có quyết định để xem trước."))
        content = rendering.decision_pdf(decision, draft=True)
    transaction.set_rollback(True)
    return content


@transaction.atomic
def decision_sign(*, dossiers: list[Dossier], actor, outcomes: dict[int, bool], number: str, signed_on):
    """The leader decides several dossiers of one award form at once and signs one Quyết định khen
    thưởng for all awarded nominees; the certificates app numbers and renders it after commit.
    Returns the Decision, or None when nobody was awarded. All or nothing: one refusal undoes all."""
    from certificates.services import decision_issue

    if not dossiers:
        raise InvalidInput(_("Hãy chọn ít nhất một hồ sơ."))
    forms = {d.award_form_id for d in dossiers}
    if len(forms) != 1:
        raise InvalidInput(_("Một quyết định chỉ gồm các hồ sơ của cùng một hình thức khen thưởng."))
    number = clean_line(number)
    if not number:
        raise InvalidInput(_("Hãy nhập số, ký hiệu của quyết định (ví dụ: 1234/QĐ-UBND)."))
    _check_signing_date(dossiers, signed_on)
    decided = []
    for dossier in sorted(dossiers, key=lambda d: d.pk):     # one lock order: no deadlocks between signers
        own = set(dossier.nominees.values_list("pk", flat=True))
        decided.append(dossier_decide(dossier=dossier, actor=actor,
                                      outcomes={pk: ok for pk, ok in outcomes.items() if pk in own}))
    awarded = list(Nominee.objects.filter(dossier__in=decided, outcome=Outcome.AWARDED).order_by("dossier_id", "pk"))
    decision = None
    if awarded:
        decision = decision_issue(award_form=decided[0].award_form, number=number, signed_on=signed_on,
                                  signer=actor, actor=actor, nominees=awarded)
    _tell_units_their_result(decided, number=number, signed_on=signed_on, awarded=awarded)
    return decision


def _tell_units_their_result(dossiers: list[Dossier], *, number: str, signed_on, awarded: list) -> None:
    """The unit's officer and head hear of the decision on their dossier (the bell and an e-mail,
    both through the outbox in this transaction), with each nominee's outcome."""
    from .notifications import notify, unit_contacts
    from .models import NotificationKind

    awarded_ids = {n.pk for n in awarded}
    for dossier in dossiers:
        lines = [f"- {n.name}: " + (_("được khen thưởng") if n.pk in awarded_ids else _("không được khen thưởng"))
                 for n in dossier.nominees.select_related("person", "unit")]
        notify(users=unit_contacts(dossier.unit_id), dossier=dossier, kind=NotificationKind.DECISION,
               title=_("Hồ sơ #%(pk)s đã có Quyết định số %(number)s ngày %(date)s")
               % {"pk": dossier.pk, "number": number, "date": _day(signed_on)},
               body="\n".join([_("Kết quả của từng tập thể, cá nhân:"), *lines,
                                _("Tải quyết định và bằng khen tại trang hồ sơ.")]))