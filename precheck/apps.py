from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrecheckConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "precheck"
    verbose_name = _("Trợ lý kiểm tra sơ bộ")
