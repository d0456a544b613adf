"""Proposals upward and back (issue 12, item 6). At the `upward` step the Chủ tịch signs the tờ trình to
the central level (generated from the dossier, signed with the province's key) and the dossier waits
for the central decision; at `central_decision` the province's office records that decision (number,
date, issuer, per nominee awarded or not, optionally its scan) and the dossier is decided. No
certificate is printed in the province for a central award: the central level issues it.

Each is one path move, as in workflows.services: lock, permission (dossiers.policy), the step's guard
(the FSM transition's conditions), the event, the task completed, the unit told (outbox)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.errors import InvalidInput
from dossiers.models import (
    CentralDecision, Dossier, DossierEvent, EventKind, Nominee, Outcome, UpwardProposal, Step,
)
from dossiers.models.council import failed_council_ids
from dossiers.policy import Action, require
from dossiers.services import lock_dossier, record_event
from dossiers.services.council import central_scan_attach
from dossiers.services.documents import discard_stored, store_checked_upload
from dossiers.text import clean_line, date_in_range, place_of

from .services import _complete_task, _day, _fire, _task_at

DEFAULT_RECIPIENT = "Thủ tướng Chính phủ"
DEFAULT_VIA = "Ban Thi đua - Khen thưởng Trung ương"


def _reached_on(dossier: Dossier, step: Step) -> dt.date | None:
    """The local day the dossier last arrived at `step` (its event log)."""
    at = (DossierEvent.objects.filter(dossier=dossier, to_status=dossier.status)
          .order_by("-created_at").values_list("created_at", flat=True).first())
    return timezone.localdate(at) if at else None


def _check_date(day, *, label: str, not_before: dt.date | None, not_before_label: str) -> list[str]:
    today = timezone.localdate()
    if day is None:
        return [_("Hãy nhập %(label)s.") % {"label": label}]
    if not date_in_range(day) or day > today:
        return [_("%(label)s %(day)s không hợp lệ: không được sau hôm nay (%(today)s).")
                % {"label": label.capitalize(), "day": _day(day), "today": _day(today)}]
    if not_before and day < not_before:
        return [_("%(label)s %(day)s trước %(what)s (%(before)s).")
                % {"label": label.capitalize(), "day": _day(day), "what": not_before_label,
                   "before": _day(not_before)}]
    return []


def passing_nominees(dossier: Dossier) -> list[Nominee]:
    """Who goes upward: every nominee but those the provincial council voted down."""
    failed = failed_council_ids(dossier)
    return [n for n in dossier.nominees.select_related("person", "unit") if n.pk not in failed]


@transaction.atomic
def dossier_send_upward(*, dossier: Dossier, actor, number: str, signed_on: dt.date | None,
                        recipient: str = DEFAULT_RECIPIENT, via: str = DEFAULT_VIA, comment: str = "") -> UpwardProposal:
    """The Chủ tịch (or a Phó Chủ tịch signing KT. CHỦ TỊCH) signs the tờ trình to the central level for
    the nominees the provincial council passed; the dossier goes on to wait for the central decision."""
    from certificates.proposals import issue_upward_proposal, signer_of

    dossier = lock_dossier(dossier)
    require(actor, dossier, Action.SEND_UPWARD,
            not_now=_("Chỉ ký tờ trình đề nghị cấp trên khi hồ sơ đang ở bước trình cấp trên."))
    step = dossier.current_step
    task = _task_at(dossier, step)
    number, recipient, via = clean_line(number), clean_line(recipient), clean_line(via)
    problems = []
    if not number:
        problems.append(_("Hãy nhập số, ký hiệu của tờ trình (ví dụ: 45/TTr-UBND)."))
    elif UpwardProposal.objects.filter(number=number, dossier__award_form__deciding_unit=dossier.award_form.deciding_unit
                                       ).exclude(dossier=dossier).exists():
        problems.append(_("Số tờ trình %(number)s đã được dùng cho một hồ sơ khác.") % {"number": number})
    problems += _check_date(signed_on, label=_("ngày ký"), not_before=_reached_on(dossier, step),
                            not_before_label=_("ngày hồ sơ đến bước trình cấp trên"))
    if not recipient:
        problems.append(_("Hãy nhập nơi kính gửi (ví dụ: Thủ tướng Chính phủ)."))
    nominees = passing_nominees(dossier)
    if not nominees:
        problems.append(_("Không có tập thể, cá nhân nào đạt tỷ lệ phiếu của Hội đồng TĐKT tỉnh: không có gì để "
                          "trình cấp trên."))
    if problems:
        raise InvalidInput(_("Chưa ký được tờ trình:"), problems=problems)
    name, title, capacity = signer_of(actor, dossier)
    proposal, _created = UpwardProposal.objects.update_or_create(dossier=dossier, defaults={
        "number": number, "signed_on": signed_on, "place": place_of(dossier.award_form.deciding_unit),
        "recipient": recipient, "via": via, "signer": actor, "signer_name": name, "signer_title": title,
        "signer_capacity": capacity, "sha256": "", "created_at": timezone.now()})
    proposal.nominees.set(nominees)
    issue_upward_proposal(proposal)
    before = _fire(dossier, dossier.transition_for(step), missing=lambda: dossier.step_problems(step))
    record_event(dossier=dossier, actor=actor, kind=EventKind.TRANSITION, from_status=before, to_status=dossier.status,
                 comment=comment or _("Ký Tờ trình số %(number)s ngày %(day)s gửi %(to)s")
                 % {"number": number, "day": _day(signed_on), "to": recipient},
                 data={"step": step, "upward_proposal": proposal.pk, "number": number, "sha256": proposal.sha256,
                       "nominees": [n.pk for n in nominees]})
    _complete_task(task, dossier, actor, "sent_upward")
    _tell_unit(dossier, title=_("Hồ sơ #%(pk)s đã được trình cấp trên (Tờ trình số %(number)s ngày %(day)s)")
               % {"pk": dossier.pk, "number": number, "day": _day(signed_on)},
               lines=[f"- {n.name}" for n in nominees])
    return proposal


def dossier_record_central_decision(*, dossier: Dossier, actor, number: str, signed_on: dt.date | None, issuer: str,
                                    outcomes: dict[int, bool], scan=None) -> CentralDecision:
    """Record the central level's decision: number, date, issuer, and for each nominee proposed upward
    whether it was awarded; the dossier is decided. `scan` (optional, the decision as received) goes
    through the same checks as any uploaded document, before anything is written."""
    stored = None
    if scan is not None:
        current = Dossier.objects.get(pk=dossier.pk)
        require(actor, current, Action.RECORD_CENTRAL, not_now=_not_now_central())
        stored = store_checked_upload(scan, dossier=current)
    try:
        return _record_central(dossier=dossier, actor=actor, number=number, signed_on=signed_on, issuer=issuer,
                               outcomes=outcomes, stored=stored)
    except BaseException:
        if stored:
            discard_stored(stored["path"])
        raise


def _not_now_central() -> str:
    return _("Chỉ ghi nhận quyết định của cấp trên khi hồ sơ đang chờ quyết định của cấp trên.")


@transaction.atomic
def _record_central(*, dossier, actor, number, signed_on, issuer, outcomes, stored) -> CentralDecision:
    dossier = lock_dossier(dossier)
    require(actor, dossier, Action.RECORD_CENTRAL, not_now=_not_now_central())
    step = dossier.current_step
    task = _task_at(dossier, step)
    number, issuer = clean_line(number), clean_line(issuer)
    proposal = UpwardProposal.objects.filter(dossier=dossier).first()
    proposed = {n.pk: n for n in (proposal.nominees.select_related("person", "unit") if proposal
                                  else passing_nominees(dossier))}
    problems = []
    if not number:
        problems.append(_("Hãy nhập số, ký hiệu của quyết định (ví dụ: 1234/QĐ-TTg)."))
    problems += _check_date(signed_on, label=_("ngày ban hành"), not_before=proposal.signed_on if proposal else None,
                            not_before_label=_("ngày ký tờ trình đề nghị"))
    if not issuer:
        problems.append(_("Hãy nhập cơ quan, người ban hành quyết định (ví dụ: Thủ tướng Chính phủ)."))
    if set(outcomes) - set(proposed):
        problems.append(_("Có đối tượng không thuộc danh sách đã trình cấp trên."))
    problems += [_("Chưa chọn kết quả cho %(name)s.") % {"name": n.name}
                 for pk, n in proposed.items() if outcomes.get(pk) is None]
    if problems:
        raise InvalidInput(_("Chưa ghi nhận được quyết định của cấp trên:"), problems=problems)
    scan_document = central_scan_attach(dossier=dossier, actor=actor, stored=stored) if stored else None
    decision = CentralDecision.objects.create(dossier=dossier, number=number, signed_on=signed_on, issuer=issuer,
                                              scan=scan_document, recorded_by=actor)
    awarded = sorted(pk for pk in proposed if outcomes[pk])
    Nominee.objects.filter(dossier=dossier).update(outcome=Outcome.NOT_AWARDED)
    Nominee.objects.filter(pk__in=awarded).update(outcome=Outcome.AWARDED)
    before = _fire(dossier, dossier.transition_for(step), missing=lambda: dossier.step_problems(step))
    record_event(dossier=dossier, actor=actor, kind=EventKind.DECISION, from_status=before, to_status=dossier.status,
                 comment=_("Quyết định số %(number)s ngày %(day)s của %(issuer)s")
                 % {"number": number, "day": _day(signed_on), "issuer": issuer},
                 data={"step": step, "central_decision": decision.pk, "number": number,
                       "signed_on": signed_on.isoformat(), "issuer": issuer, "awarded": awarded,
                       "not_awarded": sorted(pk for pk in proposed if not outcomes[pk])})
    _complete_task(task, dossier, actor, "decided")
    _tell_unit(dossier, title=_("Hồ sơ #%(pk)s đã có Quyết định số %(number)s ngày %(day)s của %(issuer)s")
               % {"pk": dossier.pk, "number": number, "day": _day(signed_on), "issuer": issuer},
               lines=[f"- {n.name}: " + (_("được khen thưởng") if pk in awarded else _("không được khen thưởng"))
                      for pk, n in proposed.items()])
    return decision


def _tell_unit(dossier: Dossier, *, title: str, lines: list[str]) -> None:
    from .models import NotificationKind
    from .notifications import notify, unit_contacts

    notify(users=unit_contacts(dossier.unit_id), dossier=dossier, kind=NotificationKind.DECISION, title=title,
           body="\n".join(lines))
