from django.urls import path

from . import registration_views, views

app_name = "criteria"
urlpatterns = [
    path("", views.campaign_list, name="campaigns"),
    path("dot/<int:pk>/bao-cao/", views.reports, name="reports"),
    path("dot/<int:pk>/bao-cao.xlsx", views.reports_xlsx, name="reports_xlsx"),
    path("dot/<int:pk>/to-trinh.pdf", views.proposal_pdf, name="proposal_pdf"),
    path("dot/<int:pk>/tong-hop.pdf", views.consolidated_pdf, name="consolidated_pdf"),
    path("dang-ky-thi-dua/", registration_views.registration_home, name="registrations"),
    path("dang-ky-thi-dua/dot/<int:pk>/don-vi/<int:unit_pk>/gui/", registration_views.registration_submit, name="registration_submit"),
    path("dang-ky-thi-dua/<int:pk>/xac-nhan/", registration_views.registration_review, {"verdict": "confirm"},
         name="registration_confirm"),
    path("dang-ky-thi-dua/<int:pk>/tra-lai/", registration_views.registration_review, {"verdict": "return"},
         name="registration_return"),
    path("nhap-so-lieu/", views.metrics_upload, name="import"),
    path("nhap-so-lieu/mau.xlsx", views.metrics_template, name="import_template"),
    path("ho-so/<int:pk>/", views.dossier_criteria, name="dossier"),
    path("ho-so/<int:pk>/doi-chieu/", views.dossier_evaluate, name="evaluate"),
    path("ho-so/<int:pk>/vuot-quyen/", views.dossier_override, name="override"),
    path("ho-so/<int:pk>/danh-gia/", views.dossier_assess, name="assess"),
    path("ho-so/<int:pk>/doi-tuong/<int:nominee_pk>/mau-07.pdf", views.form07, name="form07"),
    path("ho-so/<int:pk>/doi-tuong/<int:nominee_pk>/bao-cao/", views.report_draft, name="report_draft"),
]
