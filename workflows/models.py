"""Viewflow process and task models for the award path."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import AbstractTask, Process
from viewflow.workflow.status import STATUS

from dossiers.models import Dossier, Role, Step, Unit

OPEN_STATUSES = [STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED]
REVISION = "revision"  # the unit's work after a return; not a Step of the path


class DossierProcess(Process):
    """One process per dossier; `artifact` points at the dossier."""

    class Meta:
        proxy = True
        verbose_name = _("quy trình hồ sơ")
        verbose_name_plural = _("quy trình hồ sơ")

    @property
    def dossier(self) -> Dossier:
        cached = self.__dict__.get("_dossier")
        if cached is None:
            cached = Dossier.objects.select_related("campaign", "award_form", "unit").get(pk=self.artifact_object_id)
            self.__dict__["_dossier"] = cached
        return cached


class DossierTask(AbstractTask):
    """DossierTask — việc cần làm: one step of one dossier, addressed to a role at a unit (not to a
    person: anyone holding the role there may take it), with its due date stamped at creation."""

    process = models.ForeignKey(Process, on_delete=models.CASCADE, related_name="dossier_tasks")
    data = models.JSONField(default=dict, blank=True)
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, null=True, related_name="tasks")
    step = models.CharField(_("bước"), max_length=20, blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, related_name="+")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices, blank=True)
    due_at = models.DateTimeField(_("hạn xử lý"), null=True, blank=True)

    class Meta:
        verbose_name = _("việc cần làm")
        verbose_name_plural = _("việc cần làm")
        indexes = [
            models.Index(fields=["unit", "role", "status"]),
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["dossier", "status"]),
        ]

    @property
    def step_label(self) -> str:
        if self.step == REVISION:
            return str(_("Bổ sung, hoàn thiện hồ sơ"))
        return Step(self.step).label if self.step else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, at=None) -> bool:
        return self.is_open and self.due_at is not None and (at or timezone.now()) > self.due_at
