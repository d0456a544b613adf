from django.contrib import admin

from .models import DossierTask


@admin.register(DossierTask)
class DossierTaskAdmin(admin.ModelAdmin):
    list_display = ["pk", "dossier", "step", "unit", "role", "status", "owner", "created", "due_at", "finished"]
    list_filter = ["status", "step", "role"]
    list_select_related = ["dossier__unit", "unit", "owner"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
