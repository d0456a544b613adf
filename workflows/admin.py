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


# --- Units: the merger and the closing go through workflows/structure.py (they move open tasks) ------------
import datetime as _dt  # noqa: E402

from django import forms  # noqa: E402
from django.contrib import messages  # noqa: E402
from django.shortcuts import redirect, render  # noqa: E402
from django.urls import path, reverse  # noqa: E402
from django.utils.translation import gettext  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from dossiers.admin import UnitAdmin as _BaseUnitAdmin  # noqa: E402
from dossiers.errors import DossierError  # noqa: E402
from dossiers.models import Unit  # noqa: E402
from dossiers.forms import parse_day  # noqa: E402

from . import structure  # noqa: E402


class MergeForm(forms.Form):
    successor = forms.ModelChoiceField(queryset=Unit.objects.filter(is_active=True, successor__isnull=True),
                                       label=_("Đơn vị kế thừa"))
    on = forms.CharField(label=_("Sáp nhập từ ngày (ngày/tháng/năm)"), max_length=10,
                         help_text=_("Ngày đầu tiên đơn vị kế thừa thực hiện công việc của đơn vị bị sáp nhập."))
    basis = forms.CharField(label=_("Căn cứ (nghị quyết, quyết định)"), max_length=255, required=False)
    move_leaders = forms.BooleanField(label=_("Cấp lại cả vai trò lãnh đạo (thủ trưởng, người ký) tại đơn vị kế thừa"),
                                      required=False)

    def clean_on(self):
        try:
            return parse_day(self.cleaned_data["on"])
        except ValueError:
            raise forms.ValidationError(gettext("Ngày “%(value)s” không hợp lệ: nhập theo dạng ngày/tháng/năm.")
                                        % {"value": self.cleaned_data["on"][:20]}) from None


admin.site.unregister(Unit)


@admin.register(Unit)
class UnitAdmin(_BaseUnitAdmin):
    actions = ["merge_units", "close_units"]

    def get_urls(self):
        return [path("sap-nhap/", self.admin_site.admin_view(self.merge_view), name="dossiers_unit_merge"),
                *super().get_urls()]

    @admin.action(description=_("Sáp nhập các đơn vị đã chọn vào một đơn vị kế thừa…"))
    def merge_units(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(f"{reverse('admin:dossiers_unit_merge')}?ids={ids}")

    @admin.action(description=_("Giải thể (thôi hoạt động từ hôm nay, không có đơn vị kế thừa)"))
    def close_units(self, request, queryset):
        for unit in queryset:
            try:
                structure.unit_close(unit=unit, on=_dt.date.today(), actor=request.user)
                self.message_user(request, gettext("%(unit)s đã thôi hoạt động.") % {"unit": unit.name})
            except DossierError as exc:
                self.message_user(request, str(exc), level=messages.ERROR)

    def merge_view(self, request):
        ids = [int(pk) for pk in request.GET.get("ids", "").split(",") if pk.strip().isdigit()][:200]
        units = list(Unit.objects.filter(pk__in=ids).select_related("level"))
        form = MergeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                report = structure.unit_merge(absorbed=units, successor=form.cleaned_data["successor"],
                                              on=form.cleaned_data["on"], actor=request.user,
                                              basis=form.cleaned_data["basis"],
                                              move_leaders=form.cleaned_data["move_leaders"])
            except DossierError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, gettext(
                    "Đã sáp nhập %(units)s vào %(successor)s: %(roles)s vai trò được cấp lại tại đơn vị kế thừa, "
                    "%(leaders)s vai trò lãnh đạo không chuyển, %(tasks)s việc đang mở chuyển sang (%(dossiers)s hồ sơ); "
                    "lịch sử hồ sơ và khen thưởng giữ nguyên.")
                    % {"units": ", ".join(u.name for u in report.absorbed), "successor": report.successor.name,
                       "roles": len(report.roles_granted), "leaders": len(report.leaders_not_moved),
                       "tasks": report.tasks_moved, "dossiers": len(report.dossiers)})
                return redirect(reverse("admin:dossiers_unit_change", args=[report.successor.pk]))
        context = {**self.admin_site.each_context(request), "title": gettext("Sáp nhập đơn vị"), "units": units,
                   "form": form, "opts": self.model._meta}
        return render(request, "admin/dossiers/unit/merge.html", context)
