"""OutboxMessage — a side effect (e-mail, rendering, alert delivery, export) recorded in the same
transaction as the action that causes it, delivered later by the dispatcher."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """OutboxMessage — việc nền chờ thực hiện: kept until its handler succeeds, retried with backoff."""

    kind = models.CharField(_("loại việc"), max_length=80)
    payload = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    dedupe_key = models.CharField(_("khóa chống trùng"), max_length=200, blank=True, default="",
                                  help_text=_("Một việc chưa xong cho mỗi (loại, khóa)."))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    available_at = models.DateTimeField(_("thực hiện từ"), default=timezone.now)
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    delivered_at = models.DateTimeField(_("hoàn tất lúc"), null=True, blank=True)

    class Meta:
        ordering = ["available_at", "pk"]
        verbose_name = _("việc nền")
        verbose_name_plural = _("việc nền (outbox)")
        indexes = [models.Index(fields=["available_at"], condition=Q(delivered_at__isnull=True), name="outbox_due")]
        constraints = [
            models.UniqueConstraint(fields=["kind", "dedupe_key"],
                                    condition=Q(delivered_at__isnull=True) & ~Q(dedupe_key=""),
                                    name="outbox_one_pending_per_key"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk}"

    @property
    def is_delivered(self) -> bool:
        return self.delivered_at is not None
