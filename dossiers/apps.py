from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "dossiers"
    verbose_name = _("Hồ sơ khen thưởng")

    def ready(self):
        from django.db.models.signals import post_migrate

        from .audit import reinstall_after_migrate

        post_migrate.connect(reinstall_after_migrate, dispatch_uid="audit-triggers")
