from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from workflows.views import home

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("", home, name="home"),
    path("", include("dossiers.urls")),
    path("", include("workflows.urls")),
    path("", include("certificates.urls")),
    path("", include("workflows.deadline_urls")),
    path("tieu-chi/", include("dossiers.criteria.urls")),
]
