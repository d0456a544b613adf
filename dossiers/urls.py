from django.urls import path

from . import pages, provincial, views

app_name = "dossiers"
urlpatterns = [
    path("ho-so/<int:pk>/", views.dossier_detail, name="detail"),
    path("ho-so/<int:pk>/ban-in/", pages.dossier_print, name="print"),
    path("ho-so/<int:pk>/doi-tuong/", views.nominee_add, name="nominee_add"),
    path("ho-so/<int:pk>/doi-tuong/<int:nominee_pk>/bo/", views.nominee_remove, name="nominee_remove"),
    path("ho-so/<int:pk>/tai-len/", views.document_upload, name="upload"),
    path("ho-so/<int:pk>/hop-xet/", views.council_record, name="council"),
    path("ho-so/<int:pk>/hoi-dong-tinh/", provincial.province_council_record, name="province_council"),
    path("ho-so/<int:pk>/danh-gia/", views.dossier_rate, name="rate"),
    path("ho-so/<int:pk>/tra-cuu-ca-nhan/", views.person_lookup, name="person_lookup"),
    path("tai-lieu/<int:document_pk>/", views.document_view, name="document"),
]
