from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import ApiClient, ApiClientSecret, ExportCode, ExportDelivery, ExportEndpoint, Scope
from .throttling import ClientRateThrottle


class SecretInline(admin.TabularInline):
    model = ApiClientSecret
    fields = ["hint", "created_at", "expires_at", "revoked_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("phạm vi quyền"), choices=Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiClient
        fields = ["name", "unit", "scopes", "rate", "is_active"]

    def clean_rate(self):
        rate = self.cleaned_data.get("rate", "").strip()
        if rate:
            try:
                ClientRateThrottle().parse_rate(rate)
            except (ValueError, KeyError, IndexError):
                raise forms.ValidationError(_("Ví dụ: 600/min, 10/sec, 5000/hour.")) from None
        return rate


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Register a unit's system; its secret is shown once, in the message after saving or rotating."""

    form = ApiClientForm
    list_display = ["name", "client_id", "unit", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "client_id", "unit__name"]
    fields = ["name", "client_id", "unit", "scopes", "rate", "is_active", "service_user", "created_at"]
    readonly_fields = ["client_id", "service_user", "created_at"]
    autocomplete_fields = ["unit"]
    inlines = [SecretInline]
    actions = ["rotate_secret"]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields + (["unit"] if obj else [])

    def save_model(self, request, obj, form, change):
        if change:
            services.api_client_update(client=obj, scopes=obj.scopes, is_active=obj.is_active, actor=request.user)
            ApiClient.objects.filter(pk=obj.pk).update(name=obj.name, rate=obj.rate)
            return
        client, secret = services.api_client_create(name=obj.name, unit=obj.unit, scopes=obj.scopes,
                                                    actor=request.user, rate=obj.rate)
        obj.pk, obj.client_id, obj.service_user = client.pk, client.client_id, client.service_user
        self.message_user(request, gettext("Mã hệ thống %(id)s, khóa bí mật (chỉ hiện một lần): %(secret)s")
                          % {"id": client.client_id, "secret": secret}, messages.WARNING)

    @admin.action(description=_("Cấp khóa bí mật mới (khóa cũ còn dùng được 7 ngày)"))
    def rotate_secret(self, request, queryset):
        for client in queryset:
            secret = services.api_client_rotate_secret(client=client, actor=request.user)
            self.message_user(request, gettext("%(id)s: khóa bí mật mới (chỉ hiện một lần): %(secret)s")
                              % {"id": client.client_id, "secret": secret}, messages.WARNING)


@admin.register(ExportEndpoint)
class ExportEndpointAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "is_active", "timeout_seconds"]
    list_filter = ["is_active"]


@admin.register(ExportCode)
class ExportCodeAdmin(admin.ModelAdmin):
    list_display = ["list", "key", "code", "label"]
    list_filter = ["list"]
    search_fields = ["key", "code", "label"]


@admin.register(ExportDelivery)
class ExportDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: read-only; a failed delivery can be sent again at once."""

    list_display = ["decision", "action", "endpoint", "status", "attempts", "last_status_code", "last_attempt_at",
                    "delivered_at"]
    list_filter = ["status", "action", "endpoint"]
    search_fields = ["decision__number", "msg_id"]
    readonly_fields = ["endpoint", "decision", "action", "msg_id", "status", "attempts", "last_status_code", "last_error",
                       "last_attempt_at", "delivered_at", "created_at"]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Gửi lại ngay"))
    def send_again(self, request, queryset):
        from outbox import enqueue

        from .delivery import PUSH_KIND

        count = 0
        for delivery in queryset.exclude(status="delivered"):
            enqueue(kind=PUSH_KIND, payload={"delivery": delivery.pk}, dedupe_key=str(delivery.pk))
            count += 1
        self.message_user(request, gettext("Đã xếp %(n)s lượt gửi lại.") % {"n": count}, messages.INFO)
