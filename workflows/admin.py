from django.contrib import admin

from dossiers.admin import ReadOnlyAdmin

from .models import ApologyLetter, CalendarChange, DeadlineAlert, DossierTask, LateExplanation, Notification


@admin.register(DeadlineAlert)
class DeadlineAlertAdmin(ReadOnlyAdmin):
    list_display = ["task", "kind", "due_at", "created_at", "delivered_at"]
    list_filter = ["kind"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["user", "dossier", "kind", "title", "created_at", "read_at", "emailed_at"]
    list_filter = ["kind"]


@admin.register(LateExplanation)
class LateExplanationAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "unit", "requested_at", "submitted_by", "submitted_at"]


@admin.register(ApologyLetter)
class ApologyLetterAdmin(ReadOnlyAdmin):
    list_display = ["number", "dossier", "issuing_unit", "issued_at", "original_due_at", "new_due_at"]


@admin.register(CalendarChange)
class CalendarChangeAdmin(ReadOnlyAdmin):
    list_display = ["day", "was_working", "is_working", "note", "actor", "tasks_recomputed", "created_at"]


@admin.register(DossierTask)
class DossierTaskAdmin(ReadOnlyAdmin):
    list_display = ["pk", "dossier", "step", "unit", "role", "status", "owner", "created", "due_at", "finished"]
    list_filter = ["status", "step", "role"]
    list_select_related = ["dossier__unit", "unit", "owner"]
