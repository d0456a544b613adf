"""Forms of the dossier pages. They only shape input; every rule lives in the services."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NomineeKind, Unit
from .services.documents import ACCEPTED_EXTENSIONS


# Dates are typed day first, as written in Vietnam, whatever the browser's locale (WCAG 3.3.2: the format is
# said next to the field). ISO dates (what a date picker or an API client sends) are accepted too.
DAY_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DAY_HINT = _("Ngày/tháng/năm (dd/mm/yyyy), ví dụ 15/12/2023.")


class DayInput(forms.DateInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "10", **(attrs or {})},
                         format="%d/%m/%Y")


def parse_day(value: str) -> dt.date:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd); ValueError when it is neither."""
    value = (value or "").strip()
    for fmt in DAY_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise ValueError(value)


class NomineeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại đối tượng"), choices=NomineeKind.choices, initial=NomineeKind.COLLECTIVE,
                             widget=forms.RadioSelect)
    unit = forms.ModelChoiceField(label=_("Tập thể"), queryset=Unit.objects.none(), required=False)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120, required=False)
    citizen_id = forms.CharField(label=_("Số CCCD"), max_length=12, required=False,
                                 widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": r"\d{12}",
                                                               "autocomplete": "off"}),
                                 help_text=_("12 chữ số; để tra lịch sử khen thưởng của đúng người."))
    birth_date = forms.DateField(label=_("Ngày sinh"), required=False, input_formats=DAY_FORMATS, widget=DayInput(),
                                 help_text=DAY_HINT)
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    workplace = forms.CharField(label=_("Đơn vị công tác"), max_length=255, required=False)
    achievement = forms.CharField(label=_("Thành tích tóm tắt"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
            first = units.first()
            if first is not None:
                self.fields["unit"].initial = first.pk

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        if data["kind"] == NomineeKind.COLLECTIVE:
            return {"kind": data["kind"], "unit": data["unit"], "achievement": data["achievement"]}
        return {key: data[key] for key in ("kind", "full_name", "citizen_id", "birth_date", "position",
                                           "workplace", "achievement")}


class UploadForm(forms.Form):
    document_type = forms.SlugField(widget=forms.HiddenInput)
    nominee = forms.IntegerField(required=False, min_value=1, max_value=2**53, widget=forms.HiddenInput)
    file = forms.FileField(label=_("Chọn tệp"), allow_empty_file=True,
                           widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}))


class CouncilForm(forms.Form):
    """Biên bản họp xét: the date, the members, and the votes for each nominee (vote_<id> fields)."""

    held_on = forms.DateField(label=_("Ngày họp"), input_formats=DAY_FORMATS, widget=DayInput(), help_text=DAY_HINT)
    members_total = forms.IntegerField(label=_("Tổng số thành viên Hội đồng"), min_value=1, max_value=200)
    members_present = forms.IntegerField(label=_("Số thành viên dự họp"), min_value=1, max_value=200)

    def __init__(self, *args, nominees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.nominees = list(nominees)
        for nominee in self.nominees:
            self.fields[f"vote_{nominee.pk}"] = forms.IntegerField(
                label=_("Số phiếu đồng ý — %(name)s") % {"name": nominee.name}, min_value=0, max_value=200,
                initial=nominee.votes_for, widget=forms.NumberInput(attrs={"data-vote": "1"}))

    def vote_fields(self):
        return [self[f"vote_{nominee.pk}"] for nominee in self.nominees]

    def votes(self) -> dict[int, int]:
        return {nominee.pk: self.cleaned_data[f"vote_{nominee.pk}"] for nominee in self.nominees}


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Mức độ hài lòng"), coerce=int,
                                   choices=[(5, _("5 — Rất hài lòng")), (4, _("4 — Hài lòng")),
                                            (3, _("3 — Bình thường")), (2, _("2 — Chưa hài lòng")),
                                            (1, _("1 — Rất không hài lòng"))],
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Ý kiến góp ý"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
