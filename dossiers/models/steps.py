"""What the new kinds of step record (issue 12): the consulted agencies' answers (hiệp y) and the
public posting of the list (công khai) with the objections it receives. Written only by the
services of workflows/consultation.py and workflows/posting.py; read by the step's guard
(`Dossier.problems_for`), the review page and the public page."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .dossiers import Dossier
from .units import Unit


class Verdict(models.TextChoices):
    AGREE = "agree", _("Đồng ý")
    DISAGREE = "disagree", _("Không đồng ý")
    SILENT = "silent", _("Không trả lời đúng hạn, được coi là đồng ý")


def answer_attachment_path(instance, filename):
    return f"consultation/{instance.dossier_id}/{instance.agency_id}-{filename}"


class ConsultationAnswer(models.Model):
    """ConsultationAnswer — ý kiến hiệp y của một cơ quan về một hồ sơ: đồng ý / không đồng ý (kèm lý
    do, tệp đính kèm), hoặc không trả lời khi hết hạn mà quy định coi im lặng là đồng ý."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="consultation_answers")
    agency = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan hiệp y"))
    verdict = models.CharField(_("ý kiến"), max_length=10, choices=Verdict.choices)
    reasons = models.TextField(_("lý do, ý kiến cụ thể"), blank=True)
    attachment = models.FileField(_("văn bản trả lời"), upload_to=answer_attachment_path, blank=True)
    attachment_name = models.CharField(max_length=255, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    answered_at = models.DateTimeField(_("trả lời lúc"), default=timezone.now)
    due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True)

    class Meta:
        ordering = ["answered_at", "pk"]
        verbose_name = _("ý kiến hiệp y")
        verbose_name_plural = _("ý kiến hiệp y")
        constraints = [
            models.UniqueConstraint(fields=["dossier", "agency"], name="one_answer_per_agency"),
            models.CheckConstraint(condition=~Q(verdict="disagree") | ~Q(reasons=""),
                                   name="disagreement_has_reasons"),
            models.CheckConstraint(condition=Q(verdict="silent", answered_by__isnull=True)
                                   | (~Q(verdict="silent") & Q(answered_by__isnull=False)),
                                   name="answer_by_a_person_unless_silent"),
        ]

    def __str__(self):
        return f"{self.agency}: {self.get_verdict_display()}"

    @property
    def agrees(self) -> bool:
        return self.verdict in (Verdict.AGREE, Verdict.SILENT)

    @property
    def is_late(self) -> bool:
        return self.due_at is not None and self.answered_at > self.due_at


class PublicPosting(models.Model):
    """PublicPosting — công khai danh sách đề nghị khen thưởng (tập thể, cá nhân, đơn vị, hình thức)
    trên trang công khai trong một số ngày làm việc trước khi Hội đồng xét."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="postings")
    opened_at = models.DateTimeField(_("công khai từ"), default=timezone.now)
    closes_at = models.DateTimeField(_("công khai đến"))
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("công khai danh sách")
        verbose_name_plural = _("công khai danh sách")
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(closed_at__isnull=True), name="one_open_posting"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opened_at")), name="posting_period_ordered"),
        ]

    def __str__(self):
        return f"#{self.dossier_id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def period_over(self, at=None) -> bool:
        return (at or timezone.now()) >= self.closes_at


class ObjectionSource(models.TextChoices):
    PUBLIC = "public", _("Trang công khai")
    OFFICE = "office", _("Cơ quan tiếp nhận (văn bản, điện thoại, trực tiếp)")


class PostingObjection(models.Model):
    """PostingObjection — ý kiến phản ánh về danh sách đang công khai; mở cho đến khi cơ quan thường
    trực xem xét và ghi kết quả xử lý."""

    posting = models.ForeignKey(PublicPosting, on_delete=models.CASCADE, related_name="objections")
    source = models.CharField(_("nguồn"), max_length=10, choices=ObjectionSource.choices)
    text = models.TextField(_("nội dung phản ánh"))
    sender_name = models.CharField(_("người phản ánh"), max_length=200, blank=True)
    sender_contact = models.CharField(_("liên hệ"), max_length=200, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    resolution = models.TextField(_("kết quả xem xét"), blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    resolved_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("ý kiến phản ánh")
        verbose_name_plural = _("ý kiến phản ánh")
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="objection_has_text"),
            models.CheckConstraint(condition=Q(resolved_at__isnull=True) | ~Q(resolution=""),
                                   name="objection_resolution_has_text"),
        ]

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
