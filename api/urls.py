from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter(trailing_slash=True)
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("award-forms", views.AwardFormViewSet, basename="award-form")
router.register("units", views.UnitViewSet, basename="unit")
router.register("dossiers", views.DossierViewSet, basename="dossier")
router.register("decisions", views.DecisionViewSet, basename="decision")

v1 = [
    path("token/", views.TokenView.as_view(), name="token"),
    path("people/awards/", views.PersonHistoryView.as_view(), name="person_awards"),
    path("exports/decisions/<int:pk>/", views.ExportDecisionView.as_view(), name="export_decision"),
    path("exports/certificate/", views.ExportCertificateView.as_view(), name="export_certificate"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(v1)),
]
