"""Writes for decisions and certificates. Keyword-only, atomic; dossiers are locked in pk order."""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.errors import Conflict, InvalidInput, InvalidState, NotPermitted
from dossiers.models import AwardForm, EventKind, Nominee, NomineeKind, Outcome, Role
from dossiers.rules import has_role, is_admin, roles_at, signing_capacity
from dossiers.prizes import prize_for, regime_of
from dossiers.services import lock_dossier, record_event
from dossiers.text import clean_line, in_official_language, place_of
from outbox import enqueue

from .audit import chain_certificates
from .models import Certificate, Decision, DecisionStatus, RegisterCounter, RenderStatus

log = logging.getLogger("khenthuong.certificates")
GLOBAL_REGISTER = "global"
RENDER_KIND = "certificates.render"  # outbox: render and sign a decision's PDFs
EXPORT_KIND = "exports.decision"     # outbox: push the award records to the national systems (api/delivery.py)
ISSUER_ROLES = {Role.CHAIRMAN, Role.UNIT_OFFICER, Role.UNIT_HEAD, Role.ADMIN}


@in_official_language
def achievement_line(award_form: AwardForm) -> str:
    return _("Đã có thành tích xuất sắc trong phong trào thi đua “%(title)s”") % {"title": award_form.campaign.title}


def _take_register_numbers(count: int) -> int:
    """Reserve `count` consecutive register numbers; returns the first. The counter row is locked until
    the transaction ends, and rolls back with it: numbers are never skipped nor given twice."""
    RegisterCounter.objects.get_or_create(name=GLOBAL_REGISTER)
    counter = RegisterCounter.objects.select_for_update().get(name=GLOBAL_REGISTER)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return first


@transaction.atomic
def decision_issue(*, award_form: AwardForm, number: str, signed_on: dt.date, signer, actor,
                   nominees: list[Nominee]) -> Decision:
    """Record the decision (quyết định khen thưởng) for nominees whose dossiers are decided and awarded,
    give each a certificate with its register numbers, and schedule the PDFs after commit."""
    unit = award_form.deciding_unit
    if not (roles_at(actor, unit.pk) & ISSUER_ROLES or is_admin(actor)):
        raise NotPermitted(_("Bạn không có quyền ban hành quyết định của %(unit)s.") % {"unit": unit.name})
    number = clean_line(number)
    if not number:
        raise InvalidInput(_("Hãy nhập số, ký hiệu của quyết định (ví dụ: 1234/QĐ-UBND)."))
    if not nominees:
        raise InvalidInput(_("Quyết định cần ít nhất một tập thể hoặc cá nhân được khen thưởng."))
    # By the signer's own membership, or a delegation valid today (KT. / TUQ., dossiers.rules).
    membership = signing_capacity(signer, unit.pk, Role.CHAIRMAN)
    if membership is None:
        raise InvalidInput(_("%(name)s không phải người ký quyết định của %(unit)s.")
                           % {"name": signer.get_full_name() or signer.get_username(), "unit": unit.name})

    if not membership.title.strip():
        raise InvalidInput(_("Chưa ghi chức vụ của %(name)s tại %(unit)s (ví dụ: Chủ tịch, Phó Chủ tịch): "
                             "quyết định và bằng khen in chức vụ người ký.")
                           % {"name": signer.get_full_name() or signer.get_username(), "unit": unit.name})

    nominee_ids = sorted({n.pk for n in nominees})
    dossier_ids = sorted(set(Nominee.objects.filter(pk__in=nominee_ids).values_list("dossier_id", flat=True)))
    dossiers = {pk: lock_dossier(pk) for pk in dossier_ids}
    fresh = list(Nominee.objects.filter(pk__in=nominee_ids).select_related("person", "unit"))
    taken = set(Certificate.objects.filter(nominee_id__in=nominee_ids, revoked_at__isnull=True)
                .values_list("nominee_id", flat=True))
    problems = []
    for nominee in fresh:
        dossier = dossiers[nominee.dossier_id]
        if dossier.award_form_id != award_form.pk:
            problems.append(_("%(name)s được đề nghị “%(form)s”, không phải “%(this)s”.")
                            % {"name": nominee.name, "form": dossier.award_form.name, "this": award_form.name})
        elif not dossier.is_decided or nominee.outcome != Outcome.AWARDED:
            problems.append(_("%(name)s chưa được quyết định khen thưởng (hồ sơ #%(pk)s: %(status)s).")
                            % {"name": nominee.name, "pk": dossier.pk, "status": dossier.get_status_display()})
        elif nominee.pk in taken:
            problems.append(_("%(name)s đã có tên trong một quyết định khác còn hiệu lực.") % {"name": nominee.name})
    if len(fresh) != len(nominee_ids):
        problems.append(_("Có đối tượng không còn trong hồ sơ."))
    if problems:
        raise InvalidState(_("Không thể ghi vào quyết định:"), problems=problems)
    if Decision.objects.filter(issuing_unit=unit, number=number).exists():
        raise Conflict(_("Số quyết định %(number)s đã được dùng.") % {"number": number})

    decision = Decision.objects.create(
        award_form=award_form, issuing_unit=unit, number=number, signed_on=signed_on, place=place_of(unit),
        signer=signer, signer_name=signer.get_full_name() or signer.get_username(),
        signer_title=membership.title, signer_capacity=membership.capacity,
        created_by=actor, render_total=len(fresh))
    # Collectives first, then individuals (the order of Điều 1), each in the order they were proposed.
    ordered = sorted(fresh, key=lambda n: (n.kind != NomineeKind.COLLECTIVE, n.dossier_id, n.pk))
    first = _take_register_numbers(len(ordered))
    achievement = achievement_line(award_form)
    # Prize money: the pinned regime's multiple × the base salary in force on the signing date, fixed now.
    regime = regime_of(award_form.campaign)
    prizes = {kind: prize_for(award_form=award_form, kind=kind, on=signed_on, regime=regime)
              for kind in {n.kind for n in ordered}}
    certificates = [
        Certificate(decision=decision, nominee=n, serial=i, register_number=first + i - 1, kind=n.kind,
                    recipient_name=n.name, position=n.position if n.kind == NomineeKind.INDIVIDUAL else "",
                    workplace=(n.workplace or dossiers[n.dossier_id].unit.name) if n.kind == NomineeKind.INDIVIDUAL
                    else n.workplace, achievement=achievement,
                    prize_multiple=prizes[n.kind].multiple if prizes[n.kind] else None,
                    prize_base=prizes[n.kind].base if prizes[n.kind] else None,
                    prize_amount=prizes[n.kind].amount if prizes[n.kind] else None)
        for i, n in enumerate(ordered, start=1)]
    chain_certificates(certificates)  # under the register counter's lock: one gap-free chain
    certificates = Certificate.objects.bulk_create(certificates)
    for dossier in dossiers.values():
        mine = [c for c in certificates if c.nominee.dossier_id == dossier.pk]
        record_event(dossier=dossier, actor=actor, kind=EventKind.DECISION,
                     comment=_("Quyết định số %(number)s") % {"number": number},
                     data={"decision": decision.pk, "number": number, "signed_on": signed_on.isoformat(),
                           "certificates": [c.register_number for c in mine],
                           # what the unit's dossier page shows of its result (dossiers reads no certificates)
                           "signer": {"name": decision.signer_name, "lines": decision.signer_lines},
                           "issued": [{"certificate": c.pk, "nominee": c.nominee_id, "token": c.token,
                                       "code": c.register_code} for c in mine]})
    enqueue(kind=RENDER_KIND, payload={"decision": decision.pk}, dedupe_key=str(decision.pk))
    enqueue(kind=EXPORT_KIND, payload={"decision": decision.pk}, dedupe_key=str(decision.pk))
    return decision


