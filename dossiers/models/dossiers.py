"""The dossier, its nominees, its council meeting, and the state machine of the award path."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, transition

from .campaigns import (
    STEP_KINDS, ActingUnitSource, AwardForm, Campaign, ConfiguredStep, RequirementScope, Step, canonical_rank,
    document_type_name,
    kind_of,
)
from .fsm import SafeRefreshMixin, ThreadSafeFSMField
from .units import Person, Unit


class DossierStatus(models.TextChoices):
    """DossierStatus — trạng thái hồ sơ. Each working status is "the step now in progress"."""

    DRAFT = "draft", _("Đang lập tờ trình")
    PROPOSAL_READY = "proposal_ready", _("Đã có tờ trình, chờ họp xét")
    COUNCIL_REVIEWED = "council_reviewed", _("Đã họp xét, chờ báo cáo thành tích")
    REPORTS_COMPLETE = "reports_complete", _("Đủ hồ sơ, chờ thủ trưởng ký gửi")
    SUBMITTED = "submitted", _("Đã gửi, đang thẩm định")
    APPRAISED = "appraised", _("Đã thẩm định, Sở Nội vụ đang kiểm tra")
    IN_CONSULTATION = "in_consultation", _("Đang lấy ý kiến hiệp y")
    POSTED = "posted", _("Đang công khai danh sách")
    AT_PROVINCE_COUNCIL = "at_province_council", _("Chờ Hội đồng TĐKT tỉnh bỏ phiếu")
    AWAITING_DECISION = "awaiting_decision", _("Chờ quyết định khen thưởng")
    AWAITING_UPWARD = "awaiting_upward", _("Chờ Chủ tịch ký tờ trình đề nghị cấp trên")
    AWAITING_CENTRAL = "awaiting_central", _("Chờ quyết định của Trung ương")
    DECIDED = "decided", _("Đã quyết định")
    RETURNED = "returned", _("Trả lại để bổ sung")
    WITHDRAWN = "withdrawn", _("Đã rút")
    REJECTED = "rejected", _("Không được xét")


S = DossierStatus
STATUS_AT_STEP = {
    Step.PROPOSAL: S.DRAFT,
    Step.COUNCIL: S.PROPOSAL_READY,
    Step.REPORTS: S.COUNCIL_REVIEWED,
    Step.SUBMISSION: S.REPORTS_COMPLETE,
    Step.APPRAISAL: S.SUBMITTED,
    Step.HOME_AFFAIRS: S.APPRAISED,
    Step.CONSULTATION: S.IN_CONSULTATION,
    Step.POSTING: S.POSTED,
    Step.PROVINCE_COUNCIL: S.AT_PROVINCE_COUNCIL,
    Step.DECISION: S.AWAITING_DECISION,
    Step.UPWARD: S.AWAITING_UPWARD,
    Step.CENTRAL_DECISION: S.AWAITING_CENTRAL,
}
STEP_AT_STATUS = {status: step for step, status in STATUS_AT_STEP.items()}
WORKING_STATUSES = list(STATUS_AT_STEP.values())
UNIT_EDITABLE_STATUSES = [S.DRAFT, S.PROPOSAL_READY, S.COUNCIL_REVIEWED, S.REPORTS_COMPLETE, S.RETURNED]
NOMINEE_EDITABLE_STATUSES = [S.DRAFT, S.RETURNED]  # who is proposed is fixed once the proposal is done
REPORT_EDITABLE_STATUSES = [S.DRAFT, S.PROPOSAL_READY, S.COUNCIL_REVIEWED, S.RETURNED]  # reports not yet done
# in the administration's hands (after submission, before the result): withdrawable
REVIEW_STATUSES = [STATUS_AT_STEP[step] for step, kind in STEP_KINDS.items() if not kind.is_unit_work]
# where the step's actor may return the dossier to its unit or rule it out; a return resumes here
RETURNABLE_STATUSES = [STATUS_AT_STEP[step] for step, kind in STEP_KINDS.items() if kind.may_return]
FINAL_STATUSES = [S.DECIDED, S.WITHDRAWN, S.REJECTED]


# FSM conditions: each takes the dossier and passes when nothing is missing for that step. A path
# service fires the transition and, only when a condition refuses, asks the dossier what is missing
# (`step_problems`, `unit_problems`) to name it: the facts are read once on the way through.
def _step_complete(step):
    def condition(dossier):
        return not dossier.step_problems(step)

    condition.__name__ = f"{step.value}_complete"
    return condition


def _window_open(dossier):
    return dossier.campaign.is_window_open()


def _unit_work_complete(dossier):
    return not dossier.unit_problems()


_ACTING_UNIT = {
    ActingUnitSource.DOSSIER_UNIT: lambda dossier: dossier.unit_id,
    ActingUnitSource.APPRAISING_UNIT: lambda dossier: dossier.campaign.appraising_unit_id,
    ActingUnitSource.HOME_AFFAIRS_UNIT: lambda dossier: dossier.campaign.home_affairs_unit_id,
    ActingUnitSource.DECIDING_UNIT: lambda dossier: dossier.award_form.deciding_unit_id,
}


class Dossier(SafeRefreshMixin, ConcurrentTransitionMixin, models.Model):
    """Dossier — hồ sơ đề nghị khen thưởng: one unit's proposal for one award form of a campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="dossiers")
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="dossiers")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dossiers", verbose_name=_("đơn vị"))
    status = ThreadSafeFSMField(_("trạng thái"), max_length=30, choices=DossierStatus.choices,
                      default=DossierStatus.DRAFT, protected=True, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("thủ trưởng ký"))
    returned_from = models.CharField(_("bước trả lại"), max_length=20, choices=Step.choices, blank=True)
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("hồ sơ đề nghị khen thưởng")
        verbose_name_plural = _("hồ sơ đề nghị khen thưởng")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "award_form", "unit"], condition=~Q(status="withdrawn"),
                name="one_live_dossier_per_unit_and_form",
            )
        ]
        indexes = [models.Index(fields=["campaign", "status"]),
                   models.Index(fields=["created_at"], name="dossier_created_at")]  # the default order (admin, lists)

    def __str__(self):
        return _g("Hồ sơ #%(pk)s — %(unit)s") % {"pk": self.pk, "unit": self.unit}

    # --- the path, from the award form's configuration -------------------------------------------
    def step_rules(self) -> dict:
        if not hasattr(self, "_step_rules"):
            self._step_rules = {Step(r.step): r for r in self.award_form.step_rules.all()}
        return self._step_rules

    def path(self) -> list[Step]:
        """The award form's steps in its configured order (StepRule.position; 0 keeps a kind's canonical
        place). A kind that is always on the path but not configured takes its canonical place; a
        concluding kind (decision) is left out when the form configures another one (central decision)."""
        if not hasattr(self, "_path"):
            rules = self.step_rules()
            path = sorted(rules, key=lambda step: (rules[step].position, canonical_rank(step)))
            concludes = any(STEP_KINDS[step].concludes for step in path)
            for step, kind in STEP_KINDS.items():
                if step in rules or not kind.always_on_path or (kind.concludes and concludes):
                    continue
                at = next((i for i, other in enumerate(path) if canonical_rank(other) > canonical_rank(step)),
                          len(path))
                path.insert(at, step)
            self._path = path
        return self._path

    def configured_path(self) -> list[ConfiguredStep]:
        return [self.step_config(step) for step in self.path()]

    def step_config(self, step) -> ConfiguredStep:
        """The step as this dossier's award form configures it (kind, lead days, acting unit)."""
        step = Step(step)
        rule = self.step_rules().get(step)
        kind = STEP_KINDS[step]
        source = rule.acting_unit_source if rule and rule.acting_unit_source else kind.acting_unit
        acting_unit_id = rule.acting_unit_id if rule and rule.acting_unit_id else _ACTING_UNIT[source](self)
        consulted = ()
        if rule and kind.is_consultation:
            consulted = tuple((agency.unit_id, agency.lead_days or rule.lead_days) for agency in rule.consulted.all())
        return ConfiguredStep(step=step, kind=kind, lead_days=rule.lead_days if rule else 5,
                              acting_unit_id=acting_unit_id, role=(rule.role if rule and rule.role else kind.role),
                              position=rule.position if rule else 0,
                              silence_means_agreement=bool(rule and rule.silence_means_agreement),
                              consulted=consulted)

    def unit_steps(self) -> list[Step]:
        """The unit's own steps on this dossier's path (all checked again on submission)."""
        return [step for step in self.path() if STEP_KINDS[step].is_unit_work]

    def status_after(self, step: Step) -> str:
        path = self.path()
        later = path[path.index(step) + 1:]
        return STATUS_AT_STEP[later[0]] if later else S.DECIDED

    def statuses_from(self, step: Step) -> list[str]:
        """The statuses this dossier holds once it has reached `step`: the step's own and every later
        one of its configured path."""
        path = self.path()
        return [STATUS_AT_STEP[s] for s in path[path.index(step):]] + [S.DECIDED]

    @property
    def current_step(self) -> Step | None:
        return STEP_AT_STATUS.get(self.status)

    @property
    def resumes_at(self) -> Step | None:
        """The step the dossier is at, or for a returned dossier the step it will resume at."""
        if self.status == S.RETURNED and self.returned_from:
            return Step(self.returned_from)
        return self.current_step

    @property
    def current_kind(self):
        """The capabilities of the step in progress (None when no step is: returned or final)."""
        step = self.current_step
        return kind_of(step) if step else None

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_returned(self) -> bool:
        return self.status == S.RETURNED

    @property
    def is_decided(self) -> bool:
        return self.status == S.DECIDED

    @property
    def has_result(self) -> bool:
        """Decided or ruled out: the unit may rate the service."""
        return self.status in (S.DECIDED, S.REJECTED)

    @property
    def unit_may_edit(self) -> bool:
        return self.status in UNIT_EDITABLE_STATUSES

    @property
    def unit_may_edit_nominees(self) -> bool:
        return self.status in NOMINEE_EDITABLE_STATUSES

    @property
    def unit_may_edit_reports(self) -> bool:
        return self.status in REPORT_EDITABLE_STATUSES

    def acting_unit_id(self, step: Step) -> int | None:
        return self.step_config(step).acting_unit_id

    def lead_days(self, step: Step) -> int:
        return self.step_config(step).lead_days

    def actions_for(self, user):
        """What `user` may do to this dossier now (dossiers.policy)."""
        from ..policy import actions_for

        return actions_for(user, self)

    # --- what a step still lacks ------------------------------------------------------------------
    def requirements(self) -> list:
        if not hasattr(self, "_requirements"):
            self._requirements = list(self.award_form.requirements.select_related("document_type"))
        return self._requirements

    def step_problems(self, step: Step) -> list[str]:
        """Every missing thing for `step`, in Vietnamese, one line each (empty: the step may complete)."""
        return self.problems_for([step])

    def unit_problems(self) -> list[str]:
        """What is missing in any of the unit's steps of this dossier's path (checked on submission)."""
        return self.problems_for(self.unit_steps())

    def problems_for(self, steps) -> list[str]:
        """Missing things for several steps at once; each fact is read from the database once."""
        problems: list[str] = []
        nominees = list(self.nominees.select_related("person", "unit"))
        requirements = [r for r in self.requirements() if r.step in steps]
        present = set()
        if requirements:
            present = set(self.documents.filter(is_current=True).values_list("document_type_id", "nominee_id"))
        for step in steps:
            kind = kind_of(step)
            if kind.needs_nominees and not nominees:
                problems.append(_g("Chưa có tập thể hoặc cá nhân nào được đề nghị khen thưởng."))
            if kind.records_council:
                if not CouncilMeeting.objects.filter(dossier=self).exists():
                    problems.append(_g("Chưa ghi kết quả họp xét của Hội đồng TĐKT (số thành viên dự họp)."))
                for nominee in nominees:
                    if nominee.votes_for is None:
                        problems.append(_g("Chưa ghi số phiếu đồng ý cho %(name)s.") % {"name": nominee.name})
            problems += self.provincial_problems(kind)
            if kind.is_consultation:
                problems += self.consultation_problems(step)
            if kind.is_posting:
                problems += self.posting_problems()
            for req in requirements:
                if req.step != step:
                    continue
                if req.scope == RequirementScope.DOSSIER:
                    if not any(t == req.document_type_id for t, _n in present):
                        problems.append(_g("Thiếu %(doc)s.")
                                        % {"doc": document_type_name(self.campaign, req.document_type)})
                else:
                    for nominee in nominees:
                        if (req.document_type_id, nominee.pk) not in present:
                            problems.append(_g("Thiếu %(doc)s của %(name)s.")
                                            % {"doc": document_type_name(self.campaign, req.document_type),
                                               "name": nominee.name})
        return list(dict.fromkeys(problems))

    def provincial_problems(self, kind) -> list[str]:
        """What the provincial steps record (dossiers.models.council): the council's vote for every
        nominee, the signed tờ trình upward, the central decision."""
        from . import council

        problems = []
        if kind.records_council_vote:
            problems += council.council_vote_problems(self)
        if kind.sends_upward:
            problems += council.upward_problems(self)
        if kind.records_central_decision:
            problems += council.central_decision_problems(self)
        return problems

    def consultation_problems(self, step=Step.CONSULTATION) -> list[str]:
        """Each consulted agency that has not answered (an answer recorded for its silence counts)."""
        consulted = self.step_config(step).consulted
        if not consulted:
            return [_g("Bước hiệp y chưa có cơ quan nào được hỏi ý kiến.")]
        answered = set(self.consultation_answers.values_list("agency_id", flat=True))
        missing = [unit_id for unit_id, _days in consulted if unit_id not in answered]
        names = dict(Unit.objects.filter(pk__in=missing).values_list("pk", "name"))
        return [_g("Chưa có ý kiến hiệp y của %(unit)s.") % {"unit": names.get(pk, pk)} for pk in missing]

    def posting_problems(self, at=None) -> list[str]:
        """The list must have been public for the whole period, with no objection left open."""
        posting = self.postings.filter(closed_at__isnull=True).first()
        if posting is None:
            return [_g("Danh sách chưa được công khai.")]
        problems = []
        if not posting.period_over(at):
            problems.append(_g("Chưa hết thời gian công khai (đến %(at)s).") % {
                "at": timezone.localtime(posting.closes_at).strftime("%H:%M %d/%m/%Y")})
        open_objections = posting.objections.filter(resolved_at__isnull=True).count()
        if open_objections:
            problems.append(_g("Còn %(n)s ý kiến phản ánh chưa được xem xét.") % {"n": open_objections})
        return problems

    # --- transitions: the only place `status` changes ---------------------------------------------
    @transition(field=status, source=S.DRAFT, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED),
                conditions=[_step_complete(Step.PROPOSAL)])
    def complete_proposal(self):
        return self.status_after(Step.PROPOSAL)

    @transition(field=status, source=S.PROPOSAL_READY, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED),
                conditions=[_step_complete(Step.COUNCIL)])
    def complete_council(self):
        return self.status_after(Step.COUNCIL)

    @transition(field=status, source=S.COUNCIL_REVIEWED, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED),
                conditions=[_step_complete(Step.REPORTS)])
    def complete_reports(self):
        return self.status_after(Step.REPORTS)

    @transition(field=status, source=S.REPORTS_COMPLETE, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED),
                conditions=[_window_open, _unit_work_complete])
    def submit(self, *, signer):
        self.signed_by = signer
        self.submitted_at = timezone.now()
        return self.status_after(Step.SUBMISSION)

    @transition(field=status, source=S.SUBMITTED, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED))
    def approve_appraisal(self):
        return self.status_after(Step.APPRAISAL)

    @transition(field=status, source=S.APPRAISED, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED))
    def approve_home_affairs(self):
        return self.status_after(Step.HOME_AFFAIRS)

    # The new kinds (issue 12). Each guard is the step's problems (`problems_for`): the documents its
    # StepRule requires plus what its kind records (consultation answers, an open objection, and the
    # council's vote, the tờ trình upward, the central decision as `council` adds those checks).
    @transition(field=status, source=S.IN_CONSULTATION, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED),
                conditions=[_step_complete(Step.CONSULTATION)])
    def complete_consultation(self):
        return self.status_after(Step.CONSULTATION)

    @transition(field=status, source=S.POSTED, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED),
                conditions=[_step_complete(Step.POSTING)])
    def end_posting(self):
        return self.status_after(Step.POSTING)

    @transition(field=status, source=S.AT_PROVINCE_COUNCIL, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED),
                conditions=[_step_complete(Step.PROVINCE_COUNCIL)])
    def approve_province_council(self):
        return self.status_after(Step.PROVINCE_COUNCIL)

    @transition(field=status, source=S.AWAITING_UPWARD, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED),
                conditions=[_step_complete(Step.UPWARD)])
    def approve_upward(self):
        return self.status_after(Step.UPWARD)

    @transition(field=status, source=S.AWAITING_CENTRAL, target=RETURN_VALUE(*WORKING_STATUSES, S.DECIDED),
                conditions=[_step_complete(Step.CENTRAL_DECISION)])
    def record_central_decision(self):
        status = self.status_after(Step.CENTRAL_DECISION)
        if status == S.DECIDED:
            self.decided_at = timezone.now()
        return status

    @transition(field=status, source=S.AWAITING_DECISION, target=S.DECIDED)
    def decide(self):
        self.decided_at = timezone.now()

    @transition(field=status, source=RETURNABLE_STATUSES, target=S.RETURNED)
    def return_for_changes(self):
        self.returned_from = self.current_step

    @transition(field=status, source=S.RETURNED, target=RETURN_VALUE(*RETURNABLE_STATUSES),
                conditions=[_unit_work_complete])
    def resubmit(self):
        step, self.returned_from = Step(self.returned_from), ""
        return STATUS_AT_STEP[step]

    @transition(field=status, source=UNIT_EDITABLE_STATUSES + REVIEW_STATUSES, target=S.WITHDRAWN)
    def withdraw(self):
        pass

    @transition(field=status, source=RETURNABLE_STATUSES, target=S.REJECTED)
    def reject(self):
        pass

    # the transition that completes each working step
    def transition_for(self, step: Step):
        return {
            Step.PROPOSAL: self.complete_proposal,
            Step.COUNCIL: self.complete_council,
            Step.REPORTS: self.complete_reports,
            Step.APPRAISAL: self.approve_appraisal,
            Step.HOME_AFFAIRS: self.approve_home_affairs,
            Step.CONSULTATION: self.complete_consultation,
            Step.POSTING: self.end_posting,
            Step.PROVINCE_COUNCIL: self.approve_province_council,
            Step.UPWARD: self.approve_upward,
            Step.CENTRAL_DECISION: self.record_central_decision,
        }[step]


