"""The award path as a viewflow Flow. The dossier's FSM status is the single source of truth: after
every human task the flow routes to the task for the status the dossier now has."""

from contextlib import contextmanager

from django.db import DatabaseError, connections, router, transaction
from django.db.models import Q, sql
from django.shortcuts import redirect
from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.nodes.start import StartHandleActivation
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.nodes.end import EndActivation
from viewflow.workflow.signals import flow_finished, task_finished, task_started
from viewflow.workflow.status import STATUS

from dossiers import calendar
from dossiers.models import DossierStatus, Role, Step

from .models import REVISION, DossierProcess, DossierTask


def open_dossier_page(request, **kwargs):
    """Flow views are not used for work: every step is done from the dossier page via services."""
    return redirect("home")


class StepActivation(ViewActivation):
    """Activation of a step task. It carries, as constructor arguments, the dossier it moves (the
    instance the path service locked) and the due date the service chose for the next task, if
    any (a resumed step's remaining days, the unit's revision deadline); otherwise the next task
    is due after the configured step's lead days."""

    def __init__(self, task, *, dossier=None, next_due_at=None):
        super().__init__(task)
        self.dossier = dossier if dossier is not None else self.process.dossier
        self.next_due_at = next_due_at
        self.completion_unsaved = False

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        process = prev_activation.process
        dossier = prev_activation.dossier
        task = flow_task.flow_class.task_class(process=process, flow_task=flow_task, token=token, data=data or {})
        task.flow_task_type = flow_task.task_type
        task.dossier = dossier
        now = timezone.now()
        working = getattr(prev_activation, "working_calendar", None) or calendar.current()
        prev_activation.working_calendar = working     # a consultation opens several tasks: read once
        task.step, task.unit_id, task.role, task.due_at = flow_task.assignment(
            dossier, due_at=prev_activation.next_due_at, working=working, now=now, data=task.data)
        if task.due_at is not None:
            # What the due date counts (working days after the local day of `now`), so a calendar
            # change or `manage.py deadlines_repair` can count it again on another calendar.
            days = working.working_days_between(timezone.localdate(now), timezone.localdate(task.due_at))
            task.data = {**task.data, "working_days": days, "counted_from": now.isoformat()}
        completed = prev_activation.task if getattr(prev_activation, "completion_unsaved", False) else None
        write_task(task, previous=prev_activation.task, completed=completed)
        if completed is not None:
            prev_activation.completion_unsaved = False
        flow_task.on_created(task, dossier)
        return cls(task, dossier=dossier)

    @Activation.status.super()
    def complete(self):
        """viewflow's completion (the finished stamp, the task_finished signal) without its save: the
        completed task's row is written by the statement that opens the next task (`write_task`), or
        by `save_completion` when none opens. Nothing reads the row in between (the path service
        holds the dossier lock; viewflow's End counts unfinished tasks after `save_completion`)."""
        self.task.finished = timezone.now()
        self.completion_unsaved = True
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)

    def save_completion(self) -> None:
        if self.completion_unsaved:
            self.task.save(update_fields=COMPLETION_FIELDS)
            self.completion_unsaved = False

    @Activation.status.transition(source=STATUS.DONE)
    def create_next(self):
        """Route straight to the task(s) for the status the dossier now has (no gateway task rows:
        the routing table is the flow's `route_for_status`). A parallel step's task that completes
        while its step is still in progress (one agency answered, others not yet) opens nothing:
        its sibling tasks are still open, and the last one routes on."""
        node = self.flow_class.instance.route_for_status(self.dossier.status)
        if node is self.flow_task and getattr(node, "parallel", False):
            return
        if isinstance(node, StepTask):
            yield from node.create_tasks(self, self.task.token)
        else:  # the end (DossierEnd)
            yield node._create(self, self.task.token)


# What completing a step task changes on its row (ours and viewflow's: assign, start, complete).
COMPLETION_FIELDS = ["status", "owner", "assigned", "started", "finished", "data"]