@transaction.atomic
def decision_revoke(*, decision: Decision, actor, reason: str) -> Decision:
    """Revoke a decision: its certificates show "đã thu hồi" on the verification page. Register numbers
    stay taken (never reused)."""
    if not (has_role(actor, decision.issuing_unit_id, {Role.CHAIRMAN}) or is_admin(actor)):
        raise NotPermitted(_("Chỉ người có thẩm quyền ký quyết định mới thu hồi được quyết định."))
    reason = clean_line(reason)
    if not reason:
        raise InvalidInput(_("Hãy ghi lý do thu hồi quyết định."))
    dossier_ids = sorted(set(decision.certificates.values_list("nominee__dossier_id", flat=True)))
    dossiers = [lock_dossier(pk) for pk in dossier_ids]
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.status == DecisionStatus.REVOKED:
        raise InvalidState(_("Quyết định %(number)s đã bị thu hồi trước đó.") % {"number": decision.number})
    now = timezone.now()
    decision.status = DecisionStatus.REVOKED
    decision.revoked_at, decision.revoked_by, decision.revoke_reason = now, actor, reason
    decision.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    Certificate.objects.filter(decision=decision).update(revoked_at=now)
    for dossier in dossiers:
        record_event(dossier=dossier, actor=actor, kind=EventKind.DECISION,
                     comment=_("Thu hồi quyết định số %(number)s: %(reason)s") % {"number": decision.number,
                                                                                  "reason": reason},
                     data={"decision": decision.pk, "revoked": True})
    # The national systems hear of it as they heard of the decision: the same records, marked revoked.
    enqueue(kind=EXPORT_KIND, payload={"decision": decision.pk, "action": "revoke"},
            dedupe_key=f"{decision.pk}:revoke")
    return decision


@transaction.atomic
def decision_rerender(*, decision: Decision, actor) -> Decision:
    """"In lại": acts at once on a render that is waiting, stalled, retrying or failed (it resumes from
    the chunks already stored), and renders a finished decision again from scratch (e.g. after a new
    signing key). A render that is alive is left to finish."""
    from .selectors import may_rerender
    from .tasks import is_stalled

    if not may_rerender(actor, decision):
        raise NotPermitted(_("Chỉ cơ quan ban hành quyết định hoặc quản trị hệ thống được in lại quyết định đã ký."))
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.render_status == RenderStatus.RUNNING and not is_stalled(decision):
        raise InvalidState(_("Quyết định đang được in (%(done)s/%(total)s bằng); không cần in lại.")
                           % {"done": decision.render_done, "total": decision.render_total})
    restart = decision.render_status == RenderStatus.DONE
    updates = {"render_status": RenderStatus.PENDING, "render_attempts": 0, "render_error": "",
               "render_token": "", "render_queued_at": None}
    if restart:
        updates.update(render_parts={}, render_done=0)
    Decision.objects.filter(pk=decision.pk).update(**updates)
    enqueue(kind=RENDER_KIND, payload={"decision": decision.pk, "restart": restart}, dedupe_key=str(decision.pk))
    decision.refresh_from_db()
    return decision
