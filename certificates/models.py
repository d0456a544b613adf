"""Decisions (quyết định khen thưởng), their certificates and the register (sổ vàng)."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import AwardForm, Nominee, NomineeKind, Unit


def new_token() -> str:
    """The unguessable part of a verification link (printed in the QR code)."""
    return secrets.token_urlsafe(12)


class DecisionStatus(models.TextChoices):
    ISSUED = "issued", _("Có hiệu lực")
    REVOKED = "revoked", _("Đã thu hồi")


class RenderStatus(models.TextChoices):
    PENDING = "pending", _("Chờ in")
    RUNNING = "running", _("Đang in")
    RETRYING = "retrying", _("Đang thử in lại")
    DONE = "done", _("Đã in xong")
    FAILED = "failed", _("In bị lỗi")


class Decision(models.Model):
    """Decision — quyết định khen thưởng: number, date, signer and the awarded nominees. The signer's
    capacity is copied when issued (KT. CHỦ TỊCH / PHÓ CHỦ TỊCH), so later changes of office do
    not rewrite what was signed."""

    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="decisions",
                                   verbose_name=_("hình thức khen thưởng"))
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("cơ quan ban hành"))
    number = models.CharField(_("số, ký hiệu"), max_length=60, help_text=_("Ví dụ: 1234/QĐ-UBND"))
    signed_on = models.DateField(_("ngày ký"))
    place = models.CharField(_("địa danh"), max_length=60, default="Lạng Sơn")
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("người ký"))
    signer_name = models.CharField(_("họ tên người ký"), max_length=120)
    signer_title = models.CharField(_("chức vụ người ký"), max_length=120)
    signer_capacity = models.CharField(_("thẩm quyền ký"), max_length=140, blank=True,
                                       help_text=_("Ví dụ: KT. CHỦ TỊCH"))
    status = models.CharField(_("hiệu lực"), max_length=10, choices=DecisionStatus.choices,
                              default=DecisionStatus.ISSUED)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    revoke_reason = models.TextField(_("lý do thu hồi"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    render_status = models.CharField(_("tình trạng in"), max_length=10, choices=RenderStatus.choices,
                                     default=RenderStatus.PENDING)
    render_done = models.PositiveIntegerField(_("số bằng đã in"), default=0)
    render_total = models.PositiveIntegerField(_("tổng số bằng"), default=0)
    render_error = models.TextField(blank=True)
    render_started_at = models.DateTimeField(null=True, blank=True)
    # The renderer's pulse: written every few seconds while it works. A render whose heartbeat is older
    # than CERTIFICATES_RENDER_STALL_SECONDS (or whose process is gone) is re-queued by the sweeper.
    render_heartbeat_at = models.DateTimeField(null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_token = models.CharField(max_length=32, blank=True)      # the attempt that may write progress
    render_worker = models.CharField(max_length=120, blank=True)    # host:pid of that attempt
    render_queued_at = models.DateTimeField(null=True, blank=True)  # handed to the queue
    # Chunks of the batch already rendered and stored (resumed, never rendered twice): {"size": 50, "done": [0, 1]}
    render_parts = models.JSONField(default=dict, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    decision_pdf = models.FileField(upload_to="certificates/", blank=True)
    certificates_pdf = models.FileField(upload_to="certificates/", blank=True)

    class Meta:
        ordering = ["-signed_on", "-pk"]
        verbose_name = _("quyết định khen thưởng")
        verbose_name_plural = _("quyết định khen thưởng")
        constraints = [
            models.UniqueConstraint(fields=["issuing_unit", "number"], name="decision_number_unique"),
            models.CheckConstraint(condition=Q(render_done__lte=models.F("render_total")),
                                   name="decision_render_progress"),
        ]

    def __str__(self):
        return self.number

    @property
    def is_revoked(self) -> bool:
        return self.status == DecisionStatus.REVOKED

    @property
    def signer_lines(self) -> list[str]:
        """The signature block as printed: ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"] or ["GIÁM ĐỐC"]."""
        lines = [self.signer_capacity] if self.signer_capacity else []
        if self.signer_title:
            lines.append(self.signer_title.upper())
        return lines


