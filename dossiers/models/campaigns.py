"""Campaigns and their rulebook: award forms, steps, lead times, required documents."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .units import Role, Unit, UnitLevel

LOCAL_TZ = ZoneInfo(settings.TIME_ZONE)


def local_day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=LOCAL_TZ)


def local_day_end(day: dt.date) -> dt.datetime:
    """The last instant of a local day: a window closing "06/12/2023" closes at 23:59:59.999999."""
    return dt.datetime.combine(day, dt.time.max, tzinfo=LOCAL_TZ)


class Campaign(models.Model):
    """Campaign — phong trào / đợt thi đua (e.g. Kế hoạch 170/KH-UBND)."""

    plan_number = models.CharField(_("số kế hoạch"), max_length=60)
    title = models.CharField(_("tên phong trào"), max_length=500)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    issuing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="issued_campaigns", verbose_name=_("cơ quan phát động")
    )
    period_start = models.DateField(_("thi đua từ ngày"))
    period_end = models.DateField(_("thi đua đến ngày"))
    window_opens = models.DateField(_("nhận hồ sơ từ ngày"))
    window_closes = models.DateField(_("nhận hồ sơ đến hết ngày"))
    appraising_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="appraised_campaigns",
        verbose_name=_("đơn vị thẩm định (đầu mối)"),
    )
    home_affairs_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="checked_campaigns",
        verbose_name=_("Sở Nội vụ"),
    )
    rulebook = models.CharField(
        _("bộ quy định"), max_length=120, blank=True,
        help_text=_("Tệp quy định đã nạp và phiên bản của nó (manage.py load_rulebook), ví dụ lang-son-kh-170-2023@1."),
    )
    rulebook_frozen_at = models.DateTimeField(
        _("khóa quy định lúc"), null=True, blank=True,
        help_text=_("Khi hồ sơ đầu tiên được nộp, quy định của đợt thi đua không thể sửa nữa."),
    )
    regime = models.ForeignKey(
        "dossiers.LegalRegime", on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns",
        verbose_name=_("chế độ pháp lý"),
        help_text=_("Chế độ (luật, nghị định, thông tư, mẫu, mức thưởng) đang áp dụng vào ngày bắt đầu đợt thi đua; "
                    "tự ghi khi lập đợt và không đổi theo luật mới."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-window_opens"]
        verbose_name = _("đợt thi đua")
        verbose_name_plural = _("đợt thi đua")
        constraints = [
            models.CheckConstraint(condition=models.Q(period_end__gte=models.F("period_start")),
                                   name="campaign_period_ordered"),
            models.CheckConstraint(condition=models.Q(window_closes__gte=models.F("window_opens")),
                                   name="campaign_window_ordered"),
        ]

    def __str__(self):
        return f"{self.plan_number} — {self.title}"

    def save(self, *args, **kwargs):
        # A new campaign pins the regime in force on its opening day (the start of the emulation period).
        if self.regime_id is None and self._state.adding and self.period_start:
            from .regimes import LegalRegime

            self.regime = LegalRegime.in_force(self.period_start)
        super().save(*args, **kwargs)

    @property
    def window_open_at(self) -> dt.datetime:
        return local_day_start(self.window_opens)

    @property
    def window_close_at(self) -> dt.datetime:
        return local_day_end(self.window_closes)

    def is_window_open(self, at: dt.datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.window_open_at <= at <= self.window_close_at


class CampaignTarget(models.Model):
    """CampaignTarget — chỉ tiêu thi đua theo cấp đơn vị (70% tỉnh, 60% huyện, 55% xã)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    level = models.ForeignKey(UnitLevel, on_delete=models.PROTECT)
    metric = models.SlugField(_("chỉ số"), max_length=60, default="digitization_rate")
    value = models.DecimalField(_("chỉ tiêu (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "level", "metric"], name="target_unique"),
            models.CheckConstraint(condition=models.Q(value__gte=0, value__lte=100), name="target_percent"),
        ]

    def __str__(self):
        return f"{self.level}: {self.value}%"


class AwardForm(models.Model):
    """AwardForm — hình thức khen thưởng của một đợt (Bằng khen của Chủ tịch UBND tỉnh, Giấy khen).
    Its steps (StepRule rows) decide the dossier's path."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="award_forms")
    code = models.SlugField(_("mã"), max_length=40)
    name = models.CharField(_("tên hình thức"), max_length=255)
    deciding_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan quyết định")
    )
    revision_lead_days = models.PositiveSmallIntegerField(
        _("thời hạn bổ sung hồ sơ (ngày làm việc)"), default=5,
        help_text=_("Khi hồ sơ bị trả lại, đơn vị có chừng này ngày làm việc để bổ sung."),
    )
    signer_office = models.CharField(
        _("chức danh người ký"), max_length=255, help_text=_("Ví dụ: CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN")
    )
    prize_award = models.SlugField(
        _("mức thưởng theo chế độ (mã)"), max_length=60, blank=True,
        help_text=_("Mã hình thức trong bảng tiền thưởng của chế độ pháp lý; để trống: dùng mã của hình thức."),
    )

    class Meta:
        verbose_name = _("hình thức khen thưởng")
        verbose_name_plural = _("hình thức khen thưởng")
        constraints = [models.UniqueConstraint(fields=["campaign", "code"], name="award_form_unique")]

    def __str__(self):
        return self.name

    @property
    def prize_key(self) -> str:
        return self.prize_award or self.code


class Step(models.TextChoices):
    """Step — loại bước của quy trình khen thưởng. The members are kinds of step; their order here is
    only the canonical order, used where an award form does not order its steps (StepRule.position 0)."""

    PROPOSAL = "proposal", _("Lập tờ trình đề nghị")
    COUNCIL = "council", _("Họp xét Hội đồng TĐKT")
    REPORTS = "reports", _("Báo cáo thành tích (mẫu 07)")
    SUBMISSION = "submission", _("Thủ trưởng ký, gửi hồ sơ")
    APPRAISAL = "appraisal", _("Thẩm định (đơn vị đầu mối)")
    HOME_AFFAIRS = "home_affairs", _("Thẩm định của Sở Nội vụ")
    CONSULTATION = "consultation", _("Lấy ý kiến hiệp y")
    POSTING = "posting", _("Công khai danh sách")
    PROVINCE_COUNCIL = "province_council", _("Hội đồng TĐKT tỉnh bỏ phiếu")
    DECISION = "decision", _("Quyết định khen thưởng")
    UPWARD = "upward", _("Chủ tịch ký tờ trình đề nghị cấp trên")
    CENTRAL_DECISION = "central_decision", _("Chờ quyết định của Trung ương")


REVISION = "revision"  # the unit's work after a return: a task, not a Step of the path


def step_label(step: str) -> str:
    """The label of a task's step: a Step of the path, or the unit's revision after a return."""
    if step == REVISION:
        return str(_("Bổ sung, hoàn thiện hồ sơ"))
    return Step(step).label if step else ""


class StepWork(models.TextChoices):
    """StepWork — loại công việc của một bước: what the actor does there."""

    PREPARE = "prepare", _("Đơn vị chuẩn bị hồ sơ")
    SUBMIT = "submit", _("Thủ trưởng ký, gửi")
    REVIEW = "review", _("Thẩm định")
    CONSULT = "consult", _("Lấy ý kiến các cơ quan (song song)")
    POST = "post", _("Công khai, nhận ý kiến phản ánh")
    DECIDE = "decide", _("Quyết định")


class ActingUnitSource(models.TextChoices):
    """Where a step's acting unit comes from when its StepRule names none."""

    DOSSIER_UNIT = "dossier_unit", _("Đơn vị lập hồ sơ")
    APPRAISING_UNIT = "appraising_unit", _("Đơn vị thẩm định của đợt thi đua")
    HOME_AFFAIRS_UNIT = "home_affairs_unit", _("Sở Nội vụ của đợt thi đua")
    DECIDING_UNIT = "deciding_unit", _("Cơ quan quyết định của hình thức khen thưởng")


@dataclass(frozen=True)
class StepKind:
    """What a kind of step is, whatever the award form: who acts (a role), at which unit, doing
    which work, and what its checks are. An award form's StepRule rows pick the kinds its path
    uses and configure them (lead days, acting unit); the code asks these capabilities, never
    which step it is."""

    role: str
    acting_unit: str  # ActingUnitSource
    work: str  # StepWork
    always_on_path: bool = False  # every award form's path has it, configured or not
    needs_nominees: bool = False  # refused while the dossier proposes nobody
    records_council: bool = False  # the unit's council meeting and votes are recorded here
    judges_criteria: bool = False  # the campaign's criteria are judged (and hard ones enforced) here
    records_council_vote: bool = False  # the provincial council's meeting and vote per nominee are recorded here
    sends_upward: bool = False  # the Chủ tịch signs the tờ trình to the central level here
    records_central_decision: bool = False  # the central level's decision is recorded here
    concludes: bool = False  # the path ends here: its transition leads to "decided"; a path has one
    doing: str = ""  # what is done here, when the work's own label says too little (the stepper's second line)

    @property
    def is_unit_work(self) -> bool:
        """Done by the proposing unit before the dossier leaves it (checked again on submission)."""
        return self.work in (StepWork.PREPARE, StepWork.SUBMIT)

    @property
    def is_preparation(self) -> bool:
        return self.work == StepWork.PREPARE

    @property
    def is_submission(self) -> bool:
        return self.work == StepWork.SUBMIT

    @property
    def is_review(self) -> bool:
        return self.work == StepWork.REVIEW

    @property
    def is_decision(self) -> bool:
        return self.work == StepWork.DECIDE

    @property
    def is_consultation(self) -> bool:
        """One task per consulted agency, in parallel; the step ends when every agency has answered
        (or, where the form says silence means agreement, when its deadline has passed)."""
        return self.work == StepWork.CONSULT

    @property
    def is_posting(self) -> bool:
        """The list is public for the step's lead days; it ends by itself unless an objection is open."""
        return self.work == StepWork.POST

    @property
    def ends_by_itself(self) -> bool:
        """Nobody approves it: the answers (consultation) or the end of the period (posting) do."""
        return self.work in (StepWork.CONSULT, StepWork.POST)

    @property
    def may_return(self) -> bool:
        """The actor may send the dossier back to its unit (or rule it out). At a posting step the
        office does so when it upholds an objection."""
        return self.work in (StepWork.REVIEW, StepWork.DECIDE, StepWork.POST)

    @property
    def owes_apology(self) -> bool:
        """Done by the administration for the unit: when late, an explanation and an apology
        letter with a new date are owed (Nghị định 61/2018). The unit's own lateness only escalates."""
        return not self.is_unit_work


STEP_KINDS = {
    Step.PROPOSAL: StepKind(Role.UNIT_OFFICER, ActingUnitSource.DOSSIER_UNIT, StepWork.PREPARE,
                            always_on_path=True, needs_nominees=True),
    Step.COUNCIL: StepKind(Role.UNIT_OFFICER, ActingUnitSource.DOSSIER_UNIT, StepWork.PREPARE,
                           records_council=True),
    Step.REPORTS: StepKind(Role.UNIT_OFFICER, ActingUnitSource.DOSSIER_UNIT, StepWork.PREPARE),
    Step.SUBMISSION: StepKind(Role.UNIT_HEAD, ActingUnitSource.DOSSIER_UNIT, StepWork.SUBMIT,
                              always_on_path=True, needs_nominees=True),
    Step.APPRAISAL: StepKind(Role.APPRAISER, ActingUnitSource.APPRAISING_UNIT, StepWork.REVIEW,
                             judges_criteria=True),
    Step.HOME_AFFAIRS: StepKind(Role.HOME_AFFAIRS, ActingUnitSource.HOME_AFFAIRS_UNIT, StepWork.REVIEW),
    # the consulting office is the acting unit; each consulted agency answers through its own task,
    # by the step's role at that agency (ConsultedAgency rows of the StepRule)
    Step.CONSULTATION: StepKind(Role.UNIT_HEAD, ActingUnitSource.HOME_AFFAIRS_UNIT, StepWork.CONSULT),
    Step.POSTING: StepKind(Role.HOME_AFFAIRS, ActingUnitSource.HOME_AFFAIRS_UNIT, StepWork.POST),
    Step.PROVINCE_COUNCIL: StepKind(Role.HOME_AFFAIRS, ActingUnitSource.HOME_AFFAIRS_UNIT, StepWork.REVIEW,
                                    records_council_vote=True, doing=_("Họp, bỏ phiếu theo tỷ lệ quy định")),
    Step.DECISION: StepKind(Role.CHAIRMAN, ActingUnitSource.DECIDING_UNIT, StepWork.DECIDE, always_on_path=True,
                            concludes=True),
    Step.UPWARD: StepKind(Role.CHAIRMAN, ActingUnitSource.DECIDING_UNIT, StepWork.REVIEW, sends_upward=True,
                          doing=_("Ký tờ trình gửi Trung ương")),
    Step.CENTRAL_DECISION: StepKind(Role.HOME_AFFAIRS, ActingUnitSource.HOME_AFFAIRS_UNIT, StepWork.REVIEW,
                                    concludes=True, records_central_decision=True,
                                    doing=_("Ghi nhận quyết định của cấp trên")),
}
CANONICAL_ORDER = list(Step)


def canonical_rank(step) -> int:
    return CANONICAL_ORDER.index(Step(step))


def kind_of(step) -> StepKind:
    """The capabilities of a step (a Step or its value)."""
    return STEP_KINDS[Step(step)]


def steps_where(test) -> list[Step]:
    """The steps whose kind passes `test`, in path order (for queries: `step__in=steps_where(...)`)."""
    return [step for step in Step if test(STEP_KINDS[step])]


@dataclass(frozen=True)
class ConfiguredStep:
    """A step as one dossier's award form configures it: its kind plus the StepRule's lead days and
    the acting unit resolved for this dossier."""

    step: Step
    kind: StepKind
    lead_days: int
    acting_unit_id: int | None
    role: str  # the StepRule's role, or the kind's

    position: int = 0
    silence_means_agreement: bool = False  # consultation: a missing answer after its deadline agrees
    consulted: tuple = ()  # consultation: ((agency unit id, lead days), …)

    @property
    def label(self):
        return self.step.label

    @property
    def work_label(self):
        return self.kind.doing or StepWork(self.kind.work).label


class StepRule(models.Model):
    """StepRule — một bước mà hình thức khen thưởng sử dụng, với thời hạn (ngày làm việc)."""

    award_form = models.ForeignKey(AwardForm, on_delete=models.CASCADE, related_name="step_rules")
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices)
    lead_days = models.PositiveSmallIntegerField(_("thời hạn (ngày làm việc)"), default=5)
    acting_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("đơn vị thực hiện"),
        help_text=_("Để trống: đơn vị lập hồ sơ (bước của đơn vị) hoặc đơn vị ghi trong đợt thi đua."),
    )
    role = models.CharField(
        _("vai trò thực hiện"), max_length=20, choices=Role.choices, blank=True,
        help_text=_("Để trống: vai trò mặc định của loại bước (ví dụ: thẩm định viên ở bước thẩm định)."),
    )
    acting_unit_source = models.CharField(
        _("đơn vị thực hiện theo"), max_length=20, choices=ActingUnitSource.choices, blank=True,
        help_text=_("Khi không ghi đơn vị cụ thể: lấy đơn vị thực hiện từ đâu (ví dụ: đơn vị lập hồ sơ, khi thủ "
                    "trưởng đơn vị quyết định danh hiệu Lao động tiên tiến). Để trống: theo loại bước."),
    )
    position = models.PositiveSmallIntegerField(
        _("thứ tự"), default=0,
        help_text=_("Thứ tự của bước trên đường đi của hồ sơ. 0: theo thứ tự chuẩn của loại bước."),
    )
    silence_means_agreement = models.BooleanField(
        _("quá hạn không trả lời là đồng ý"), default=False,
        help_text=_("Bước hiệp y: cơ quan không trả lời khi hết hạn được ghi nhận là đồng ý."),
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("bước quy trình")
        verbose_name_plural = _("bước quy trình")
        constraints = [models.UniqueConstraint(fields=["award_form", "step"], name="step_rule_unique")]

    def __str__(self):
        return f"{self.get_step_display()} ({self.lead_days} ngày)"


class ConsultedAgency(models.Model):
    """ConsultedAgency — cơ quan được lấy ý kiến hiệp y ở một bước hiệp y (công an, thuế, bảo hiểm
    xã hội…), với thời hạn trả lời riêng."""

    step_rule = models.ForeignKey(StepRule, on_delete=models.CASCADE, related_name="consulted")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan hiệp y"))
    lead_days = models.PositiveSmallIntegerField(
        _("thời hạn trả lời (ngày làm việc)"), null=True, blank=True,
        help_text=_("Để trống: thời hạn của bước."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cơ quan hiệp y")
        verbose_name_plural = _("cơ quan hiệp y")
        constraints = [models.UniqueConstraint(fields=["step_rule", "unit"], name="consulted_agency_once")]

    def __str__(self):
        return str(self.unit)


class DocumentType(models.Model):
    """DocumentType — loại thành phần hồ sơ (tờ trình, biên bản họp xét, báo cáo thành tích…)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên loại văn bản"), max_length=255)

    class Meta:
        ordering = ["name"]
        verbose_name = _("loại văn bản")
        verbose_name_plural = _("loại văn bản")

    def __str__(self):
        return self.name


class RequirementScope(models.TextChoices):
    DOSSIER = "dossier", _("Một bản cho cả hồ sơ")
    NOMINEE = "nominee", _("Một bản cho mỗi đối tượng")


class DocumentRequirement(models.Model):
    """DocumentRequirement — thành phần hồ sơ bắt buộc của một bước."""

    award_form = models.ForeignKey(AwardForm, on_delete=models.CASCADE, related_name="requirements")
    step = models.CharField(_("bước"), max_length=20, choices=Step.choices)
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    scope = models.CharField(_("phạm vi"), max_length=10, choices=RequirementScope.choices,
                             default=RequirementScope.DOSSIER)

    class Meta:
        verbose_name = _("thành phần bắt buộc")
        verbose_name_plural = _("thành phần bắt buộc")
        constraints = [
            models.UniqueConstraint(fields=["award_form", "step", "document_type"], name="requirement_unique")
        ]

    def __str__(self):
        return f"{self.get_step_display()}: {self.document_type}"

    @property
    def name(self) -> str:
        """The document's name as the campaign's pinned regime calls it (its form number and text), else the
        document type's own name."""
        return document_type_name(self.award_form.campaign, self.document_type)


def document_type_name(campaign, document_type) -> str:
    """"Báo cáo thành tích (mẫu số 07, Nghị định 91/2017/NĐ-CP)" under the regime the campaign pinned."""
    form = regime_form(campaign, document_type.code)
    return form.display_name if form else document_type.name


def regime_form(campaign, code: str):
    """The pinned regime's form for a document type (None when the regime lists none). The regime's forms
    are read once per campaign object (a regime is append-only)."""
    if campaign is None or not campaign.regime_id:
        return None
    cache = campaign.__dict__.setdefault("_regime_forms", None)
    if cache is None:
        cache = {f.document_type: f for f in campaign.regime.forms.all()}
        campaign.__dict__["_regime_forms"] = cache
    return cache.get(code)
