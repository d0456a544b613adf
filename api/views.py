"""API v1. Every write calls the same service as the page (dossiers.services, workflows.services): the
same permission checks, the same Vietnamese refusals (as problem details), the same events."""

from django.conf import settings
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, parsers, viewsets
from rest_framework import status as http
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from dossiers import selectors as dossier_selectors
from dossiers import services as dossier_services
from dossiers.errors import InvalidInput, NotPermitted
from dossiers.models import (
    AwardForm, Campaign, DocumentType, DossierStatus, Nominee, Person, Role, Step, Unit,
)
from dossiers.selectors import visible_dossier_or_404
from dossiers.text import clean_line
from workflows import services as path_services

from . import selectors, serializers as s
from .permissions import HasScope, client_token
from .problems import PROBLEM_TYPE, problem
from .services import InvalidClient, api_token_issue
from .throttling import TokenEndpointThrottle


PROBLEM = OpenApiResponse(response=s.ProblemSerializer, description="RFC 7807 problem details")
ERRORS = {(code, PROBLEM_TYPE): PROBLEM for code in (400, 401, 403, 404, 409, 422, 429)}
READ_ERRORS = {(code, PROBLEM_TYPE): PROBLEM for code in (400, 401, 403, 404, 429)}


def int_param(request, name, *, low=1, high=10**15):
    """A whole-number filter, or a 400 problem naming it (never a 500 from the database)."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or len(value) > 15 or not low <= int(value) <= high:
        raise InvalidInput(_("Tham số “%(name)s” không hợp lệ: “%(value)s”.") % {"name": name, "value": value[:20]})
    return int(value)


def text_param(request, name, *, limit):
    """A text filter as the services clean typed text (NFC, no control or bidi characters: a NUL byte
    would be a DataError on PostgreSQL), bounded to `limit` characters."""
    return clean_line(request.query_params.get(name, ""))[:limit]


# --- catalog -------------------------------------------------------------------------------------
@extend_schema(tags=["catalog"], responses={200: s.CampaignSerializer, **READ_ERRORS})
class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Đợt thi đua (campaigns) and the award forms each offers."""

    serializer_class = s.CampaignSerializer
    required_scope = "catalog:read"
    queryset = Campaign.objects.prefetch_related("award_forms").order_by("-window_opens", "pk")


@extend_schema(tags=["catalog"], responses={200: s.AwardFormSerializer, **READ_ERRORS},
               parameters=[OpenApiParameter("campaign", int, description="Lọc theo đợt thi đua")])
class AwardFormViewSet(viewsets.ReadOnlyModelViewSet):
    """Hình thức khen thưởng (award forms): the path's steps and the documents each step requires."""

    serializer_class = s.AwardFormSerializer
    required_scope = "catalog:read"

    def get_queryset(self):
        forms = AwardForm.objects.prefetch_related("step_rules", "requirements__document_type").order_by("pk")
        campaign = int_param(self.request, "campaign")
        return forms.filter(campaign_id=campaign) if campaign else forms


@extend_schema(tags=["catalog"], responses={200: s.UnitSerializer, **READ_ERRORS},
               parameters=[OpenApiParameter("parent", int), OpenApiParameter("level", str),
                           OpenApiParameter("q", str, description="Tìm theo tên")])
