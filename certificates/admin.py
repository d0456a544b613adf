from django.contrib import admin

from dossiers.admin import ReadOnlyAdmin

from .models import BlankLayout, Certificate, Decision, RegisterCounter


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    can_delete = False
    fields = ["serial", "register_number", "recipient_name", "position", "workplace", "token", "revoked_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    """Decisions are written by services (numbering, locks, events): read-only here."""

    list_display = ["number", "signed_on", "award_form", "signer_name", "status", "render_status", "render_done",
                    "render_total"]
    list_filter = ["status", "render_status"]
    search_fields = ["number", "certificates__recipient_name"]
    inlines = [CertificateInline]


@admin.register(BlankLayout)
class BlankLayoutAdmin(admin.ModelAdmin):
    """Positions (mm) of each printed field on a province's pre-printed blanks."""

    list_display = ["kind", "name", "offset_x_mm", "offset_y_mm"]


@admin.register(RegisterCounter)
class RegisterCounterAdmin(ReadOnlyAdmin):
    list_display = ["name", "last"]
