from django.contrib import admin

from .models import DocumentCheck


@admin.register(DocumentCheck)
class DocumentCheckAdmin(admin.ModelAdmin):
    list_display = ["document", "status", "attempts", "ocr_pages", "checked_at"]
    list_filter = ["status"]
    readonly_fields = [f.name for f in DocumentCheck._meta.fields]

    def has_add_permission(self, request):
        return False
