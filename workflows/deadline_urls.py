from django.urls import path

from . import deadline_views as views

app_name = "deadlines"
urlpatterns = [
    path("thong-bao/", views.notification_list, name="notifications"),
    path("thong-bao/so-chua-doc/", views.unread, name="unread"),
    path("thong-bao/da-doc-het/", views.notifications_read_all, name="read_all"),
    path("thong-bao/<int:pk>/", views.notification_open, name="notification_open"),
    path("han-xu-ly/", views.overview, name="overview"),
    path("han-xu-ly/viec/<int:task_pk>/xin-loi/", views.apology_issue, name="apology_issue"),
    path("han-xu-ly/phieu-xin-loi/<int:pk>.pdf", views.apology_pdf, name="apology_pdf"),
    path("han-xu-ly/giai-trinh/<int:pk>/", views.explanation, name="explanation"),
    path("han-xu-ly/lich-lam-viec/", views.calendar_days, name="calendar"),
]
