from django import forms
from django.contrib import admin

from dossiers.admin import ReadOnlyAdmin, ReadOnlyInline
from django.utils.translation import gettext_lazy as _

from .models import (
    Assessment, CriteriaOverride, Criterion, DisciplineRecord, EmulationRegistration, Evaluation, EvaluationLine,
    MetricImport, NomineeWarning, RegistrationLine, RegistrationRule, ReportDraft, ThresholdMode, UnitMetric,
)


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = "__all__"

    def clean(self):
        data = super().clean()
        form = data.get("award_form")
        if form is not None and form.campaign.rulebook_frozen_at is not None:
            raise forms.ValidationError(_("Đợt thi đua đã có hồ sơ được gửi: quy định (kể cả tiêu chí) đã khóa."))
        mode = data.get("mode")
        if mode and mode != ThresholdMode.JUDGED and not data.get("metric"):
            self.add_error("metric", _("Hãy chọn chỉ số để đối chiếu."))
        if mode == ThresholdMode.FIXED and data.get("threshold") is None:
            self.add_error("threshold", _("Hãy nhập ngưỡng."))
        if mode == ThresholdMode.PLAN_PLUS:
            if not data.get("plan_metric"):
                self.add_error("plan_metric", _("Hãy chọn chỉ số kế hoạch giao."))
            if data.get("threshold") is None:
                self.add_error("threshold", _("Hãy nhập số điểm cộng thêm (ví dụ 5)."))
        return data


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    """Criteria are data: the administrator edits them here, until the campaign's rulebook is frozen
    (its first dossier submitted); after that they are shown read-only."""

    list_display = ["name", "award_form", "nominee_kind", "mode", "metric", "comparison", "threshold", "is_hard",
                    "order"]
    list_filter = ["award_form__campaign", "nominee_kind", "mode", "is_hard"]
    list_editable = ["order"]
    form = CriterionForm
    search_fields = ["name", "code"]
    fieldsets = [
        (None, {"fields": ["award_form", "nominee_kind", "code", "name", "order", "is_hard"]}),
        (_("Cách đối chiếu"), {"fields": ["mode", "metric", "comparison", "threshold", "plan_metric"],
                               "description": _("“Theo cấp đơn vị” dùng chỉ tiêu của đợt thi đua (70% cấp tỉnh, 60% "
                                                "cấp huyện, 55% cấp xã) có cùng mã chỉ số. “Kế hoạch giao + N điểm” "
                                                "cộng N vào kế hoạch giao của từng đơn vị trong số liệu nhập.")}),
    ]

    def _frozen(self, obj):
        return obj is not None and obj.award_form.campaign.rulebook_frozen_at is not None

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class UnitMetricInline(admin.TabularInline):
    model = UnitMetric
    fields = ["row_number", "unit", "metric", "value"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["row_number", "metric"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MetricImport)
class MetricImportAdmin(admin.ModelAdmin):
    """Imports are made on the import page (validated row by row); here they are only read."""

    list_display = ["campaign", "version", "original_name", "row_count", "uploaded_by", "created_at"]
    list_filter = ["campaign"]
    readonly_fields = ["campaign", "version", "original_name", "sha256", "row_count", "uploaded_by", "created_at",
                       "note"]
    inlines = [UnitMetricInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvaluationLineInline(admin.TabularInline):
    model = EvaluationLine
    fields = ["criterion_name", "is_hard", "value", "comparison", "threshold", "plan_value", "passed", "source",
              "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["nominee", "passed", "metric_import", "created_by", "created_at"]
    list_filter = ["passed", "nominee__dossier__campaign"]
    readonly_fields = ["nominee", "metric_import", "created_by", "created_at", "passed"]
    inlines = [EvaluationLineInline]


@admin.register(CriteriaOverride)
class CriteriaOverrideAdmin(admin.ModelAdmin):
    list_display = ["evaluation", "actor", "created_at", "reason"]
    readonly_fields = ["evaluation", "actor", "created_at", "reason"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["nominee", "criterion", "role", "passed", "actor", "created_at"]
    list_filter = ["role", "passed"]
    readonly_fields = ["nominee", "criterion", "role", "actor", "passed", "comment", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(DisciplineRecord)
class DisciplineRecordAdmin(admin.ModelAdmin):
    list_display = ["__str__", "opened_on", "closed_on"]
    list_filter = ["closed_on"]
    search_fields = ["description", "person__full_name", "person__citizen_id", "unit__name"]
    raw_id_fields = ["person", "unit"]


@admin.register(NomineeWarning)
class NomineeWarningAdmin(admin.ModelAdmin):
    list_display = ["nominee", "other_dossier", "message", "created_at"]
    readonly_fields = ["nominee", "other_dossier", "message", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ReportDraft)
class ReportDraftAdmin(admin.ModelAdmin):
    list_display = ["nominee", "updated_by", "updated_at"]
    readonly_fields = ["nominee", "updated_by", "updated_at"]


@admin.register(RegistrationRule)
class RegistrationRuleAdmin(admin.ModelAdmin):
    list_display = ["campaign", "opens", "closes"]


class RegistrationLineInline(ReadOnlyInline):
    model = RegistrationLine
    fields = ["award_form", "nominee_kind", "count"]
    readonly_fields = fields


@admin.register(EmulationRegistration)
class EmulationRegistrationAdmin(ReadOnlyAdmin):
    """Read only: units send, Ban TĐKT confirms or returns on the page (criteria.registrations)."""

    list_display = ["unit", "campaign", "status", "submitted_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["unit__name"]
    readonly_fields = ["campaign", "unit", "status", "targets", "submitted_by", "submitted_at", "reviewed_by",
                       "reviewed_at", "review_note"]
    inlines = [RegistrationLineInline]
