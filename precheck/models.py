"""DocumentCheck — the pre-check of one uploaded document: what was read, what was found."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dossiers.models import Document


class CheckStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ kiểm tra")
    DONE = "done", _("Đã kiểm tra")
    FAILED = "failed", _("Kiểm tra không thành công")


class DocumentCheck(models.Model):
    """DocumentCheck — kết quả kiểm tra sơ bộ một thành phần hồ sơ: the text read from each page (its
    text layer or OCR) and the findings against the dossier, each with its page. Warnings only: the
    assistant never blocks a step."""

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="precheck")
    status = models.CharField(_("trạng thái"), max_length=10, choices=CheckStatus.choices,
                              default=CheckStatus.QUEUED)
    requested_at = models.DateTimeField(_("yêu cầu lúc"))
    checked_at = models.DateTimeField(_("kiểm tra lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần đọc"), default=0)
    error = models.TextField(_("lỗi gần nhất"), blank=True)
    # [{"number": 1, "source": "text"|"ocr", "text": "..."}]: kept, so a change in the dossier (votes
    # recorded later) re-checks without reading the file again.
    pages = models.JSONField(_("nội dung đọc được"), default=list, blank=True)
    signed = models.BooleanField(_("có chữ ký số"), default=False)
    ocr_pages = models.PositiveSmallIntegerField(_("số trang nhận dạng (OCR)"), default=0)
    ocr_seconds = models.FloatField(_("thời gian OCR (giây)"), default=0)
    facts = models.JSONField(_("dữ liệu hồ sơ dùng để đối chiếu"), default=dict, blank=True)
    findings = models.JSONField(_("phát hiện"), default=list, blank=True)

    class Meta:
        verbose_name = _("kiểm tra sơ bộ tài liệu")
        verbose_name_plural = _("kiểm tra sơ bộ tài liệu")

    def __str__(self):
        return f"{self.document} — {self.get_status_display()}"

    @property
    def warnings(self) -> list[dict]:
        return [f for f in self.findings if f.get("level") == "warning"]

    @property
    def notes(self) -> list[dict]:
        return [f for f in self.findings if f.get("level") != "warning"]
