"""The provincial steps on the dossier page (issue 12, items 4 and 6): the form for the provincial
council's meeting and votes (recorded here, work inside a step), the forms for the tờ trình upward and
the central decision (posted to workflows.views.upward, which moves the path), and what the page shows
of them. Every form keeps what was typed when a refusal comes back."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import DAY_FORMATS, DAY_HINT, DayInput
from .models import CentralDecision, CouncilVote, ProvinceCouncilMeeting, UpwardProposal, vote_rule_for
from .models.council import failed_council_ids
from .policy import Action, may

DEFAULT_RECIPIENT = "Thủ tướng Chính phủ"
DEFAULT_VIA = "Ban Thi đua - Khen thưởng Trung ương"


class ProvinceCouncilForm(forms.Form):
    """Biên bản họp Hội đồng TĐKT tỉnh: date, place, chair, the members present by name, the votes."""

    held_on = forms.DateField(label=_l("Ngày họp"), input_formats=DAY_FORMATS, widget=DayInput(), help_text=DAY_HINT)
    place = forms.CharField(label=_l("Địa điểm họp"), max_length=255)
    chair_name = forms.CharField(label=_l("Người chủ trì"), max_length=120)
    chair_position = forms.CharField(label=_l("Chức vụ người chủ trì"), max_length=200,
                                     help_text=_l("Ví dụ: Chủ tịch UBND tỉnh, Chủ tịch Hội đồng"))
    secretary_name = forms.CharField(label=_l("Thư ký"), max_length=120, required=False)
    members_total = forms.IntegerField(label=_l("Tổng số thành viên Hội đồng"), min_value=1, max_value=200)
    attendees = forms.CharField(
        label=_l("Thành viên dự họp"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_l("Mỗi dòng một người: họ và tên — chức vụ. Số dòng là số thành viên dự họp."))

    def __init__(self, *args, nominees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.nominees = list(nominees)
        for nominee in self.nominees:
            self.fields[f"vote_{nominee.pk}"] = forms.IntegerField(
                label=_("Số phiếu đồng ý — %(name)s") % {"name": nominee.name}, min_value=0, max_value=200,
                required=False, widget=forms.NumberInput(attrs={"data-vote": "1"}))

    def vote_fields(self):
        return [self[f"vote_{nominee.pk}"] for nominee in self.nominees]

    def votes(self) -> dict[int, int | None]:
        return {nominee.pk: self.cleaned_data.get(f"vote_{nominee.pk}") for nominee in self.nominees}


class UpwardForm(forms.Form):
    """Tờ trình đề nghị cấp trên: number, date, to whom (and through whom)."""

    number = forms.CharField(label=_l("Số, ký hiệu tờ trình"), max_length=60, help_text=_l("Ví dụ: 45/TTr-UBND"))
    signed_on = forms.DateField(label=_l("Ngày ký"), input_formats=DAY_FORMATS, widget=DayInput(), help_text=DAY_HINT)
    recipient = forms.CharField(label=_l("Kính gửi"), max_length=255)
    via = forms.CharField(label=_l("Qua (cơ quan thẩm định ở Trung ương)"), max_length=255, required=False)


OUTCOME_CHOICES = [("1", _l("Được khen thưởng")), ("0", _l("Không được khen thưởng"))]


class CentralDecisionForm(forms.Form):
    """Quyết định của cấp trên: number, date, issuer, each nominee's outcome (nothing pre-selected), scan."""

    number = forms.CharField(label=_l("Số, ký hiệu quyết định"), max_length=60, help_text=_l("Ví dụ: 1234/QĐ-TTg"))
    signed_on = forms.DateField(label=_l("Ngày ban hành"), input_formats=DAY_FORMATS, widget=DayInput(),
                                help_text=DAY_HINT)
    issuer = forms.CharField(label=_l("Cơ quan, người ban hành"), max_length=255,
                             help_text=_l("Ví dụ: Thủ tướng Chính phủ"))
    scan = forms.FileField(label=_l("Bản chụp quyết định (PDF, không bắt buộc)"), required=False)

    def __init__(self, *args, nominees=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.nominees = list(nominees)
        for nominee in self.nominees:
            self.fields[f"outcome_{nominee.pk}"] = forms.ChoiceField(
                label=_("Kết quả — %(name)s") % {"name": nominee.name}, choices=OUTCOME_CHOICES,
                widget=forms.RadioSelect)

    def outcome_fields(self):
        return [self[f"outcome_{nominee.pk}"] for nominee in self.nominees]

    def outcomes(self) -> dict[int, bool]:
        return {nominee.pk: self.cleaned_data[f"outcome_{nominee.pk}"] == "1" for nominee in self.nominees
                if self.cleaned_data.get(f"outcome_{nominee.pk}") in ("0", "1")}


def _council_form(dossier, nominees, data=None) -> ProvinceCouncilForm:
    meeting = ProvinceCouncilMeeting.objects.filter(dossier=dossier).first()
    initial = {}
    if meeting:  # a correction starts from what was recorded; a first recording starts empty
        initial = {"held_on": meeting.held_on, "place": meeting.place, "chair_name": meeting.chair_name,
                   "chair_position": meeting.chair_position, "secretary_name": meeting.secretary_name,
                   "members_total": meeting.members_total,
                   "attendees": "\n".join(f"{m['name']} — {m['position']}" if m.get("position") else m["name"]
                                          for m in meeting.attendees)}
        for vote in CouncilVote.objects.filter(meeting=meeting):
            initial[f"vote_{vote.nominee_id}"] = vote.votes_for
    return ProvinceCouncilForm(data, nominees=nominees, initial=initial)


def waiting_days(since) -> int:
    return max(0, (timezone.localdate() - timezone.localdate(since)).days)


def provincial_context(request, dossier, nominees, overrides: dict) -> dict:
    """What the dossier page shows of the provincial steps, and the forms for the acting role."""
    user = request.user
    may_vote = may(user, dossier, Action.COUNCIL_VOTE)
    may_send = may(user, dossier, Action.SEND_UPWARD)
    may_record = may(user, dossier, Action.RECORD_CENTRAL)
    meeting = ProvinceCouncilMeeting.objects.filter(dossier=dossier).first()
    proposal = UpwardProposal.objects.filter(dossier=dossier).first()
    central = CentralDecision.objects.filter(dossier=dossier).select_related("scan").first()
    on_path = any(step.kind.records_council_vote or step.kind.sends_upward or step.kind.records_central_decision
                  for step in dossier.configured_path())
    if not on_path and not (meeting or proposal or central):
        return {"provincial": None}
    votes = {v.nominee_id: v for v in CouncilVote.objects.filter(nominee__dossier=dossier)}
    failed = failed_council_ids(dossier)
    passing = [n for n in nominees if n.pk not in failed]
    proposed = list(proposal.nominees.select_related("person", "unit")) if proposal else passing
    kind = dossier.current_kind
    return {"provincial": {
        "rule": vote_rule_for(dossier.award_form), "meeting": meeting, "proposal": proposal, "central": central,
        "rows": [{"nominee": n, "vote": votes.get(n.pk)} for n in nominees],
        "may_vote": may_vote, "may_send": may_send, "may_record": may_record,
        "awaiting_central": bool(kind and kind.records_central_decision),
        "waiting_days": waiting_days(proposal.created_at) if proposal and kind and kind.records_central_decision
        else None,
        "council_form": overrides.pop("province_council_form", None) or (
            _council_form(dossier, nominees) if may_vote else None),
        "upward_form": overrides.pop("upward_form", None) or (
            UpwardForm(initial={"recipient": DEFAULT_RECIPIENT, "via": DEFAULT_VIA}) if may_send else None),
        "central_form": overrides.pop("central_form", None) or (
            CentralDecisionForm(nominees=proposed, initial={"issuer": proposal.recipient if proposal else ""})
            if may_record else None),
    }}


@login_required
@require_POST
def province_council_record(request, pk):
    from .views import post_dossier_form

    dossier = selectors.visible_dossier_or_404(request.user, pk)
    nominees = list(dossier.nominees.select_related("person", "unit"))
    form = _council_form(dossier, nominees, data=request.POST)
    return post_dossier_form(
        request, dossier, form, key="province_council_form",
        invalid=_("Kết quả họp Hội đồng TĐKT tỉnh chưa hợp lệ, hãy kiểm tra các ô được đánh dấu."),
        action=lambda data: services.province_council_record(
            dossier=dossier, actor=request.user, held_on=data["held_on"], place=data["place"],
            chair_name=data["chair_name"], chair_position=data["chair_position"],
            secretary_name=data["secretary_name"], members_total=data["members_total"],
            attendees=services.parse_attendees(data["attendees"]), votes=form.votes()),
        done=_("Đã ghi kết quả họp Hội đồng TĐKT tỉnh."), anchor="provincial")