class NomineeKind(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class Outcome(models.TextChoices):
    PENDING = "pending", _("Chưa quyết định")
    AWARDED = "awarded", _("Được khen thưởng")
    NOT_AWARDED = "not_awarded", _("Không khen thưởng")


class Nominee(models.Model):
    """Nominee — tập thể hoặc cá nhân được đề nghị khen thưởng. A collective points to a unit,
    an individual to a person: history is checked on those records, never on names."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="nominees")
    kind = models.CharField(_("loại"), max_length=12, choices=NomineeKind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations")
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    workplace = models.CharField(_("đơn vị công tác"), max_length=255, blank=True)
    achievement = models.TextField(_("thành tích tóm tắt"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("số phiếu đồng ý"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices, default=Outcome.PENDING)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("đối tượng đề nghị")
        verbose_name_plural = _("đối tượng đề nghị")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="collective", unit__isnull=False, person__isnull=True)
                           | Q(kind="individual", person__isnull=False, unit__isnull=True)),
                name="nominee_kind_matches_subject",
            ),
            models.UniqueConstraint(fields=["dossier", "person"], name="nominee_person_once"),
            models.UniqueConstraint(fields=["dossier", "unit"], name="nominee_unit_once"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.person.full_name if self.kind == NomineeKind.INDIVIDUAL else self.unit.name


class CouncilMeeting(models.Model):
    """CouncilMeeting — cuộc họp xét của Hội đồng thi đua - khen thưởng của đơn vị."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="council_meeting")
    held_on = models.DateField(_("ngày họp"))
    members_total = models.PositiveSmallIntegerField(_("tổng số thành viên"))
    members_present = models.PositiveSmallIntegerField(_("số thành viên dự họp"))

    class Meta:
        verbose_name = _("họp xét Hội đồng TĐKT")
        verbose_name_plural = _("họp xét Hội đồng TĐKT")
        constraints = [
            models.CheckConstraint(condition=Q(members_present__lte=models.F("members_total")),
                                   name="council_present_le_total"),
            models.CheckConstraint(condition=Q(members_present__gt=0), name="council_present_positive"),
        ]
