from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = _("Quy trình")

    def ready(self):
        # dossiers never imports workflows: it announces a calendar change, workflows re-stamps its due
        # dates. Connected here, not at models import (a models module calls no service).
        from dossiers.services.calendar import calendar_changed

        from .deadlines import recompute_on_calendar_change

        calendar_changed.connect(recompute_on_calendar_change, dispatch_uid="workflows.recompute_due_dates")
