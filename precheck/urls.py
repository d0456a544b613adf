from django.urls import path

from . import views

app_name = "precheck"
urlpatterns = [
    path("tai-lieu/<int:document_pk>/kiem-tra-lai/", views.retry, name="retry"),
]
