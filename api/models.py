"""API clients: a unit's own system (HR software, the provincial integration platform LGSP) that
calls the API under its own name, with its own secrets and scopes. Never a shared static token.

A client acts as its unit through a service account: a user of its own, with no password, holding at
the client's unit the roles its scopes need (see `api.services.SCOPE_ROLES`). Every permission
check (`dossiers.rules`) and every audit event then works as for a person: the event's actor is the
service account, named after the client."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dossiers.models import Unit


class Scope(models.TextChoices):
    """Scope — phạm vi quyền của một hệ thống kết nối."""

    CATALOG_READ = "catalog:read", _("Đọc đợt thi đua, hình thức khen thưởng, đơn vị")
    DOSSIERS_READ = "dossiers:read", _("Đọc hồ sơ, trạng thái, nhật ký")
    DOSSIERS_WRITE = "dossiers:write", _("Lập hồ sơ, thêm đối tượng, tải lên thành phần, hoàn thành bước")
    DOSSIERS_SUBMIT = "dossiers:submit", _("Ký, gửi hồ sơ (thay mặt thủ trưởng đơn vị)")
    DECISIONS_READ = "decisions:read", _("Đọc quyết định khen thưởng và danh sách được khen")
    PEOPLE_READ = "people:read", _("Tra cứu quá trình khen thưởng theo số CCCD")
    EXPORTS_READ = "exports:read", _("Lấy dữ liệu khen thưởng theo định dạng trao đổi")


def digest(secret: str) -> str:
    """Secrets and tokens are 256-bit random strings: a plain SHA-256 is enough to store them (no
    password stretching needed, and a lookup by digest stays one indexed query)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_client_id() -> str:
    return "kt_" + secrets.token_hex(8)


class ApiClient(models.Model):
    """ApiClient — hệ thống kết nối (phần mềm nhân sự của đơn vị, nền tảng LGSP): bound to one unit."""

    client_id = models.CharField(_("mã hệ thống"), max_length=40, unique=True, default=new_client_id, editable=False)
    name = models.CharField(_("tên hệ thống"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("đơn vị"))
    scopes = models.JSONField(_("phạm vi quyền"), default=list)
    service_user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client",
                                        verbose_name=_("tài khoản dịch vụ"))
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    rate = models.CharField(_("giới hạn tần suất"), max_length=20, blank=True,
                            help_text=_("Ví dụ: 600/min. Để trống: mức mặc định."))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("hệ thống kết nối API")
        verbose_name_plural = _("hệ thống kết nối API")

    def __str__(self):
        return f"{self.name} ({self.client_id})"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ApiClientSecret(models.Model):
    """One secret of a client. During a rotation two are active: the new one, and the old one until
    its `expires_at`."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="secrets")
    digest = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("gợi ý"), max_length=8, help_text=_("Bốn ký tự cuối, để nhận ra khóa."))
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("khóa bí mật")
        verbose_name_plural = _("khóa bí mật")

    def __str__(self):
        return f"…{self.hint}"

    @classmethod
    def active_q(cls, now=None) -> Q:
        now = now or timezone.now()
        return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """An access token issued by the token endpoint (client credentials); only its digest is stored."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("mã truy cập")
        verbose_name_plural = _("mã truy cập")

    def __str__(self):
        return f"{self.client.client_id} → {self.expires_at:%Y-%m-%d %H:%M}"


# --- exports to the national systems (api/exports.py) -----------------------------------------------
class ExportEndpoint(models.Model):
    """ExportEndpoint — hệ thống nhận dữ liệu khen thưởng (CSDL cán bộ, công chức, viên chức; phần mềm
    thi đua - khen thưởng của Bộ): each signed decision is pushed there through the outbox."""

    name = models.CharField(_("tên hệ thống nhận"), max_length=200)
    url = models.URLField(_("địa chỉ nhận (URL)"), max_length=500)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    timeout_seconds = models.PositiveSmallIntegerField(_("thời gian chờ (giây)"), default=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("nơi nhận dữ liệu khen thưởng")
        verbose_name_plural = _("nơi nhận dữ liệu khen thưởng")

    def __str__(self):
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Đang gửi")
    DELIVERED = "delivered", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi, sẽ thử lại")


class ExportAction(models.TextChoices):
    ISSUE = "issue", _("Quyết định khen thưởng")
    REVOKE = "revoke", _("Thu hồi quyết định")


class ExportDelivery(models.Model):
    """ExportDelivery — nhật ký gửi: one decision to one endpoint, with every attempt's outcome. The
    message id is fixed for the delivery, so a receiver recognises a retry of a message it already has."""

    endpoint = models.ForeignKey(ExportEndpoint, on_delete=models.PROTECT, related_name="deliveries",
                                 verbose_name=_("nơi nhận"))
    decision = models.ForeignKey("certificates.Decision", on_delete=models.PROTECT, related_name="export_deliveries",
                                 verbose_name=_("quyết định"))
    action = models.CharField(_("nội dung gửi"), max_length=10, choices=ExportAction.choices,
                              default=ExportAction.ISSUE)
    msg_id = models.UUIDField(_("mã thông điệp"), unique=True)
    status = models.CharField(_("tình trạng"), max_length=10, choices=DeliveryStatus.choices,
                              default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    last_status_code = models.PositiveSmallIntegerField(_("mã phản hồi gần nhất"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_attempt_at = models.DateTimeField(_("lần gửi gần nhất"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("nhật ký gửi dữ liệu khen thưởng")
        verbose_name_plural = _("nhật ký gửi dữ liệu khen thưởng")
        constraints = [models.UniqueConstraint(fields=["endpoint", "decision", "action"],
                                               name="one_delivery_per_endpoint_action")]

    def __str__(self):
        return f"{self.decision} → {self.endpoint}"


class ExportCode(models.Model):
    """ExportCode — mã danh mục dùng khi trao đổi: the code another system uses for one of ours (a unit's
    MaDonVi, an award form's MaHinhThucKhenThuong, …). Defaults ship in api/export_codes.json; a row
    here overrides them."""

    class List(models.TextChoices):
        UNIT = "unit", _("Mã đơn vị (MaDonVi), theo mã đơn vị trong hệ thống")
        AWARD_FORM = "award_form", _("Mã hình thức khen thưởng (MaHinhThucKhenThuong), theo mã hình thức")
        AWARD_TYPE = "award_type", _("Loại hình khen thưởng (LoaiHinhKhenThuong), theo mã hình thức")
        FIELD = "field", _("Lĩnh vực hoạt động của tập thể (LinhVucHoatDong), theo mã đơn vị")

    list = models.CharField(_("danh mục"), max_length=20, choices=List.choices)
    key = models.CharField(_("giá trị trong hệ thống"), max_length=60)
    code = models.CharField(_("mã trao đổi"), max_length=60)
    label = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        ordering = ["list", "key"]
        verbose_name = _("mã danh mục trao đổi")
        verbose_name_plural = _("mã danh mục trao đổi")
        constraints = [models.UniqueConstraint(fields=["list", "key"], name="export_code_unique")]

    def __str__(self):
        return f"{self.list}:{self.key} → {self.code}"
