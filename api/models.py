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
