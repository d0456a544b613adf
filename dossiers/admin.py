from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AwardForm, BaseSalary, CalendarDay, Campaign, CampaignTarget, ConsultedAgency, CouncilMeeting, Delegation,
    Document, DocumentRequirement, DocumentType, Dossier, DossierEvent, LegalRegime, Membership, Nominee, Person,
    PrizeRule, RegimeForm, RegimeText, ReturnRequest, ServiceRating, StepRule, Unit, UnitLevel,
)
from .services import calendar_day_remove, calendar_day_set, delegation_create, delegation_revoke


class FrozenRulebookMixin:
    """A campaign's rulebook is frozen once its first dossier is submitted: read-only here."""

    def _campaign_of(self, obj):
        if obj is None:
            return None
        return obj if isinstance(obj, Campaign) else getattr(obj, "campaign", None)

    def has_change_permission(self, request, obj=None):
        campaign = self._campaign_of(obj)
        if campaign is not None and campaign.rulebook_frozen_at:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        campaign = self._campaign_of(obj)
        if campaign is not None and campaign.rulebook_frozen_at:
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        campaign = self._campaign_of(obj)
        if campaign is not None and campaign.rulebook_frozen_at:
            return False
        return super().has_add_permission(request)


@admin.register(UnitLevel)
class UnitLevelAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "rank"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Units are never deleted; a merger or closing goes through its service (workflows/admin.py adds
    the actions), so the successor, the end date and the active flag are read-only here."""

    list_display = ["name", "level", "parent", "valid_from", "valid_to", "is_active", "successor"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["successor", "merged_at", "valid_to", "is_active", "absorbed_units"]

    @admin.display(description=_("Đơn vị đã sáp nhập vào đơn vị này"))
    def absorbed_units(self, obj):
        if obj is None or obj.pk is None:
            return "-"
        rows = Unit.objects.filter(successor=obj).order_by("merged_at", "name")
        from django.utils import timezone

        return "; ".join(f"{u.name} ({timezone.localtime(u.merged_at):%d/%m/%Y})" if u.merged_at else u.name
                         for u in rows) or "-"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "title", "signs_for", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__last_name", "unit__name"]
    autocomplete_fields = ["unit"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "masked_citizen_id", "birth_date"]
    search_fields = ["full_name", "=citizen_id"]


class CampaignTargetInline(FrozenRulebookMixin, admin.TabularInline):
    model = CampaignTarget
    extra = 0


class AwardFormInline(FrozenRulebookMixin, admin.TabularInline):
    model = AwardForm
    extra = 0
    show_change_link = True
    fields = ["code", "name", "deciding_unit", "signer_office", "revision_lead_days"]


@admin.register(Campaign)
class CampaignAdmin(FrozenRulebookMixin, admin.ModelAdmin):
    list_display = ["plan_number", "title", "window_opens", "window_closes", "rulebook_frozen_at"]
    search_fields = ["plan_number", "title"]
    readonly_fields = ["rulebook_frozen_at"]
    inlines = [CampaignTargetInline, AwardFormInline]

    def _campaign_of(self, obj):
        return obj


class StepRuleInline(FrozenRulebookMixin, admin.TabularInline):
    model = StepRule
    extra = 0


class DocumentRequirementInline(FrozenRulebookMixin, admin.TabularInline):
    model = DocumentRequirement
    extra = 0


@admin.register(AwardForm)
class AwardFormAdmin(FrozenRulebookMixin, admin.ModelAdmin):
    list_display = ["name", "campaign", "deciding_unit"]
    inlines = [StepRuleInline, DocumentRequirementInline]


@admin.register(ConsultedAgency)
class ConsultedAgencyAdmin(FrozenRulebookMixin, admin.ModelAdmin):
    """The agencies consulted at a consultation step (hiệp y), each with its own time to answer."""

    list_display = ["unit", "step_rule", "lead_days"]
    list_filter = ["step_rule__award_form__campaign"]
    autocomplete_fields = ["unit"]

    def _campaign_of(self, obj):
        return obj.step_rule.award_form.campaign if obj is not None else None


@admin.register(DocumentType)
class DocumentTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by services: visible, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows shown beside their dossier, written only by services."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class NomineeInline(ReadOnlyInline):
    model = Nominee
    fields = ["kind", "unit", "person", "position", "votes_for", "outcome"]


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ["created_at", "actor", "kind", "from_status", "to_status", "comment"]


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ["pk", "unit", "campaign", "award_form", "status", "submitted_at"]
    list_filter = ["status", "campaign", "award_form__code"]
    search_fields = ["unit__name"]
    inlines = [NomineeInline, EventInline]

    def has_change_permission(self, request, obj=None):  # view only, but the page opens
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_staff


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "document_type", "nominee", "version", "is_current", "size", "uploaded_at"]
    list_filter = ["document_type", "is_current"]


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "dossier", "actor", "kind", "from_status", "to_status"]
    list_filter = ["kind"]


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "step", "actor", "created_at", "reviewer_days_left", "unit_due_at", "resolved_at"]


@admin.register(CouncilMeeting)
class CouncilMeetingAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "held_on", "members_present", "members_total"]


@admin.register(ServiceRating)
class ServiceRatingAdmin(ReadOnlyAdmin):
    list_display = ["dossier", "score", "created_at"]


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_working", "note"]

    def clean_date(self):
        from . import calendar
        from .errors import InvalidInput

        day = self.cleaned_data["date"]
        try:
            return calendar.check_date(day)
        except InvalidInput as exc:
            raise forms.ValidationError(exc.message) from None


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "is_working", "note"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        # One way in: the service also re-stamps open tasks' due dates.
        saved = calendar_day_set(day=obj.date, is_working=obj.is_working, note=obj.note, actor=request.user)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar_day_remove(day=obj.date, actor=request.user)

    def delete_queryset(self, request, queryset):
        for day in list(queryset.values_list("date", flat=True)):
            calendar_day_remove(day=day, actor=request.user)


admin.site.site_header = _("Hệ thống quản lý hồ sơ khen thưởng")
admin.site.site_title = _("Khen thưởng")


# --- legal regimes and base salaries: loaded from regimes/*.yaml (manage.py load_regime), append-only -------------
class RegimeTextInline(ReadOnlyInline):
    model = RegimeText

    fields = ["kind", "number", "signed_on", "issuer", "title", "effective_from", "cited", "source"]


class RegimeFormInline(ReadOnlyInline):
    model = RegimeForm

    fields = ["document_type", "number", "name", "text", "source"]


class PrizeRuleInline(ReadOnlyInline):
    model = PrizeRule

    fields = ["award", "label", "individual", "collective", "source"]


@admin.register(LegalRegime)
class LegalRegimeAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "version", "effective_from", "effective_to"]
    readonly_fields = ["code", "version", "name", "effective_from", "effective_to", "citation_lines", "rounding_unit",
                       "rounding_source", "limits", "notes", "source_file", "loaded_at"]
    inlines = [RegimeTextInline, RegimeFormInline, PrizeRuleInline]


@admin.register(BaseSalary)
class BaseSalaryAdmin(ReadOnlyAdmin):
    list_display = ["amount", "effective_from", "text_number", "text_date"]


class DelegationForm(forms.ModelForm):
    class Meta:
        model = Delegation
        fields = ["unit", "role", "kind", "delegator", "delegate", "valid_from", "valid_to", "basis"]


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    """Ủy quyền: created and ended through the service (same checks as the page)."""

    form = DelegationForm
    list_display = ["unit", "role", "kind", "delegator", "delegate", "valid_from", "valid_to", "revoked_at"]
    list_filter = ["role", "kind"]
    search_fields = ["unit__name", "delegator__username", "delegate__username"]
    autocomplete_fields = ["unit"]
    actions = ["end_now"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Delegation._meta.fields] if obj else []

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        from django.core.exceptions import ValidationError

        from .errors import DossierError

        if change:
            return
        try:
            created = delegation_create(unit=obj.unit, delegator=obj.delegator, delegate=obj.delegate, role=obj.role,
                                        kind=obj.kind, valid_from=obj.valid_from, valid_to=obj.valid_to,
                                        basis=obj.basis, actor=request.user)
        except DossierError as exc:
            raise ValidationError(str(exc)) from exc
        obj.pk = created.pk

    def add_view(self, request, form_url="", extra_context=None):
        from django.contrib import messages
        from django.core.exceptions import ValidationError

        try:
            return super().add_view(request, form_url, extra_context)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            from django.shortcuts import redirect

            return redirect(request.get_full_path())

    @admin.action(description=_("Chấm dứt ủy quyền ngay"))
    def end_now(self, request, queryset):
        from .errors import DossierError

        for delegation in queryset:
            try:
                delegation_revoke(delegation=delegation, actor=request.user)
            except DossierError as exc:
                self.message_user(request, str(exc), level="error")
