"""Shapes of the API. Input serializers only shape and bound the input (lengths, types); every rule
lives in the services, which the views call. Output never carries a CCCD in full or a birth date
outside the dossier's own nominees (seen only by those who handle the dossier)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from certificates.models import Certificate, Decision
from dossiers.models import (
    AwardForm, Campaign, Document, Dossier, DossierEvent, DossierStatus, EventKind, Nominee, NomineeKind, Outcome,
    Step, Unit, steps_where,
)

MAX_ID = 2**53
UNIT_STEP_CHOICES = [(step.value, step.label) for step in steps_where(lambda kind: kind.is_preparation)]


# --- catalog -------------------------------------------------------------------------------------
class UnitSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="code", read_only=True)
    is_active = serializers.BooleanField(read_only=True, source="acts")

    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "level", "parent", "successor", "is_active"]


class StepRuleSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=Step.choices)
    label = serializers.CharField()
    lead_days = serializers.IntegerField()


class RequirementSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=Step.choices)
    document_type = serializers.CharField(source="document_type.code")
    document_type_name = serializers.CharField(source="document_type.name")
    scope = serializers.CharField()


class AwardFormSerializer(serializers.ModelSerializer):
    steps = serializers.SerializerMethodField()
    requirements = RequirementSerializer(many=True, read_only=True)

    class Meta:
        model = AwardForm
        fields = ["id", "campaign", "code", "name", "deciding_unit", "signer_office", "revision_lead_days",
                  "steps", "requirements"]

    @extend_schema_field(StepRuleSerializer(many=True))
    def get_steps(self, form):
        order = {step: i for i, step in enumerate(Step)}
        rules = sorted(form.step_rules.all(), key=lambda r: order[Step(r.step)])
        return [{"step": r.step, "label": str(Step(r.step).label), "lead_days": r.lead_days} for r in rules]


class CampaignSerializer(serializers.ModelSerializer):
    award_forms = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    is_window_open = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = ["id", "plan_number", "title", "legal_basis", "issuing_unit", "period_start", "period_end",
                  "window_opens", "window_closes", "is_window_open", "appraising_unit", "home_affairs_unit",
                  "award_forms"]

    def get_is_window_open(self, campaign) -> bool:
        return campaign.is_window_open()


# --- dossiers ------------------------------------------------------------------------------------
class NomineeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    citizen_id_masked = serializers.SerializerMethodField()

    class Meta:
        model = Nominee
        fields = ["id", "kind", "name", "unit", "citizen_id_masked", "position", "workplace", "achievement",
                  "votes_for", "outcome"]

    def get_citizen_id_masked(self, nominee) -> str:
        return nominee.person.masked_citizen_id if nominee.person_id else ""


class DocumentSerializer(serializers.ModelSerializer):
    document_type = serializers.CharField(source="document_type.code")

    class Meta:
        model = Document
        fields = ["id", "document_type", "nominee", "original_name", "content_type", "size", "sha256", "version",
                  "uploaded_at"]


class DossierSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    current_step = serializers.SerializerMethodField()

    class Meta:
        model = Dossier
        fields = ["id", "campaign", "award_form", "unit", "status", "status_label", "current_step", "created_at",
                  "submitted_at", "decided_at"]

    def get_current_step(self, dossier) -> str | None:
        return dossier.current_step.value if dossier.current_step else None


class DossierDetailSerializer(DossierSerializer):
    nominees = NomineeSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()

    class Meta(DossierSerializer.Meta):
        fields = DossierSerializer.Meta.fields + ["nominees", "documents"]

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, dossier):
        current = dossier.documents.filter(is_current=True).select_related("document_type").order_by("pk")
        return DocumentSerializer(current, many=True).data


class DossierCreateSerializer(serializers.Serializer):
    campaign = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    award_form = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                    help_text=_("Mặc định: đơn vị của hệ thống kết nối."))


class NomineeCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NomineeKind.choices)
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False,
                                    help_text=_("Tập thể: mã đơn vị được đề nghị."))
    full_name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    citizen_id = serializers.CharField(max_length=12, required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    workplace = serializers.CharField(max_length=255, required=False, allow_blank=True)
    achievement = serializers.CharField(max_length=5000, required=False, allow_blank=True)


class DocumentUploadSerializer(serializers.Serializer):
    document_type = serializers.SlugField(max_length=40)
    nominee = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    file = serializers.FileField(allow_empty_file=True)


class DocumentReferenceSerializer(serializers.Serializer):
    document_type = serializers.SlugField(max_length=40)
    nominee = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    source_document = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True,
                                               help_text=_("Văn bản của một hồ sơ khác mà bạn được xem."))
    source_decision = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True,
                                               help_text=_("Quyết định khen thưởng đã ký (bản PDF có chữ ký số)."))


class CouncilSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    members_total = serializers.IntegerField(min_value=1, max_value=200)
    members_present = serializers.IntegerField(min_value=1, max_value=200)
    votes = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=200),
                                  help_text=_("Số phiếu đồng ý theo mã đối tượng: {\"12\": 8}"))

    def validate_votes(self, votes):
        cleaned = {}
        for key, value in votes.items():
            if not str(key).isdigit() or len(str(key)) > 15:
                raise serializers.ValidationError(_("Mã đối tượng “%(key)s” không hợp lệ.") % {"key": key})
            cleaned[int(key)] = value
        return cleaned


class StepCompleteSerializer(serializers.Serializer):
    step = serializers.ChoiceField(choices=UNIT_STEP_CHOICES)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class TaskSerializer(serializers.Serializer):
    step = serializers.CharField()
    step_label = serializers.CharField()
    unit = serializers.IntegerField(source="unit_id", allow_null=True)
    role = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    is_overdue = serializers.BooleanField()


class DossierStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=DossierStatus.choices)
    status_label = serializers.CharField()
    current_step = serializers.CharField(allow_null=True)
    open_task = TaskSerializer(allow_null=True)
    problems = serializers.ListField(child=serializers.CharField(),
                                     help_text=_("Những gì còn thiếu cho các bước của đơn vị."))


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=EventKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    actor = serializers.SerializerMethodField()

    class Meta:
        model = DossierEvent
        fields = ["id", "created_at", "kind", "kind_label", "from_status", "to_status", "actor", "comment"]

    def get_actor(self, event) -> str:
        if event.actor is None:
            return ""
        return event.actor.get_full_name() or event.actor.get_username()


# --- decisions and awards ------------------------------------------------------------------------
class AwardSerializer(serializers.ModelSerializer):
    register_code = serializers.CharField(read_only=True)
    revoked = serializers.SerializerMethodField()
    verify_path = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = ["id", "serial", "register_code", "kind", "recipient_name", "position", "workplace", "achievement",
                  "revoked", "verify_path"]

    def get_revoked(self, certificate) -> bool:
        return certificate.revoked_at is not None or certificate.decision.is_revoked

    def get_verify_path(self, certificate) -> str:
        from django.urls import reverse

        return reverse("certificates:verify", args=[certificate.token])


class DecisionSerializer(serializers.ModelSerializer):
    award_form_name = serializers.CharField(source="award_form.name", read_only=True)
    campaign = serializers.IntegerField(source="award_form.campaign_id", read_only=True)

    class Meta:
        model = Decision
        fields = ["id", "number", "signed_on", "issuing_unit", "award_form", "award_form_name", "campaign",
                  "signer_name", "signer_title", "signer_capacity", "status", "revoked_at"]


class DecisionDetailSerializer(DecisionSerializer):
    awards = serializers.SerializerMethodField()

    class Meta(DecisionSerializer.Meta):
        fields = DecisionSerializer.Meta.fields + ["awards"]

    @extend_schema_field(AwardSerializer(many=True))
    def get_awards(self, decision):
        return AwardSerializer(decision.certificates.select_related("decision").order_by("serial"), many=True).data


class PersonLookupSerializer(serializers.Serializer):
    citizen_id = serializers.RegexField(r"^\d{12}$", max_length=12,
                                        error_messages={"invalid": _("Số CCCD gồm đúng 12 chữ số.")})


class PersonAwardSerializer(serializers.Serializer):
    decision_number = serializers.CharField()
    decision_id = serializers.IntegerField(allow_null=True, help_text="null: a central decision (no local record)")
    certificate_id = serializers.IntegerField(allow_null=True, help_text="null: no certificate printed locally")
    decision_date = serializers.DateField()
    award_form = serializers.CharField()
    campaign = serializers.CharField()
    unit = serializers.CharField()
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    register_code = serializers.CharField(allow_blank=True)
    revoked = serializers.BooleanField()
    verify_path = serializers.CharField(allow_blank=True)
    issuer = serializers.CharField(help_text="who issued the decision (the province's body, or the central level)")
    central = serializers.BooleanField(help_text="a central decision recorded by the province (no local certificate)")


class PersonHistorySerializer(serializers.Serializer):
    full_name = serializers.CharField()
    citizen_id_masked = serializers.CharField()
    awards = PersonAwardSerializer(many=True)


class TokenRequestSerializer(serializers.Serializer):
    grant_type = serializers.ChoiceField(choices=[("client_credentials", "client_credentials")])
    client_id = serializers.CharField(max_length=40, required=False)
    client_secret = serializers.CharField(max_length=200, required=False)
    scope = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class TokenResponseSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField()
    expires_in = serializers.IntegerField()
    scope = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 7807 problem details, with the refusal's Vietnamese message in `detail`, each missing thing
    in `problems` and each invalid field in `errors`."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField(), required=False)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class ExportHeaderSerializer(serializers.Serializer):
    Version = serializers.CharField()
    Tran_Code = serializers.CharField()
    Export_Date = serializers.CharField(help_text="dd/mm/yyyy HH:MM:SS")
    Msg_ID = serializers.CharField()


class ExportRecordSerializer(serializers.Serializer):
    MaDonVi = serializers.CharField()
    LoaiHinhKhenThuong = serializers.CharField()
    NoiDungKhenThuong = serializers.CharField(allow_blank=True)
    SoQuyetDinh = serializers.CharField()
    NgayQuyetDinh = serializers.CharField(help_text="dd/mm/yyyy")
    TenCanBo = serializers.CharField(allow_blank=True)
    TenChucVu = serializers.CharField(allow_blank=True)
    MaHinhThucKhenThuong = serializers.CharField()
    TenTapThe = serializers.CharField(required=False, help_text=_("Chỉ với tập thể."))
    LinhVucHoatDong = serializers.CharField(required=False, allow_blank=True, help_text=_("Chỉ với tập thể."))
    TrangThai = serializers.CharField(required=False, help_text=_("Chỉ khi quyết định bị thu hồi: THU_HOI."))
    NgayThuHoi = serializers.CharField(required=False, allow_blank=True, help_text=_("Chỉ khi thu hồi (dd/mm/yyyy)."))
    LyDoThuHoi = serializers.CharField(required=False, allow_blank=True, help_text=_("Chỉ khi thu hồi."))


class ExportSignatureSerializer(serializers.Serializer):
    Algorithm = serializers.CharField()
    Certificate_SHA256 = serializers.CharField()
    Value = serializers.CharField(help_text=_("Chữ ký ECDSA (DER, base64) trên dạng chuẩn của {Header, Body}."))


class ExportEnvelopeSerializer(serializers.Serializer):
    Header = ExportHeaderSerializer()
    Body = ExportRecordSerializer(many=True)
    Signature = ExportSignatureSerializer()
