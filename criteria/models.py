"""Criteria as data, imported unit metrics (versioned), frozen evaluations, overrides, assessments,
discipline records and the editable free-text parts of the auto-filled achievement report."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import AwardForm, Campaign, Dossier, Nominee, NomineeKind, Person, Unit

# The figures the provincial procedure system (Hệ thống thông tin giải quyết TTHC) exports per unit.
# slug → (label, is_percent). Rates may be given or derived from the counts.
METRICS = {
    "received": (_("Số hồ sơ tiếp nhận"), False),
    "digitized": (_("Số hồ sơ đã số hóa"), False),
    "online": (_("Số hồ sơ tiếp nhận trực tuyến"), False),
    "digitization_rate": (_("Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC (%)"), True),
    "online_service_rate": (_("Tỷ lệ DVC phát sinh hồ sơ trực tuyến (%)"), True),
    "online_service_plan": (_("Kế hoạch giao: tỷ lệ DVC phát sinh hồ sơ trực tuyến (%)"), True),
    "online_dossier_rate": (_("Tỷ lệ hồ sơ tiếp nhận, xử lý trực tuyến (%)"), True),
    "online_dossier_plan": (_("Kế hoạch giao: tỷ lệ hồ sơ tiếp nhận, xử lý trực tuyến (%)"), True),
}
METRIC_CHOICES = [(slug, label) for slug, (label, _p) in METRICS.items()]


class Comparison(models.TextChoices):
    GTE = "gte", "≥"
    GT = "gt", ">"
    LTE = "lte", "≤"
    LT = "lt", "<"


class ThresholdMode(models.TextChoices):
    FIXED = "fixed", _("Ngưỡng cố định")
    BY_LEVEL = "by_level", _("Theo cấp đơn vị (chỉ tiêu của đợt thi đua)")
    PLAN_PLUS = "plan_plus", _("Kế hoạch giao của đơn vị + N điểm")
    JUDGED = "judged", _("Do Hội đồng / chuyên viên đánh giá")
    REGISTERED = "registered", _("Đã đăng ký thi đua đầu năm (được xác nhận)")


class Criterion(models.Model):
    """Criterion — tiêu chí khen thưởng của một hình thức, cho tập thể hoặc cá nhân."""

    award_form = models.ForeignKey(AwardForm, on_delete=models.CASCADE, related_name="criteria",
                                   verbose_name=_("hình thức khen thưởng"))
    nominee_kind = models.CharField(_("áp dụng cho"), max_length=12, choices=NomineeKind.choices)
    code = models.SlugField(_("mã"), max_length=60)
    name = models.CharField(_("tên tiêu chí"), max_length=300)
    mode = models.CharField(_("cách xác định ngưỡng"), max_length=12, choices=ThresholdMode.choices,
                            default=ThresholdMode.FIXED)
    metric = models.CharField(_("chỉ số"), max_length=40, choices=METRIC_CHOICES, blank=True)
    comparison = models.CharField(_("so sánh"), max_length=3, choices=Comparison.choices, default=Comparison.GTE)
    threshold = models.DecimalField(
        _("ngưỡng / số điểm cộng"), max_digits=9, decimal_places=2, null=True, blank=True,
        help_text=_("Ngưỡng cố định; hoặc số điểm cộng thêm vào kế hoạch giao (ví dụ 5)."))
    plan_metric = models.CharField(_("chỉ số kế hoạch giao"), max_length=40, choices=METRIC_CHOICES, blank=True,
                                   help_text=_("Chỉ dùng với “Kế hoạch giao + N điểm”."))
    is_hard = models.BooleanField(_("bắt buộc"), default=True,
                                  help_text=_("Không đạt thì không được chuyển hồ sơ nếu không có ý kiến vượt quyền."))
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["award_form", "nominee_kind", "order", "pk"]
        verbose_name = _("tiêu chí")
        verbose_name_plural = _("tiêu chí")
        constraints = [
            models.UniqueConstraint(fields=["award_form", "nominee_kind", "code"], name="criterion_unique"),
            models.CheckConstraint(
                condition=Q(mode__in=["judged", "registered"]) | ~Q(metric=""), name="criterion_measured_has_metric"),
            models.CheckConstraint(
                condition=~Q(mode="plan_plus") | (~Q(plan_metric="") & Q(threshold__isnull=False)),
                name="criterion_plan_plus_complete"),
            models.CheckConstraint(
                condition=~Q(mode="fixed") | Q(threshold__isnull=False), name="criterion_fixed_has_threshold"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_judged(self) -> bool:
        return self.mode == ThresholdMode.JUDGED

    @property
    def is_registration(self) -> bool:
        return self.mode == ThresholdMode.REGISTERED


class MetricImport(models.Model):
    """MetricImport — một lần nhập số liệu (một phiên bản). Only complete, valid files become one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="metric_imports")
    version = models.PositiveIntegerField(_("phiên bản"))
    original_name = models.CharField(_("tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64)
    row_count = models.PositiveIntegerField(_("số dòng"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["campaign", "-version"]
        verbose_name = _("lần nhập số liệu")
        verbose_name_plural = _("lần nhập số liệu")
        constraints = [models.UniqueConstraint(fields=["campaign", "version"], name="metric_import_version")]

    def __str__(self):
        return f"v{self.version} — {self.original_name}"


class UnitMetric(models.Model):
    """UnitMetric — một số liệu của một đơn vị trong một lần nhập (không bao giờ sửa)."""

    metric_import = models.ForeignKey(MetricImport, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(max_length=40, choices=METRIC_CHOICES)
    value = models.DecimalField(max_digits=14, decimal_places=4)
    row_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("số liệu đơn vị")
        verbose_name_plural = _("số liệu đơn vị")
        constraints = [models.UniqueConstraint(fields=["metric_import", "unit", "metric"], name="unit_metric_once")]


class Evaluation(models.Model):
    """Evaluation — kết quả đối chiếu tiêu chí của một đối tượng, với số liệu được đóng băng."""

    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="evaluations")
    metric_import = models.ForeignKey(MetricImport, on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="evaluations")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    passed = models.BooleanField(_("đạt các tiêu chí bắt buộc"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        verbose_name = _("kết quả đối chiếu tiêu chí")
        verbose_name_plural = _("kết quả đối chiếu tiêu chí")

    def __str__(self):
        return f"{self.nominee} — {'đạt' if self.passed else 'không đạt'}"

    @property
    def override(self):
        return next(iter(self.overrides.all()), None)

    @property
    def hard_failures(self):
        return [line for line in self.lines.all() if line.blocks]


class EvaluationLine(models.Model):
    """One criterion of one evaluation: value, threshold, pass/fail, data source (copied, frozen)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="lines")
    criterion = models.ForeignKey(Criterion, on_delete=models.SET_NULL, null=True, related_name="+")
    criterion_name = models.CharField(max_length=300)
    is_hard = models.BooleanField()
    is_judged = models.BooleanField(default=False)
    comparison = models.CharField(max_length=3, choices=Comparison.choices, blank=True)
    value = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    threshold = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    plan_value = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    passed = models.BooleanField(null=True, help_text="None: no data or not yet assessed")
    source = models.CharField(max_length=500, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["pk"]

    @property
    def blocks(self) -> bool:
        """A hard criterion that failed, or that could not be checked (no figures, no target)."""
        return self.is_hard and self.passed is not True


class CriteriaOverride(models.Model):
    """CriteriaOverride — ý kiến vượt quyền của chuyên viên thẩm định: chuyển hồ sơ dù tập thể không đạt."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="overrides")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("lý do"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ý kiến vượt quyền")
        verbose_name_plural = _("ý kiến vượt quyền")


class AssessorRole(models.TextChoices):
    COUNCIL = "council", _("Hội đồng TĐKT của đơn vị")
    APPRAISER = "appraiser", _("Chuyên viên thẩm định")


class Assessment(models.Model):
    """Assessment — đánh giá tiêu chí định tính (năng lực lãnh đạo, sáng kiến) kèm nhận xét."""

    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="assessments")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="assessments")
    role = models.CharField(_("người đánh giá"), max_length=12, choices=AssessorRole.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("đạt"))
    comment = models.TextField(_("nhận xét"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("đánh giá tiêu chí")
        verbose_name_plural = _("đánh giá tiêu chí")


class NomineeWarning(models.Model):
    """NomineeWarning — cảnh báo: đối tượng đã được đề nghị cho cùng thành tích ở đợt thi đua khác."""

    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, related_name="warnings")
    other_dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="+")
    message = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cảnh báo trùng đề nghị")
        verbose_name_plural = _("cảnh báo trùng đề nghị")


class DisciplineRecord(models.Model):
    """DisciplineRecord — hồ sơ kỷ luật (đang xem xét hoặc đã có quyết định) của cá nhân hoặc tập thể."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("cá nhân"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("tập thể"))
    description = models.CharField(_("nội dung"), max_length=500)
    opened_on = models.DateField(_("ngày mở"), default=timezone.localdate)
    closed_on = models.DateField(_("ngày kết thúc xem xét"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_on"]
        verbose_name = _("hồ sơ kỷ luật")
        verbose_name_plural = _("hồ sơ kỷ luật")
        constraints = [models.CheckConstraint(
            condition=(Q(person__isnull=False, unit__isnull=True) | Q(person__isnull=True, unit__isnull=False)),
            name="discipline_one_subject")]

    def __str__(self):
        return f"{self.person or self.unit}: {self.description}"

    @property
    def is_pending(self) -> bool:
        return self.closed_on is None


class ReportDraft(models.Model):
    """ReportDraft — phần lời văn của báo cáo thành tích (mẫu 07) mà đơn vị tự viết; số liệu do hệ thống điền."""

    nominee = models.OneToOneField(Nominee, on_delete=models.CASCADE, related_name="report_draft")
    situation = models.TextField(_("đặc điểm, tình hình"), blank=True)
    duties = models.TextField(_("chức năng, nhiệm vụ"), blank=True)
    measures = models.TextField(_("biện pháp, giải pháp đã thực hiện"), blank=True)
    past_awards = models.TextField(_("các hình thức khen thưởng đã nhận"), blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("phần lời văn báo cáo thành tích")
        verbose_name_plural = _("phần lời văn báo cáo thành tích")


# --- Emulation registration (đăng ký thi đua) ------------------------------------------------------
class RegistrationRule(models.Model):
    """RegistrationRule — thời hạn đăng ký thi đua đầu năm của một đợt (khen thưởng thường xuyên), from
    its rulebook file. Dossiers sent at year end are checked against the confirmed registrations."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="registration_rule")
    opens = models.DateField(_("đăng ký từ ngày"))
    closes = models.DateField(_("đăng ký đến hết ngày"))

    class Meta:
        verbose_name = _("thời hạn đăng ký thi đua")
        verbose_name_plural = _("thời hạn đăng ký thi đua")
        constraints = [models.CheckConstraint(condition=Q(closes__gte=models.F("opens")),
                                              name="registration_rule_ordered")]

    def __str__(self):
        return f"{self.campaign.plan_number}: {self.opens:%d/%m/%Y} – {self.closes:%d/%m/%Y}"


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Đã gửi, chờ xác nhận")
    CONFIRMED = "confirmed", _("Đã xác nhận")
    RETURNED = "returned", _("Trả lại để sửa")


class EmulationRegistration(models.Model):
    """EmulationRegistration — bản đăng ký thi đua của một đơn vị cho một đợt (đầu năm): các danh hiệu,
    hình thức khen thưởng và chỉ tiêu đơn vị phấn đấu; Ban Thi đua – Khen thưởng (Sở Nội vụ) xác nhận."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="registrations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("trạng thái"), max_length=12, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.SUBMITTED)
    targets = models.TextField(_("chỉ tiêu, nội dung phấn đấu"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    review_note = models.CharField(_("ý kiến của Ban TĐKT"), max_length=500, blank=True)

    class Meta:
        ordering = ["campaign", "unit__name"]
        verbose_name = _("đăng ký thi đua")
        verbose_name_plural = _("đăng ký thi đua")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "unit"], name="registration_once_per_unit"),
            models.CheckConstraint(condition=~Q(status="confirmed") | Q(reviewed_at__isnull=False),
                                   name="registration_confirmed_when_reviewed"),
        ]

    def __str__(self):
        return f"{self.unit} — {self.campaign.plan_number}"

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED


class RegistrationLine(models.Model):
    """One title the unit registers for: an award form, for collectives or individuals, how many."""

    registration = models.ForeignKey(EmulationRegistration, on_delete=models.CASCADE, related_name="lines")
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("danh hiệu / hình thức"))
    nominee_kind = models.CharField(_("đối tượng"), max_length=12, choices=NomineeKind.choices)
    count = models.PositiveSmallIntegerField(_("số lượng đăng ký"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "award_form", "nominee_kind"], name="registration_line_once"),
            models.CheckConstraint(condition=Q(count__gte=1), name="registration_line_count_positive"),
        ]
