"""AuditCheck — the result of each verification of the hash chains (`manage.py audit_verify`, periodic)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditCheck(models.Model):
    """AuditCheck — kết quả kiểm tra tính toàn vẹn của nhật ký: the readiness endpoint reads the last one."""

    checked_at = models.DateTimeField(_("kiểm tra lúc"), default=timezone.now, db_index=True)
    ok = models.BooleanField(_("toàn vẹn"))
    rows_checked = models.PositiveIntegerField(_("số dòng đã kiểm tra"), default=0)
    problem = models.TextField(_("vấn đề đầu tiên"), blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    heads = models.JSONField(default=dict, blank=True, help_text="chain heads at this check (removed tails show)")

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("kiểm tra nhật ký")
        verbose_name_plural = _("kiểm tra nhật ký")

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'OK' if self.ok else self.problem}"
