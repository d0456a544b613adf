from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("ho-so/<int:pk>/nhap-doi-tuong/", views.nominees, name="nominees"),
    path("nhap/mau-doi-tuong.xlsx", views.nominee_template, name="nominee_template"),
    path("nhap/don-vi-tai-khoan/", views.provision, name="provision"),
    path("nhap/mau-don-vi-tai-khoan.xlsx", views.provision_template, name="provision_template"),
]
