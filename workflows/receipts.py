"""Giấy tiếp nhận hồ sơ và hẹn trả kết quả (Mẫu số 01, Thông tư 01/2018/TT-VPCP hướng dẫn Nghị
định 61/2018/NĐ-CP về cơ chế một cửa): printed for the unit once its dossier is submitted, with the
date the result is due (the working days of every step after submission on the dossier's path).
Printing lives outside the domain: dossiers imports neither criteria (the PDF renderer) nor workflows."""

from django.utils import timezone

from criteria.documents import head_of, render_pdf, signer_name, vn_date
from dossiers import calendar
from dossiers.errors import InvalidState
from dossiers.models import DossierEvent, RequirementScope, Unit, document_type_name, kind_of
from dossiers.text import in_official_language


def appointment(dossier):
    """(receiving unit, total working days, the result's due time) from the submission time."""
    later = [dossier.step_config(step) for step in dossier.path() if not kind_of(step).is_unit_work]
    days = sum(config.lead_days for config in later)
    receiving = Unit.objects.filter(pk=later[0].acting_unit_id).first() if later else None
    return receiving, days, calendar.due_at(dossier.submitted_at, days)


def receipt_context(dossier) -> dict:
    if dossier.submitted_at is None:
        raise InvalidState("Hồ sơ chưa được gửi: chưa có giấy tiếp nhận.")
    receiving, days, due = appointment(dossier)
    received = timezone.localtime(dossier.submitted_at)
    due = timezone.localtime(due)
    nominees = list(dossier.nominees.select_related("person", "unit"))
    documents = []
    for requirement in dossier.requirements():
        count = len(nominees) if requirement.scope == RequirementScope.NOMINEE else 1
        documents.append({"name": document_type_name(dossier.campaign, requirement.document_type), "copies": count})
    submitter = (DossierEvent.objects.filter(dossier=dossier, data__step="submission").select_related("actor")
                 .order_by("created_at").first())
    return {
        "dossier": dossier, "campaign": dossier.campaign, "receiving": receiving,
        "superior": receiving.parent.name.upper() if receiving and receiving.parent_id else "",
        "days": days, "received": received, "due": due, "documents": documents, "nominees": nominees,
        "received_date": vn_date(received.date()), "due_date": vn_date(due.date()),
        "submitter": (submitter.actor.get_full_name() or submitter.actor.get_username()) if submitter and
        submitter.actor else signer_name(head_of(dossier.unit)),
        "receiver": signer_name(head_of(receiving)) if receiving else "",
        "code": f"{received:%Y%m%d}-{dossier.pk:06d}",
    }


@in_official_language
def receipt_pdf(dossier) -> bytes:
    return render_pdf("dossiers/pdf/receipt.html", receipt_context(dossier))
