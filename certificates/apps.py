from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Quyết định và bằng khen")

    def ready(self):
        from . import audit  # noqa: F401  (registers the register's chain and the protected tables)
