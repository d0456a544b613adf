"""Documents, the append-only event log, return requests, and the working-day calendar."""

import uuid

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .campaigns import DocumentType, Step
from .dossiers import Dossier, Nominee


def document_path(instance, filename):
    # Never trust the uploaded name in the storage path.
    return f"dossiers/{instance.dossier_id}/{uuid.uuid4().hex}"


class SignatureState(models.TextChoices):
    PENDING = "pending", _("Đang kiểm tra chữ ký số")
    CHECKED = "checked", _("Đã kiểm tra chữ ký số")
    UNREADABLE = "unreadable", _("Không đọc được chữ ký số")


class Document(models.Model):
    """Document — thành phần hồ sơ: one version of a file. A new upload of the same type (and
    nominee) supersedes the old one, which stays for the record."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    nominee = models.ForeignKey(Nominee, on_delete=models.CASCADE, null=True, blank=True, related_name="documents")
    document_type = models.ForeignKey(DocumentType, on_delete=models.PROTECT)
    file = models.FileField(upload_to=document_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Passed the deep content checks of dossiers.inspection when it was uploaded (rows older than
    # those checks did not): only an inspected PDF is shown inline, everything else is a download.
    inspected = models.BooleanField(default=False, editable=False)
    # A signed PDF (a tờ trình signed by the unit's head): its signatures are checked in the queue
    # (dossiers.signatures), "pending" until then; each entry is a SignatureReport.as_dict().
    signature_state = models.CharField(max_length=10, choices=SignatureState.choices, blank=True, editable=False)
    signatures = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["document_type__name", "nominee_id", "-version"]
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "document_type"],
                                    condition=Q(is_current=True, nominee__isnull=True),
                                    name="one_current_dossier_document"),
            models.UniqueConstraint(fields=["dossier", "nominee", "document_type"],
                                    condition=Q(is_current=True, nominee__isnull=False),
                                    name="one_current_nominee_document"),
        ]

    def __str__(self):
        return f"{self.document_type} v{self.version}"

    @property
    def signature_reports(self) -> list:
        import dataclasses

        from ..signatures import SignatureReport

        fields = {f.name for f in dataclasses.fields(SignatureReport)}
        return [SignatureReport(**{k: v for k, v in entry.items() if k in fields}) for entry in self.signatures]

    @property
    def signature_broken(self) -> bool:
        """A warning for the appraiser: a signature that is not intact, or does not cover the document."""
        return self.signature_state == SignatureState.UNREADABLE or any(
            not (entry.get("intact") and entry.get("covers_document")) for entry in self.signatures)

    @property
    def previewable(self) -> bool:
        """Shown in the page's preview (inline, sandboxed): only a PDF that passed the checks."""
        return self.inspected and self.content_type == "application/pdf"


class EventKind(models.TextChoices):
    CREATED = "created", _("Tạo hồ sơ")
    TRANSITION = "transition", _("Chuyển bước")
    RETURN = "return", _("Trả lại")
    UPLOAD = "upload", _("Tải lên")
    DOWNLOAD = "download", _("Tải xuống")
    NOMINEE = "nominee", _("Đối tượng")
    COUNCIL = "council", _("Họp xét")
    DECISION = "decision", _("Quyết định")
    NOTE = "note", _("Ghi chú")
    CONSULTATION = "consultation", _("Ý kiến hiệp y")
    OBJECTION = "objection", _("Ý kiến phản ánh")


class AppendOnlyManager(models.Manager):
    def bulk_create(self, *args, **kwargs):
        raise ValueError("append-only rows are created one by one (each is linked into its hash chain)")


class DossierEvent(models.Model):
    """DossierEvent — nhật ký hồ sơ: append-only; the dossier's timeline reads from it."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    # The leader whose role the actor exercised under a delegation (ủy quyền); hashed into the chain
    # when set (dossiers/audit.py), so rows written before the field existed verify unchanged.
    on_behalf_of = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("thay mặt"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    comment = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Hash chain per dossier (dossiers/audit.py): seq 1, 2, …; hash = SHA-256(prev_hash + content).
    seq = models.PositiveIntegerField(default=0, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    objects = AppendOnlyManager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("nhật ký hồ sơ")
        verbose_name_plural = _("nhật ký hồ sơ")
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_chain_seq")]

    def save(self, *args, **kwargs):
        """Insert only, linked into the dossier's hash chain (the database refuses UPDATE and DELETE)."""
        if self.pk is not None:
            raise ValueError("DossierEvent is append-only")
        from dossiers.audit import chain_event, insert_chained

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # savepoint=False: a failure here fails the enclosing transaction (a path move) as a whole
        with transaction.atomic(using=using, savepoint=False):
            if not insert_chained(self, connections[using]):    # PostgreSQL: one statement
                chain_event(self)
                super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("DossierEvent is append-only")


class ReturnRequest(models.Model):
    """ReturnRequest — phiếu yêu cầu bổ sung, hoàn thiện hồ sơ: every reason at once, per
    document where relevant. The reviewer's clock pauses with the working days it had left."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="return_requests")
    step = models.CharField(max_length=20, choices=Step.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    reasons = models.JSONField(help_text="[{'text': ..., 'document_type': code|None, 'nominee': id|None}]")
    reviewer_days_left = models.PositiveSmallIntegerField(default=0)
    unit_due_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    replies = models.JSONField(_("ý kiến của đơn vị"), default=dict, blank=True,
                               help_text="{item index (str): the unit's written answer, e.g. “không cần sửa vì …”}")
    late = models.BooleanField(_("gửi lại quá hạn bổ sung"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("phiếu yêu cầu bổ sung")
        verbose_name_plural = _("phiếu yêu cầu bổ sung")


class CalendarDay(models.Model):
    """CalendarDay — ngày nghỉ bù hoặc ngày làm việc bù theo quyết định hằng năm của Chính phủ,
    on top of weekends and the public holidays of `holidays` 'VN'."""

    date = models.DateField(_("ngày"), unique=True)
    is_working = models.BooleanField(_("là ngày làm việc"), help_text=_("Bỏ chọn: ngày nghỉ thêm."))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ / làm bù")
        verbose_name_plural = _("lịch ngày nghỉ / làm bù")

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {'làm việc' if self.is_working else 'nghỉ'}"


class ServiceRating(models.Model):
    """ServiceRating — đánh giá mức độ hài lòng của đơn vị sau khi có quyết định (1–5 và ý kiến)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng (1–5)"))
    comment = models.TextField(_("ý kiến"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_1_to_5")]