def write_task(task, *, previous, completed=None, end_process=None) -> bool:
    """Insert the new `task` and its link to `previous` (viewflow's `task.previous.add`), save the
    `completed` task's COMPLETION_FIELDS, and with `end_process` (the time) finish the process when
    no other task of it is unfinished (viewflow's End): on PostgreSQL in one statement (data-modifying
    CTEs over the statements Django would send, composed by its compilers), elsewhere one by one.
    Returns whether the process was finished."""
    connection = connections[router.db_for_write(DossierTask, instance=task)]
    meta, process = DossierTask._meta, task.process
    if connection.vendor != "postgresql":
        if completed is not None:
            completed.save(update_fields=COMPLETION_FIELDS)
        task.save()
        task.previous.add(previous)
        if end_process is None or process.dossier_tasks.filter(finished__isnull=True).exclude(pk=task.pk).exists():
            return False
        process.status, process.finished = STATUS.DONE, end_process
        process.save(update_fields=["status", "finished"])
        return True
    quote = connection.ops.quote_name
    insert = sql.InsertQuery(DossierTask)
    insert.insert_values([f for f in meta.local_concrete_fields if not f.primary_key], [task])
    compiler = insert.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    ((insert_sql, insert_params),) = compiler.as_sql()
    parts, params = [], []
    if completed is not None:
        update = sql.UpdateQuery(DossierTask)
        update.add_q(Q(pk=completed.pk))
        update.add_update_fields([(meta.get_field(name), None, meta.get_field(name).pre_save(completed, False))
                                  for name in COMPLETION_FIELDS])
        update_sql, update_params = update.get_compiler(connection=connection).as_sql()
        parts.append(f"done AS ({update_sql})")
        params += update_params
    parts.append(f"new AS ({insert_sql})")
    params += insert_params
    through = meta.get_field("previous").remote_field.through._meta
    source, target = (quote(through.get_field(name).column) for name in ("from_dossiertask", "to_dossiertask"))
    parts.append(f"link AS (INSERT INTO {quote(through.db_table)} ({source}, {target}) "
                 f"SELECT new.{quote(meta.pk.column)}, %s FROM new)")
    params.append(previous.pk)
    ended = "false"
    if end_process is not None:
        # the statement's snapshot: `completed` still unfinished in it (hence excluded), `task` not yet in it
        table, process_table = quote(meta.db_table), quote(type(process)._meta.db_table)
        parts.append(f"ended AS (UPDATE {process_table} SET status = %s, finished = %s WHERE id = %s AND NOT EXISTS "
                     f"(SELECT 1 FROM {table} WHERE process_id = %s AND finished IS NULL AND id <> %s) RETURNING id)")
        params += [STATUS.DONE, end_process, process.pk, process.pk, previous.pk]
        ended = "EXISTS (SELECT 1 FROM ended)"
    statement = f"WITH {', '.join(parts)} SELECT new.{quote(meta.pk.column)}, {ended} FROM new"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        task.pk, finished = cursor.fetchone()
    task._state.adding, task._state.db = False, connection.alias
    if finished:
        process.status, process.finished = STATUS.DONE, end_process
    return finished


class DossierEndActivation(EndActivation):
    """viewflow's End, written in one statement with the completion of the task before it: the end
    task's row (done), its link to that task, and the process finished when no other task of it is
    left unfinished (`write_task`), when the end completes. viewflow's signals are sent as its End
    sends them; its savepoint is left out (a failure rolls the whole path move back)."""

    previous_activation = None

    # viewflow keeps activations in a set; this one's task has no primary key before complete()
    __eq__ = object.__eq__
    __hash__ = object.__hash__

    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        task = flow_task.flow_class.task_class(process=prev_activation.process, flow_task=flow_task, token=token)
        task.data, task.seed, task.flow_task_type = data if data is not None else {}, seed, flow_task.task_type
        activation = cls(task)
        activation.previous_activation = prev_activation     # the row is written by complete()
        return activation

    @Activation.status.super()
    def activate(self):
        self.task.started = timezone.now()
        task_started.send(sender=self.flow_class, process=self.process, task=self.task)

    @Activation.status.super()
    def complete(self):
        previous = self.previous_activation
        self.task.finished = timezone.now()
        completed = previous.task if getattr(previous, "completion_unsaved", False) else None
        self.task.status = STATUS.DONE      # the row is written done; the transition then sets it here too
        try:
            finished = write_task(self.task, previous=previous.task, completed=completed,
                                  end_process=self.task.finished)
        finally:
            self.task.status = STATUS.NEW
        if completed is not None:
            previous.completion_unsaved = False
        task_finished.send(sender=self.flow_class, process=self.process, task=self.task)
        if finished:
            flow_finished.send(sender=self.flow_class, process=self.process, task=self.task)


class DossierEnd(flow.End):
    activation_class = DossierEndActivation


class DossierStartActivation(StartHandleActivation):
    """The start of a dossier's process: `start_dossier` gives it the dossier; the first task gets
    its configured lead days."""

    dossier = None
    next_due_at = None


class DossierStart(flow.StartHandle):
    activation_class = DossierStartActivation


class StepTask(flow.View):
    """A human step of the path, addressed to the configured step's role at its acting unit. After it,
    the flow goes to the task for the dossier's new status (drawn as edges to every possible
    next node)."""

    activation_class = StepActivation
    parallel = False  # one task for the step; ConsultationTask: one per consulted agency

    def __init__(self, step, **kwargs):
        super().__init__(open_dossier_page, **kwargs)
        self.dossier_step = step

    def create_tasks(self, prev_activation, token):
        """The activations of the task(s) this node opens when the dossier reaches its step."""
        yield self._create(prev_activation, token)

    def assignment(self, dossier, *, due_at, working, now, data=None) -> tuple:
        """(step, acting unit, role, due date) of this node's task for `dossier`: the configured
        step's; due after its lead days on the `working` calendar unless the service gave a date
        (a resumed step)."""
        config = dossier.step_config(self.dossier_step)
        return (self.dossier_step, config.acting_unit_id, config.role, due_at or working.due_at(now, config.lead_days))

    def on_created(self, task, dossier) -> None:
        """After the task row is saved, in the same transaction (PostingTask opens the public list)."""


