from django.urls import path

from . import views
from .views import upward

app_name = "workflows"
urlpatterns = [
    path("ho-so/moi/", views.dossier_create, name="create"),
    path("ho-so/<int:pk>/hoan-tat/", views.complete_steps, name="complete_steps"),
    path("ho-so/<int:pk>/gui/", views.dossier_submit, name="submit"),
    path("ho-so/<int:pk>/gui-lai/", views.dossier_resubmit, name="resubmit"),
    path("ho-so/<int:pk>/rut/", views.dossier_withdraw, name="withdraw"),
    path("ho-so/<int:pk>/tham-dinh/", views.review, name="review"),
    path("ho-so/<int:pk>/to-trinh-cap-tren/", upward.send_upward, name="send_upward"),
    path("ho-so/<int:pk>/to-trinh-cap-tren.pdf", upward.upward_proposal, name="upward_pdf"),
    path("ho-so/<int:pk>/quyet-dinh-cap-tren/", upward.record_central_decision, name="record_central"),
    path("ho-so/<int:pk>/bien-ban-hoi-dong-tinh.pdf", upward.council_minutes, name="council_minutes"),
    path("ho-so/<int:pk>/giay-tiep-nhan.pdf", views.dossier_receipt, name="receipt"),
    path("viec-can-lam/", views.inbox, name="inbox"),
    path("quyet-dinh/", views.decisions, name="decisions"),
    path("thong-ke/", views.dashboard, name="dashboard"),
    path("ho-so/<int:pk>/hiep-y/", views.consultation_answer, name="consultation_answer"),
    path("ho-so/<int:pk>/phan-anh/", views.objection_record, name="objection_record"),
    path("ho-so/<int:pk>/phan-anh/<int:objection_pk>/xu-ly/", views.objection_resolve, name="objection_resolve"),
    path("cong-khai/", views.public_list, name="public_list"),
    path("cong-khai/<int:posting_pk>/phan-anh/", views.public_objection, name="public_objection"),
    path("uy-quyen/", views.delegations, name="delegations"),
    path("giao-lai-viec/", views.reassign, name="reassign"),
]