class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Cơ quan, đơn vị (units), with their level, parent and successor after a merger."""

    serializer_class = s.UnitSerializer
    required_scope = "catalog:read"

    def get_queryset(self):
        units = Unit.objects.select_related("level").order_by("level__rank", "name", "pk")
        parent, level, q = int_param(self.request, "parent"), text_param(self.request, "level", limit=30), \
            text_param(self.request, "q", limit=100)
        if parent:
            units = units.filter(parent_id=parent)
        if level:
            units = units.filter(level__code=level)
        if q:
            units = units.filter(name__icontains=q)
        return units


# --- dossiers ------------------------------------------------------------------------------------
class DossierViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """Hồ sơ đề nghị khen thưởng. A unit's system works on its own unit's dossiers; reviewers see the
    dossiers that reached them; another unit's dossier is 404."""

    required_scopes = {
        "list": "dossiers:read", "retrieve": "dossiers:read", "status": "dossiers:read",
        "timeline": "dossiers:read", "create": "dossiers:write", "nominees": "dossiers:write",
        "documents": "dossiers:write", "document_reference": "dossiers:write", "council": "dossiers:write", "complete_step": "dossiers:write",
        "submit": "dossiers:submit",
    }

    def get_queryset(self):
        dossiers = selectors.visible_dossiers(self.request.user).order_by("-created_at", "-pk")
        params = self.request.query_params
        for name in ("campaign", "award_form", "unit"):
            value = int_param(self.request, name)
            if value:
                dossiers = dossiers.filter(**{f"{name}_id": value})
        wanted = params.get("status")
        if wanted:
            if wanted not in DossierStatus.values:
                raise InvalidInput(_("Tham số “%(name)s” không hợp lệ: “%(value)s”.") % {"name": "status",
                                                                                   "value": wanted[:30]})
            dossiers = dossiers.filter(status=wanted)
        return dossiers

    def get_serializer_class(self):
        return s.DossierDetailSerializer if self.action == "retrieve" else s.DossierSerializer

    def dossier(self):
        pk = self.kwargs["pk"]
        if not str(pk).isdigit() or len(str(pk)) > 15:
            raise Http404
        return visible_dossier_or_404(self.request.user, int(pk))

    def detail_response(self, dossier, code=http.HTTP_200_OK):
        dossier.refresh_from_db()
        return Response(s.DossierDetailSerializer(dossier, context={"request": self.request}).data, status=code)

    @extend_schema(tags=["dossiers"], responses={200: s.DossierSerializer(many=True), **READ_ERRORS}, parameters=[
        OpenApiParameter("campaign", int), OpenApiParameter("award_form", int), OpenApiParameter("unit", int),
        OpenApiParameter("status", str, enum=DossierStatus.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(tags=["dossiers"], responses={200: s.DossierDetailSerializer, **READ_ERRORS})
    def retrieve(self, request, *args, **kwargs):
        dossier = self.dossier()
        return Response(s.DossierDetailSerializer(dossier).data)

    @extend_schema(tags=["dossiers"], request=s.DossierCreateSerializer,
                   responses={201: s.DossierDetailSerializer, **ERRORS})
    def create(self, request, *args, **kwargs):
        data = self.validated(s.DossierCreateSerializer)
        unit_id = data.get("unit")
        token = client_token(request)
        if unit_id is None:
            if token is not None:
                unit_id = token.client.unit_id
            else:
                units = {u for u, r in request.user.memberships.filter(is_active=True).values_list("unit_id", "role")
                         if r in (Role.UNIT_OFFICER, Role.UNIT_HEAD)}
                if len(units) != 1:
                    raise InvalidInput(_("Hãy chọn đơn vị lập hồ sơ (trường “unit”)."))
                unit_id = units.pop()
        unit = Unit.objects.filter(pk=unit_id).first()
        campaign = Campaign.objects.filter(pk=data["campaign"]).first()
        award_form = AwardForm.objects.filter(pk=data["award_form"]).first()
        if unit is None or campaign is None or award_form is None:
            raise Http404
        dossier = path_services.dossier_create(campaign=campaign, award_form=award_form, unit=unit,
                                               actor=request.user)
        return self.detail_response(dossier, http.HTTP_201_CREATED)

    def validated(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(tags=["dossiers"], responses={200: s.DossierStatusSerializer, **READ_ERRORS})
    @action(detail=True, methods=["get"])
    def status(self, request, pk=None):
        """Trạng thái: the status, the step in progress, its open task and due date, what is missing."""
        dossier = self.dossier()
        task = dossier_selectors.open_task(dossier)
        problems = dossier.unit_problems() if dossier.submitted_at is None else []
        body = {"id": dossier.pk, "status": dossier.status, "status_label": dossier.get_status_display(),
                "current_step": dossier.current_step.value if dossier.current_step else None,
                "open_task": None, "problems": problems}
        if task is not None:
            body["open_task"] = {"step": task.step, "step_label": task.step_label, "unit_id": task.unit_id,
                                 "role": task.role, "due_at": task.due_at, "is_overdue": task.is_overdue()}
        return Response(s.DossierStatusSerializer(body).data)

    @extend_schema(tags=["dossiers"], responses={200: s.EventSerializer(many=True), **READ_ERRORS})
    @action(detail=True, methods=["get"], pagination_class=None)
    def timeline(self, request, pk=None):
        """Nhật ký hồ sơ: every event, oldest first (who, when, from which status to which)."""
        dossier = self.dossier()
        events = dossier.events.select_related("actor").order_by("created_at", "pk")
        return Response(s.EventSerializer(events, many=True).data)

    @extend_schema(tags=["dossiers"], request=s.NomineeCreateSerializer,
                   responses={201: s.NomineeSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def nominees(self, request, pk=None):
        """Thêm đối tượng: a collective (a unit) or an individual (found by CCCD when given)."""
        dossier = self.dossier()
        data = dict(self.validated(s.NomineeCreateSerializer))
        if data.get("unit"):
            unit = dossier_selectors.unit_choices_for_collective(dossier).filter(pk=data["unit"]).first()
            if unit is None:
                raise InvalidInput(_("Tập thể được đề nghị phải là đơn vị mình hoặc đơn vị trực thuộc."))
            data["unit"] = unit
        else:
            data.pop("unit", None)
        nominee = dossier_services.nominee_add(dossier=dossier, actor=request.user, **data)
        nominee = Nominee.objects.select_related("person", "unit").get(pk=nominee.pk)
        return Response(s.NomineeSerializer(nominee).data, status=http.HTTP_201_CREATED)

    @staticmethod
    def document_target(dossier, data):
        """The document type named by its code and the nominee (of this dossier) a document is for."""
        document_type = DocumentType.objects.filter(code=data["document_type"]).first()
        if document_type is None:
            raise InvalidInput(_("Thành phần hồ sơ không hợp lệ."))
        nominee = None
        if data.get("nominee"):
            nominee = Nominee.objects.filter(pk=data["nominee"], dossier=dossier).first()
            if nominee is None:
                raise NotPermitted()
        return document_type, nominee

    @extend_schema(tags=["dossiers"], request={"multipart/form-data": s.DocumentUploadSerializer},
                   responses={201: s.DocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser])
    def documents(self, request, pk=None):
        """Tải lên thành phần hồ sơ (PDF, Word, JPG, PNG, checked by content); a new version of the
        same type supersedes the old one, which stays for the record."""
        dossier = self.dossier()
        data = self.validated(s.DocumentUploadSerializer)
        document_type, nominee = self.document_target(dossier, data)
        document = dossier_services.document_upload(dossier=dossier, actor=request.user, file=data["file"],
                                                    document_type=document_type, nominee=nominee)
        return Response(s.DocumentSerializer(document).data, status=http.HTTP_201_CREATED)

    @extend_schema(tags=["dossiers"], request=s.DocumentReferenceSerializer,
                   responses={201: s.DocumentSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="documents/reference", url_name="document-reference")
    def document_reference(self, request, pk=None):
        """Đính kèm văn bản đã có (once-only): a document of another dossier you may see, or a previous
        decision's signed PDF, attached by reference instead of uploaded again."""
        from certificates.references import decision_attach_reference
        from dossiers.models import Document
        from dossiers.services.references import document_attach_reference

        dossier = self.dossier()
        data = self.validated(s.DocumentReferenceSerializer)
        document_type, nominee = self.document_target(dossier, data)
        if bool(data.get("source_document")) == bool(data.get("source_decision")):
            raise InvalidInput(_("Hãy chọn đúng một văn bản đã có để đính kèm."))
        if data.get("source_document"):
            source = Document.objects.select_related("dossier").filter(pk=data["source_document"]).first()
            if source is None:
                raise Http404
            document = document_attach_reference(dossier=dossier, actor=request.user, document_type=document_type,
                                                 source_document=source, nominee=nominee)
        else:
            decision = selectors.visible_decisions(request.user).filter(pk=data["source_decision"]).first()
            if decision is None:
                raise Http404
            document = decision_attach_reference(dossier=dossier, actor=request.user, document_type=document_type,
                                                 decision=decision, nominee=nominee)
        return Response(s.DocumentSerializer(document).data, status=http.HTTP_201_CREATED)

    @extend_schema(tags=["dossiers"], request=s.CouncilSerializer, responses={200: s.DossierDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def council(self, request, pk=None):
        """Ghi kết quả họp xét của Hội đồng TĐKT: members and votes for each nominee."""
        dossier = self.dossier()
        data = self.validated(s.CouncilSerializer)
        dossier_services.council_record(dossier=dossier, actor=request.user, **data)
        return self.detail_response(dossier)

    @extend_schema(tags=["dossiers"], request=s.StepCompleteSerializer,
                   responses={200: s.DossierDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="complete-step")
    def complete_step(self, request, pk=None):
        """Hoàn thành một bước của đơn vị (tờ trình, họp xét, báo cáo thành tích)."""
        dossier = self.dossier()
        data = self.validated(s.StepCompleteSerializer)
        dossier = path_services.dossier_complete_step(dossier=dossier, actor=request.user, step=Step(data["step"]),
                                                      comment=data["comment"])
        return self.detail_response(dossier)

    @extend_schema(tags=["dossiers"], request=s.CommentSerializer, responses={200: s.DossierDetailSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Thủ trưởng ký, gửi hồ sơ: inside the submission window, with nothing missing."""
        dossier = self.dossier()
        data = self.validated(s.CommentSerializer)
        dossier = path_services.dossier_submit(dossier=dossier, actor=request.user, comment=data["comment"])
        return self.detail_response(dossier)



# --- decisions and awards ------------------------------------------------------------------------
@extend_schema(tags=["decisions"], parameters=[OpenApiParameter("year", int), OpenApiParameter("award_form", int)])
class DecisionViewSet(viewsets.ReadOnlyModelViewSet):
    """Quyết định khen thưởng and the awards (bằng khen, giấy khen) in each, for those who handle
    decisions (as on the pages) and for the units whose nominees they award. The awards carry no CCCD
    and no birth date; the public register (no login) is a page of its own."""

    required_scope = "decisions:read"

    def get_queryset(self):
        decisions = selectors.visible_decisions(self.request.user).order_by("-signed_on", "-pk")
        year, form = int_param(self.request, "year", low=1900, high=2999), int_param(self.request, "award_form")
        if year:
            decisions = decisions.filter(signed_on__year=year)
        if form:
            decisions = decisions.filter(award_form_id=form)
        return decisions

    def get_serializer_class(self):
        return s.DecisionDetailSerializer if self.action == "retrieve" else s.DecisionSerializer

    @extend_schema(responses={200: s.DecisionSerializer(many=True), **READ_ERRORS})
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: s.DecisionDetailSerializer, **READ_ERRORS})
    def retrieve(self, request, *args, **kwargs):
        pk = kwargs["pk"]
        if not str(pk).isdigit() or len(str(pk)) > 15:
            raise Http404
        return super().retrieve(request, *args, **kwargs)


class PersonHistoryView(APIView):
    """Quá trình khen thưởng của một cá nhân, theo số CCCD. POST, so that the CCCD never appears in a
    URL (access logs, proxies). Allowed: reviewers, signers, administrators; a unit only for people
    it proposed. Anyone else, or an unknown CCCD: 404, the same answer."""

    required_scope = "people:read"

    @extend_schema(tags=["people"], request=s.PersonLookupSerializer,
                   responses={200: s.PersonHistorySerializer, **ERRORS})
    def post(self, request):
        serializer = s.PersonLookupSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        person = Person.objects.filter(citizen_id=serializer.validated_data["citizen_id"]).first()
        if person is None or not selectors.may_see_history(request.user, person):
            raise Http404
        awards = selectors.person_history(person)
        return Response(s.PersonHistorySerializer({"full_name": person.full_name,
                                                   "citizen_id_masked": person.masked_citizen_id,
                                                   "awards": awards}).data)


class TokenView(APIView):
    """Client credentials (RFC 6749 §4.4): a system posts its client_id and client_secret (in the body
    or with HTTP Basic) and gets a bearer token valid API_TOKEN_SECONDS."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenEndpointThrottle]
    parser_classes = [parsers.FormParser, parsers.JSONParser]

    @extend_schema(tags=["auth"], request={"application/x-www-form-urlencoded": s.TokenRequestSerializer,
                                           "application/json": s.TokenRequestSerializer},
                   responses={200: s.TokenResponseSerializer, **ERRORS},
                   auth=[])
    def post(self, request):
        import base64
        import binascii

        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        client_id, client_secret = data.get("client_id", ""), data.get("client_secret", "")
        header = request.headers.get("Authorization", "")
        if header.lower().startswith("basic "):
            try:
                client_id, _sep, client_secret = base64.b64decode(header[6:]).decode().partition(":")
            except (binascii.Error, UnicodeDecodeError, ValueError):
                client_id = client_secret = ""
        try:
            token, raw = api_token_issue(client_id=client_id, client_secret=client_secret, scope=data["scope"])
        except InvalidClient:
            response = problem(401, "invalid-client", _("Chưa xác thực"),
                               _("Mã hệ thống hoặc khóa bí mật không đúng, hoặc hệ thống đã bị dừng."))
            response["WWW-Authenticate"] = 'Basic realm="api"'
            return response
        response = Response({"access_token": raw, "token_type": "Bearer", "expires_in": settings.API_TOKEN_SECONDS,
                             "scope": " ".join(token.scopes)})
        response["Cache-Control"] = "no-store"
        return response


# --- exports (pull) ---------------------------------------------------------------------------------
class ExportDecisionView(APIView):
    """Dữ liệu khen thưởng của một quyết định, theo định dạng trao đổi (Header, Body, Signature), for a
    system that pulls instead of receiving pushes. Same visibility as the decision."""

    required_scope = "exports:read"

    @extend_schema(tags=["exports"], responses={200: s.ExportEnvelopeSerializer, **READ_ERRORS})
    def get(self, request, pk: int):
        from . import exports

        decision = selectors.visible_decisions(request.user).filter(pk=pk).first()
        if decision is None:
            raise Http404
        return Response(exports.envelope(decision))


class ExportCertificateView(APIView):
    """The certificate (PEM) whose key signs the exports: receivers verify the Signature with it."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(tags=["exports"], auth=[], responses={(200, "application/x-pem-file"): OpenApiResponse(
        response=str, description="X.509 certificate, PEM")})
    def get(self, request):
        from django.http import HttpResponse

        from . import exports

        return HttpResponse(exports.certificate_pem(), content_type="application/x-pem-file")