class ConsultationTask(StepTask):
    """Hiệp y: one task per consulted agency (the StepRule's ConsultedAgency rows), opened together,
    each addressed to the step's role at that agency and due after that agency's lead days. Each
    answer completes its own task; the answer that settles the step fires the FSM transition, and
    its task routes on (viewflow's Split/Join is not used: the FSM decides when the step is over)."""

    parallel = True

    def create_tasks(self, prev_activation, token):
        config = prev_activation.dossier.step_config(self.dossier_step)
        for unit_id, lead_days in config.consulted:
            yield self._create(prev_activation, token, data={"agency": unit_id, "lead_days": lead_days})

    def assignment(self, dossier, *, due_at, working, now, data=None) -> tuple:
        config = dossier.step_config(self.dossier_step)
        data = data or {}
        return (self.dossier_step, data["agency"], config.role,
                due_at or working.due_at(now, data.get("lead_days") or config.lead_days))


class PostingTask(StepTask):
    """Công khai: the office's task, due when the public period ends (the step's lead days from now,
    also after a return: the list is posted again for the whole period); the list goes public when
    the task is created (workflows.posting)."""

    def assignment(self, dossier, *, due_at, working, now, data=None) -> tuple:
        return super().assignment(dossier, due_at=None, working=working, now=now, data=data)

    def on_created(self, task, dossier) -> None:
        from .posting import posting_open

        posting_open(dossier=dossier, closes_at=task.due_at)


class RevisionTask(StepTask):
    """The unit's revision of a returned dossier, due when the return request says."""

    def __init__(self, **kwargs):
        super().__init__(REVISION, **kwargs)

    def assignment(self, dossier, *, due_at, working, now, data=None) -> tuple:
        return REVISION, dossier.unit_id, Role.UNIT_OFFICER, due_at

    def _outgoing(self):
        for node in self.flow_class.instance.route_nodes():
            yield Edge(src=self, dst=node, edge_class="cond_true")


class DossierProcessLock(SelectForUpdateLock):
    """viewflow's select_for_update lock on the process row (NOWAIT). Inside a path service's
    transaction it takes the row lock directly: no savepoint and no back-off, because a refusal
    must roll the whole service back anyway (it becomes the user's "someone else is working on
    this dossier" message), and the dossier row lock already orders the services."""

    @contextmanager
    def __call__(self, flow_class, process_pk):
        if not transaction.get_connection().in_atomic_block:
            with super().__call__(flow_class, process_pk):
                yield
            return
        try:
            (flow_class.process_class._default_manager.filter(pk=process_pk)
             .select_for_update(nowait=self.nowait).exists())
        except DatabaseError:
            raise FlowLockFailed(f"Lock failed for {flow_class}") from None
        yield


class DossierFlow(flow.Flow):
    """Quy trình xét khen thưởng: the unit prepares, reviewers appraise, the leader decides."""

    process_class = DossierProcess
    task_class = DossierTask
    lock_impl = DossierProcessLock(nowait=True, attempts=3)
    process_title = "Hồ sơ đề nghị khen thưởng"

    start = DossierStart(this.start_dossier).Next(this.proposal)
    proposal = StepTask(Step.PROPOSAL)
    council = StepTask(Step.COUNCIL)
    reports = StepTask(Step.REPORTS)
    submission = StepTask(Step.SUBMISSION)
    appraisal = StepTask(Step.APPRAISAL)
    home_affairs = StepTask(Step.HOME_AFFAIRS)
    consultation = ConsultationTask(Step.CONSULTATION)
    posting = PostingTask(Step.POSTING)
    province_council = StepTask(Step.PROVINCE_COUNCIL)
    decision = StepTask(Step.DECISION)
    upward = StepTask(Step.UPWARD)
    central_decision = StepTask(Step.CENTRAL_DECISION)
    revision = RevisionTask()
    end = DossierEnd()

    ROUTES = {
        DossierStatus.DRAFT: "proposal", DossierStatus.PROPOSAL_READY: "council",
        DossierStatus.COUNCIL_REVIEWED: "reports", DossierStatus.REPORTS_COMPLETE: "submission",
        DossierStatus.SUBMITTED: "appraisal", DossierStatus.APPRAISED: "home_affairs",
        DossierStatus.IN_CONSULTATION: "consultation", DossierStatus.POSTED: "posting",
        DossierStatus.AT_PROVINCE_COUNCIL: "province_council",
        DossierStatus.AWAITING_DECISION: "decision", DossierStatus.AWAITING_UPWARD: "upward",
        DossierStatus.AWAITING_CENTRAL: "central_decision", DossierStatus.RETURNED: "revision",
    }

    def route_for_status(self, status):
        """The node that handles a dossier in `status`; final statuses end the process."""
        return getattr(self, self.ROUTES.get(status, "end"))

    def route_nodes(self):
        return [getattr(self, name) for name in dict.fromkeys(self.ROUTES.values())] + [self.end]

    def start_dossier(self, activation, dossier):
        activation.process.artifact = dossier
        activation.dossier = dossier
        activation.task.dossier = dossier
        return activation.process


ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
