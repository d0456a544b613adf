from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dossiers.admin import ReadOnlyAdmin
from dossiers.errors import DossierError

from .models import BlankLayout, Certificate, Decision, RegisterCounter, SignerCertificate, TokenSigning


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


class SignerCertificateAddForm(forms.Form):
    user = forms.ModelChoiceField(queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
                                  label=_("người dùng"))
    certificate = forms.FileField(label=_("tệp chứng thư (.cer, .crt, .pem)"))


@admin.register(SignerCertificate)
class SignerCertificateAdmin(admin.ModelAdmin):
    """Registered signer certificates: added through the same service as the user's own page (checked
    against the trust list), withdrawn, never edited or deleted."""

    list_display = ["common_name", "user", "issuer", "serial", "not_after", "withdrawn_at"]
    list_filter = ["withdrawn_at"]
    search_fields = ["common_name", "user__username", "serial", "fingerprint"]
    readonly_fields = ["user", "fingerprint", "subject", "common_name", "issuer", "serial", "not_before",
                       "not_after", "registered_by", "registered_at", "withdrawn_at"]
    exclude = ["der"]
    actions = ["withdraw"]

    def has_delete_permission(self, request, obj=None):
        return False

    def add_view(self, request, form_url="", extra_context=None):
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from .token_signing import signer_certificate_register

        form = SignerCertificateAddForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                found = signer_certificate_register(user=form.cleaned_data["user"], actor=request.user,
                                                    data=form.cleaned_data["certificate"].read(64 * 1024))
            except DossierError as exc:
                form.add_error("certificate", str(exc))
            else:
                messages.success(request, _("Đã đăng ký chứng thư số “%(name)s”.") % {"name": found.common_name})
                return redirect("admin:certificates_signercertificate_changelist")
        context = {**self.admin_site.each_context(request), "title": _("Đăng ký chứng thư số"), "form": form,
                   "opts": self.model._meta, "has_view_permission": True}
        return TemplateResponse(request, "admin/certificates/signer_certificate_add.html", context)

    @admin.action(description=_("Ngừng dùng chứng thư đã chọn"))
    def withdraw(self, request, queryset):
        from .token_signing import signer_certificate_withdraw

        for found in queryset:
            signer_certificate_withdraw(certificate=found, actor=request.user)


@admin.register(TokenSigning)
class TokenSigningAdmin(ReadOnlyAdmin):
    list_display = ["decision", "user", "status", "created_at", "fetched_at", "completed_at", "attempts"]
    list_filter = ["status"]
    exclude = ["token_hash"]
