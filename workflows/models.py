"""Viewflow process and task models for the award path."""

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import AbstractTask, Process
from viewflow.workflow.status import STATUS

from dossiers.models import REVISION, Dossier, Role, Unit, kind_of, step_label  # noqa: F401 (REVISION re-exported)

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]


class DossierProcess(Process):
    """One process per dossier; `artifact` points at the dossier."""

    class Meta:
        proxy = True
        verbose_name = _("quy trình hồ sơ")
        verbose_name_plural = _("quy trình hồ sơ")

    @cached_property
    def dossier(self) -> Dossier:
        return Dossier.objects.select_related("campaign", "award_form", "unit").get(pk=self.artifact_object_id)


def _without_index(name: str):
    """viewflow's task field `name` as it is, minus its index."""
    _name, _path, args, kwargs = AbstractTask._meta.get_field(name).deconstruct()
    return type(AbstractTask._meta.get_field(name))(*args, **{**kwargs, "db_index": False})


class DossierTask(AbstractTask):
    """DossierTask — việc cần làm: one step of one dossier, addressed to a role at a unit (not to a
    person: anyone holding the role there may take it), with its due date stamped at creation."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="dossier_tasks")
    data = models.JSONField(default=dict, blank=True)
    # Indexes (issue 11): every task row carries them, and 860 k rows at a national scale are mostly
    # finished tasks. The single-column indexes viewflow and the foreign keys would add are covered by
    # the composite ones below or never queried here (timers, external jobs): they are left out.
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, null=True, related_name="tasks", db_index=False)
    step = models.CharField(_("bước"), max_length=20, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+", db_index=False)
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)
    status = _without_index("status")
    scheduled = _without_index("scheduled")
    external_task_id = _without_index("external_task_id")

    class Meta:
        verbose_name = _("việc cần làm")
        verbose_name_plural = _("việc cần làm")
        indexes = [
            models.Index(fields=["unit", "role", "status"]),
            models.Index(fields=["dossier", "status"]),
            # open tasks by due date (deadline scan, deadlines overview, inbox order): a few thousand
            # rows whatever the history
            models.Index(fields=["due_at"], condition=models.Q(status__in=OPEN_STATUSES), name="task_open_due"),
            # ... and by unit/role (inboxes, their counts and filter menus, the decision page's forms),
            # covering what those read: an index-only scan, not one heap page per open task (an
            # appraiser with 7,440 open tasks at 100,000 dossiers: 11,162 heap pages for one count)
            models.Index(fields=["unit", "role", "due_at"], condition=models.Q(status__in=OPEN_STATUSES),
                         include=["flow_task_type", "step", "dossier", "id"], name="task_open_unit_role_due"),
        ]
        constraints = [
            # one open task per step per acting unit (a consultation has one per consulted agency)
            models.UniqueConstraint(fields=["dossier", "step", "unit"], condition=models.Q(status__in=OPEN_STATUSES),
                                    name="one_open_task_per_step_and_unit"),
        ]

    @property
    def step_label(self) -> str:
        return step_label(self.step)

    @property
    def kind(self):
        """The capabilities of this task's step (None for the unit's revision after a return)."""
        return None if self.step in ("", REVISION) else kind_of(self.step)

    @property
    def is_revision(self) -> bool:
        """The unit's work on a returned dossier (its due date is the return request's)."""
        return self.step == REVISION

    @property
    def is_review(self) -> bool:
        return bool(self.kind and self.kind.is_review)

    @property
    def is_decision(self) -> bool:
        return bool(self.kind and self.kind.is_decision)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, at=None) -> bool:
        return self.is_open and self.due_at is not None and (at or timezone.now()) > self.due_at


# --- Deadlines: reminders, escalation, explanations, apology letters, notifications ----------------
# (issue 5; owned by workflows/deadlines.py, which is the only writer of these tables)

from django.conf import settings as _settings  # noqa: E402


class AlertKind(models.TextChoices):
    """AlertKind — loại nhắc việc theo hạn xử lý."""

    BEFORE = "before", _("Sắp đến hạn")
    DUE_DAY = "due_day", _("Đến hạn hôm nay")
    OVERDUE = "overdue", _("Quá hạn")


class DeadlineAlert(models.Model):
    """DeadlineAlert — nhắc việc đã phát: one row per (task, kind), inserted by the scan BEFORE
    anything is sent. The unique constraint is what makes two scans, or two consumers, send each
    reminder exactly once; `delivered_at` is claimed by exactly one delivery job."""

    task = models.ForeignKey(DossierTask, on_delete=models.CASCADE, related_name="deadline_alerts")
    kind = models.CharField(max_length=10, choices=AlertKind.choices)
    due_at = models.DateTimeField(_("hạn xử lý lúc nhắc"))
    scan_token = models.CharField(max_length=32, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("nhắc việc")
        verbose_name_plural = _("nhắc việc")
        constraints = [models.UniqueConstraint(fields=["task", "kind"], name="deadline_alert_once")]


class NotificationKind(models.TextChoices):
    REMINDER = "reminder", _("Nhắc hạn xử lý")
    ESCALATION = "escalation", _("Báo cáo quá hạn")
    EXPLANATION = "explanation", _("Yêu cầu giải trình")
    APOLOGY = "apology", _("Phiếu xin lỗi, hẹn lại")
    DEADLINE_CHANGE = "deadline_change", _("Thay đổi hạn xử lý")
    SUPPLEMENT_REQUEST = "supplement_request", _("Yêu cầu bổ sung hồ sơ")
    SUPPLEMENT_RECEIVED = "supplement_received", _("Hồ sơ đã được bổ sung")
    DECISION = "decision", _("Có quyết định khen thưởng")
    OBJECTION = "objection", _("Ý kiến phản ánh về danh sách công khai")


class Notification(models.Model):
    """Notification — thông báo cho một người dùng (chuông trên giao diện, kèm thư điện tử).
    Every notification points at its dossier."""

    user = models.ForeignKey(_settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("loại"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    body = models.TextField(_("nội dung"), blank=True)
    link = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.title


class LateExplanation(models.Model):
    """LateExplanation — giải trình của người chịu trách nhiệm khi một bước xử lý quá hạn."""

    task = models.OneToOneField(DossierTask, on_delete=models.CASCADE, related_name="late_explanation")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="late_explanations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    text = models.TextField(_("nội dung giải trình"), blank=True)
    submitted_by = models.ForeignKey(_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("giải trình lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("giải trình quá hạn")
        verbose_name_plural = _("giải trình quá hạn")
        constraints = [models.CheckConstraint(
            condition=models.Q(submitted_at__isnull=True) | ~models.Q(text=""), name="explanation_has_text")]

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


def apology_path(instance, filename):
    return f"apologies/{instance.dossier_id}/{instance.pk}-{instance.task_id}.pdf"


class ApologyLetter(models.Model):
    """ApologyLetter — Phiếu xin lỗi và hẹn lại ngày trả kết quả (Nghị định 61/2018), gửi đơn vị
    nộp hồ sơ khi một bước thẩm định, quyết định quá hạn."""

    task = models.OneToOneField(DossierTask, on_delete=models.CASCADE, related_name="apology_letter")
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apology_letters")
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(_("số, ký hiệu"), max_length=60)
    issued_at = models.DateTimeField(_("ngày phát hành"), default=timezone.now)
    original_due_at = models.DateTimeField(_("hạn cũ"))
    new_due_at = models.DateTimeField(_("ngày hẹn trả kết quả mới"))
    reason = models.TextField(_("lý do quá hạn"))
    signer = models.JSONField(default=dict, blank=True)
    issued_by = models.ForeignKey(_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    pdf = models.FileField(upload_to=apology_path, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("phiếu xin lỗi, hẹn lại ngày trả kết quả")
        verbose_name_plural = _("phiếu xin lỗi, hẹn lại ngày trả kết quả")
        constraints = [models.CheckConstraint(condition=models.Q(new_due_at__gt=models.F("original_due_at")),
                                              name="apology_new_date_later")]

    def __str__(self):
        return self.number


class CalendarChange(models.Model):
    """CalendarChange — nhật ký thay đổi lịch làm việc và số việc được tính lại hạn."""

    day = models.DateField(_("ngày"))
    was_working = models.BooleanField(_("trước: ngày làm việc"))
    is_working = models.BooleanField(_("sau: ngày làm việc"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    actor = models.ForeignKey(_settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    tasks_recomputed = models.PositiveIntegerField(_("số việc tính lại hạn"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("thay đổi lịch làm việc")
        verbose_name_plural = _("thay đổi lịch làm việc")


# --- Dashboard figures (issue 11): a summary refreshed by a periodic job ---------------------------
# (owned by workflows/figures.py, the only writer of these tables)


class DashboardFigure(models.Model):
    """DashboardFigure — số liệu tổng hợp cho trang thống kê: the figures of the dossiers that share a
    campaign, award form, unit, status, submission and furthest step reached, as of the last refresh.
    `step` empty: a row of dossier figures (count, resubmissions, ratings); a step: the figures of
    that step's tasks (open, due soon, overdue, on time, late, days). The key carries what
    `dossiers.selectors.visibility_q` reads, so each user sees the rows of the dossiers they may see."""

    campaign = models.ForeignKey("dossiers.Campaign", on_delete=models.CASCADE, related_name="+")
    award_form = models.ForeignKey("dossiers.AwardForm", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=30)
    submitted = models.BooleanField()
    reached = models.SmallIntegerField()  # dossiers.rules.status_reach over the statuses held; -1: none
    step = models.CharField(max_length=20, blank=True)
    dossiers = models.PositiveIntegerField(default=0)
    resubmissions = models.PositiveIntegerField(default=0)
    late_resubmissions = models.PositiveIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    rating_sum = models.PositiveIntegerField(default=0)
    happy = models.PositiveIntegerField(default=0)  # ratings 4 or 5
    score_1 = models.PositiveIntegerField(default=0)
    score_2 = models.PositiveIntegerField(default=0)
    score_3 = models.PositiveIntegerField(default=0)
    score_4 = models.PositiveIntegerField(default=0)
    score_5 = models.PositiveIntegerField(default=0)
    open_tasks = models.PositiveIntegerField(default=0)
    due_soon = models.PositiveIntegerField(default=0)
    overdue = models.PositiveIntegerField(default=0)
    finished = models.PositiveIntegerField(default=0)  # done tasks (average days per step)
    finished_seconds = models.FloatField(default=0)  # their created → finished, summed
    finished_with_due = models.PositiveIntegerField(default=0)  # done tasks that had a due date
    on_time = models.PositiveIntegerField(default=0)
    judged = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu thống kê")
        verbose_name_plural = _("số liệu thống kê")
        indexes = [models.Index(fields=["campaign", "unit"])]


class DashboardRefresh(models.Model):
    """When the figures were last computed (one row; none: never)."""

    refreshed_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)


class DashboardDossier(models.Model):
    """Each dossier's summary key, written by the refresh in one INSERT … SELECT before the figures are
    grouped (workflows.figures): the furthest step reached reads the event log once per dossier, not
    once per task row."""

    dossier = models.OneToOneField(Dossier, on_delete=models.DO_NOTHING, primary_key=True, db_constraint=False,
                                   related_name="dashboard_key")
    campaign_id = models.BigIntegerField()
    award_form_id = models.BigIntegerField()
    unit_id = models.BigIntegerField()
    status = models.CharField(max_length=30)
    submitted = models.SmallIntegerField()
    reached = models.SmallIntegerField()
