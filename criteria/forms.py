from django import forms
from django.utils.translation import gettext_lazy as _

from dossiers.models import Campaign

from .models import ReportDraft


class MetricImportForm(forms.Form):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), label=_("Đợt thi đua"))
    file = forms.FileField(label=_("Tệp số liệu (.xlsx hoặc .csv)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}))
    note = forms.CharField(label=_("Ghi chú"), required=False, max_length=255)


class OverrideForm(forms.Form):
    nominee = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Lý do chuyển hồ sơ dù chưa đạt tiêu chí"), min_length=10,
                             widget=forms.Textarea(attrs={"rows": 3}))


class AssessmentForm(forms.Form):
    nominee = forms.IntegerField(widget=forms.HiddenInput)
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    passed = forms.TypedChoiceField(label=_("Đánh giá"), choices=[("1", _("Đạt")), ("0", _("Không đạt"))],
                                    coerce=lambda v: v == "1", widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportDraftForm(forms.ModelForm):
    class Meta:
        model = ReportDraft
        fields = ["situation", "duties", "measures", "past_awards"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}
