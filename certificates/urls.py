from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("verify/<str:token>/", views.verify, name="verify"),
    path("quyet-dinh/<int:pk>/", views.decision_detail, name="decision"),
    path("quyet-dinh/<int:pk>/trang-thai.json", views.decision_status, name="decision_status"),
    path("quyet-dinh/<int:pk>/quyet-dinh.pdf", views.decision_pdf, name="decision_pdf"),
    path("quyet-dinh/<int:pk>/bang-khen.pdf", views.certificates_pdf, name="certificates_pdf"),
    path("quyet-dinh/<int:pk>/danh-sach.xlsx", views.awardees_xlsx, name="awardees_xlsx"),
    path("quyet-dinh/<int:pk>/in-lai/", views.decision_rerender, name="decision_rerender"),
    path("quyet-dinh/<int:pk>/thu-hoi/", views.decision_revoke, name="decision_revoke"),
    path("bang-khen/<int:pk>.pdf", views.certificate_pdf, name="certificate_pdf"),
    path("quy-khen-thuong/", views.funds, name="funds"),
    path("quy-khen-thuong/tien-thuong.xlsx", views.funds_xlsx, name="funds_xlsx"),
    path("quy-khen-thuong/thong-ke.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("quyet-dinh/<int:pk>/ky-so/", views.decision_token_sign, name="decision_token_sign"),
    path("ky-so/du-thao/<str:link>/", views.token_draft, name="token_draft"),
    path("ky-so/nop/", views.token_upload, name="token_upload"),
    path("chu-ky-so/", views.my_certificates, name="my_certificates"),
]
