from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dossiers.pages import accessibility_statement
from ops import health
from ops.accounts import PasswordResetView
from workflows.views import home


urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("so-khen-thuong/", include("register.urls")),
    path("", include("imports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("mat-khau/doi/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("mat-khau/doi/xong/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("mat-khau/quen/", PasswordResetView.as_view(), name="password_reset"),
    path("mat-khau/quen/da-gui/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("mat-khau/dat-lai/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("mat-khau/dat-lai/xong/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("", home, name="home"),
    path("kha-nang-tiep-can/", accessibility_statement, name="accessibility"),
    path("", include("dossiers.urls")),
    path("", include("workflows.urls")),
    path("", include("certificates.urls")),
    path("", include("workflows.deadline_urls")),
    path("tieu-chi/", include("criteria.urls")),
    path("", include("precheck.urls")),
]
