from django.contrib import admin

from .models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "dedupe_key", "created_at", "available_at", "attempts", "delivered_at")
    list_filter = ("kind", ("delivered_at", admin.EmptyFieldListFilter))
    search_fields = ("kind", "dedupe_key", "last_error")
    readonly_fields = ("kind", "payload", "dedupe_key", "created_at", "attempts", "last_error", "delivered_at")
    actions = ["retry_now"]

    @admin.action(description="Thử lại ngay")
    def retry_now(self, request, queryset):
        from django.utils import timezone

        queryset.filter(delivered_at__isnull=True).update(available_at=timezone.now())
