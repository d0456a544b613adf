from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    """Criteria of a campaign evaluated from imported unit metrics; auto-filled forms; reports."""

    name = "criteria"
    label = "criteria"
    verbose_name = _("Tiêu chí, số liệu và báo cáo")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from dossiers.rulebooks import register_extension
        from dossiers.services.hooks import register_nominee_check

        from . import rulebook
        from .services import nominee_checks

        register_nominee_check("criteria.nominee_checks", nominee_checks)
        register_extension("criteria", parse=rulebook.parse, load=rulebook.load)