class Certificate(models.Model):
    """Certificate — bằng khen / giấy khen của một tập thể hoặc cá nhân trong một quyết định. The printed
    text is copied when the decision is issued, so the verification page shows what was printed."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="certificates")
    nominee = models.ForeignKey(Nominee, on_delete=models.PROTECT, related_name="certificates")
    serial = models.PositiveIntegerField(_("số thứ tự trong quyết định"))
    register_number = models.PositiveIntegerField(_("số vào sổ"), unique=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    kind = models.CharField(_("loại"), max_length=12, choices=NomineeKind.choices)
    recipient_name = models.CharField(_("tên tập thể / họ và tên"), max_length=255)
    position = models.CharField(_("chức vụ"), max_length=200, blank=True)
    workplace = models.CharField(_("đơn vị"), max_length=255, blank=True)
    achievement = models.TextField(_("thành tích"), blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    # Prize money, fixed when the decision is issued: multiple (of the pinned regime) × base salary in force on
    # the signing date, rounded up per the regime. Empty when the regime sets no money for the award form.
    prize_multiple = models.DecimalField(_("hệ số tiền thưởng"), max_digits=5, decimal_places=2, null=True,
                                         blank=True)
    prize_base = models.PositiveIntegerField(_("mức lương cơ sở áp dụng"), null=True, blank=True)
    prize_amount = models.PositiveBigIntegerField(_("tiền thưởng (đồng)"), null=True, blank=True)
    # Hash chain in register order (dossiers/audit.py); the database refuses UPDATE (but revoked_at, once)
    # and DELETE.
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["decision", "serial"]
        verbose_name = _("bằng khen / giấy khen")
        verbose_name_plural = _("bằng khen / giấy khen")
        constraints = [
            models.UniqueConstraint(fields=["decision", "serial"], name="certificate_serial_unique"),
            models.UniqueConstraint(fields=["nominee"], condition=Q(revoked_at__isnull=True),
                                    name="certificate_one_live_per_nominee"),
            models.CheckConstraint(condition=Q(serial__gte=1) & Q(register_number__gte=1),
                                   name="certificate_numbers_positive"),
        ]

    def __str__(self):
        return f"{self.register_code} — {self.recipient_name}"

    @property
    def register_code(self) -> str:
        """As printed: the global register number (sổ vàng), six digits."""
        return f"{self.register_number:06d}"

    @property
    def position_line(self) -> str:
        return ", ".join(part for part in (self.position, self.workplace) if part)


class RegisterCounter(models.Model):
    """RegisterCounter — the last register number (sổ vàng) given out. Taken under a row lock in the
    same transaction that creates the certificates, so a rollback returns the numbers: gap-free."""

    name = models.SlugField(primary_key=True, max_length=30)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("sổ vàng (bộ đếm)")
        verbose_name_plural = _("sổ vàng (bộ đếm)")

    def __str__(self):
        return f"{self.name}: {self.last}"


class BlankLayout(models.Model):
    """BlankLayout — vị trí in (mm) từng trường trên phôi in sẵn, cho một loại phôi (bang-khen,
    giay-khen). Fields missing here fall back to the built-in layout."""

    kind = models.SlugField(_("loại phôi"), max_length=40, unique=True)
    name = models.CharField(_("tên phôi"), max_length=200)
    offset_x_mm = models.DecimalField(_("dịch ngang (mm)"), max_digits=5, decimal_places=1, default=0)
    offset_y_mm = models.DecimalField(_("dịch dọc (mm)"), max_digits=5, decimal_places=1, default=0)
    fields = models.JSONField(
        _("vị trí các trường"), default=dict, blank=True,
        help_text=_('Ví dụ: {"recipient": {"x": 40, "y": 98, "w": 217, "size": 22}} — đơn vị mm, cỡ chữ pt.'))

    class Meta:
        verbose_name = _("phôi in sẵn")
        verbose_name_plural = _("phôi in sẵn")

    def __str__(self):
        return self.name


class SignerCertificate(models.Model):
    """SignerCertificate — chứng thư số của người ký: a certificate (from the person's USB token or remote
    signing service) registered to a user. A decision signed with one's own token is accepted only with
    a certificate registered to the signer."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signer_certificates",
                             verbose_name=_("người dùng"))
    der = models.BinaryField(_("chứng thư (DER)"))
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True)
    subject = models.CharField(_("chủ thể"), max_length=500)
    common_name = models.CharField(_("tên trên chứng thư"), max_length=255)
    issuer = models.CharField(_("tổ chức cấp"), max_length=500)
    serial = models.CharField(_("số hiệu"), max_length=100)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("đăng ký lúc"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("ngừng dùng lúc"), null=True, blank=True)

    class Meta:
        ordering = ["user", "-registered_at"]
        verbose_name = _("chứng thư số của người ký")
        verbose_name_plural = _("chứng thư số của người ký")

    def __str__(self):
        return f"{self.common_name} ({self.serial})"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class TokenSigningStatus(models.TextChoices):
    OPEN = "open", _("Đang chờ tệp đã ký")
    ACCEPTED = "accepted", _("Đã nhận tệp đã ký")
    EXPIRED = "expired", _("Đã hết hạn")


class TokenSigning(models.Model):
    """TokenSigning — phiên ký số bằng thiết bị của người ký: the draft of a decision offered once at a
    signed, expiring link to the signer's signing plugin, and the signed PDF it posted back. Only the
    SHA-256 of the session's token is kept."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="token_signings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    draft = models.FileField(upload_to="certificates/", blank=True)
    draft_sha256 = models.CharField(max_length=64)
    draft_size = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    fetched_at = models.DateTimeField(null=True, blank=True)     # the one-time link was used
    status = models.CharField(max_length=10, choices=TokenSigningStatus.choices, default=TokenSigningStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_refusal = models.TextField(blank=True)
    certificate = models.ForeignKey(SignerCertificate, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)      # as the signer's software reported it

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phiên ký số bằng thiết bị của người ký")
        verbose_name_plural = _("phiên ký số bằng thiết bị của người ký")
        constraints = [
            models.UniqueConstraint(fields=["decision"], condition=Q(status="accepted"),
                                    name="one_accepted_token_signing_per_decision"),
        ]

    def __str__(self):
        return f"{self.decision} — {self.get_status_display()}"
