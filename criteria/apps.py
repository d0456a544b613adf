from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    """Criteria of a campaign evaluated from imported unit metrics; auto-filled forms; reports."""

    name = "criteria"
    label = "criteria"
    verbose_name = _("Tiêu chí, số liệu và báo cáo")
    default_auto_field = "django.db.models.BigAutoField"
