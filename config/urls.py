from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("dossiers.urls")),
    path("", include("workflows.urls")),
    path("", include("certificates.urls")),
]

if settings.DEBUG:
    from django.http import HttpResponse

    def _placeholder_home(request):
        return HttpResponse("Hệ thống khen thưởng — trang chủ đang được xây dựng.")

    if not any(getattr(p, "name", None) == "home" for p in urlpatterns):
        urlpatterns.append(path("", _placeholder_home, name="home"))
