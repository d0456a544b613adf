"""The award path as a viewflow Flow. The dossier's FSM status is the single source of truth: after
every human task the flow routes to the task for the status the dossier now has."""

from django.shortcuts import redirect
from django.utils import timezone
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.lock import SelectForUpdateLock
from viewflow.workflow.nodes.view import ViewActivation
from viewflow.workflow.status import STATUS

from dossiers import calendar
from dossiers.models import STEP_ROLE, DossierStatus, Role, Step

from .models import REVISION, DossierProcess, DossierTask


def open_dossier_page(request, **kwargs):
    """Flow views are not used for work: every step is done from the dossier page via services."""
    return redirect("home")


class StepActivation(ViewActivation):
    @classmethod
    def create(cls, flow_task, prev_activation, token, data=None, seed=None):
        process = prev_activation.process
        dossier = process.dossier
        task = flow_task.flow_class.task_class(process=process, flow_task=flow_task, token=token, data=data or {})
        task.flow_task_type = flow_task.task_type
        task.dossier = dossier
        step = flow_task.dossier_step
        now = timezone.now()
        if step == REVISION:
            task.step, task.unit_id, task.role = REVISION, dossier.unit_id, Role.UNIT_OFFICER
            task.due_at = getattr(dossier, "_unit_due_at", None)
        else:
            task.step, task.unit_id, task.role = step, dossier.acting_unit_id(step), STEP_ROLE[step]
            days = getattr(dossier, "_resume_days", None)
            task.due_at = calendar.due_at(now, dossier.lead_days(step) if days is None else days)
        task.save()
        task.previous.add(prev_activation.task)
        return cls(task)


class StepTask(flow.View):
    """A human step of the path, addressed to STEP_ROLE[step] at the step's acting unit."""

    activation_class = StepActivation

    def __init__(self, step, **kwargs):
        super().__init__(open_dossier_page, **kwargs)
        self.dossier_step = step


def _at(status):
    def condition(activation):
        return activation.process.dossier.status == status

    return condition


class DossierFlow(flow.Flow):
    """Quy trình xét khen thưởng: the unit prepares, reviewers appraise, the leader decides."""

    process_class = DossierProcess
    task_class = DossierTask
    lock_impl = SelectForUpdateLock(nowait=True, attempts=3)
    process_title = "Hồ sơ đề nghị khen thưởng"

    start = flow.StartHandle(this.start_dossier).Next(this.route)
    route = (
        flow.Switch()
        .Case(this.proposal, _at(DossierStatus.DRAFT))
        .Case(this.council, _at(DossierStatus.PROPOSAL_READY))
        .Case(this.reports, _at(DossierStatus.COUNCIL_REVIEWED))
        .Case(this.submission, _at(DossierStatus.REPORTS_COMPLETE))
        .Case(this.appraisal, _at(DossierStatus.SUBMITTED))
        .Case(this.home_affairs, _at(DossierStatus.APPRAISED))
        .Case(this.decision, _at(DossierStatus.AWAITING_DECISION))
        .Case(this.revision, _at(DossierStatus.RETURNED))
        .Default(this.end)
    )
    proposal = StepTask(Step.PROPOSAL).Next(this.route)
    council = StepTask(Step.COUNCIL).Next(this.route)
    reports = StepTask(Step.REPORTS).Next(this.route)
    submission = StepTask(Step.SUBMISSION).Next(this.route)
    appraisal = StepTask(Step.APPRAISAL).Next(this.route)
    home_affairs = StepTask(Step.HOME_AFFAIRS).Next(this.route)
    decision = StepTask(Step.DECISION).Next(this.route)
    revision = StepTask(REVISION).Next(this.route)
    end = flow.End()

    def start_dossier(self, activation, dossier):
        activation.process.artifact = dossier
        activation.process.__dict__["_dossier"] = dossier
        activation.task.dossier = dossier
        return activation.process


NODE_FOR_STEP = {
    Step.PROPOSAL: DossierFlow.proposal, Step.COUNCIL: DossierFlow.council, Step.REPORTS: DossierFlow.reports,
    Step.SUBMISSION: DossierFlow.submission, Step.APPRAISAL: DossierFlow.appraisal,
    Step.HOME_AFFAIRS: DossierFlow.home_affairs, Step.DECISION: DossierFlow.decision,
}
ACTIVE = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)
