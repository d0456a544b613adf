"""Công khai — the public posting of a dossier's list (issue 12).

When a dossier reaches a posting step, the flow opens the step's task (the office, e.g. Sở Nội vụ's
Ban TĐKT) due after the step's lead days, and `posting_open` publishes the list — nominees, their
unit, the award — on the public page `/cong-khai/` until then. Anyone may send an objection (ý kiến
phản ánh) from the public page; the office records those received otherwise. An open objection
blocks the step (its guard, `Dossier.posting_problems`): the office records how it was resolved,
and when it upholds it, returns the dossier to its unit or rules it out (the posting step may
return). The step ends by itself: the periodic `posting_scan` fires `end_posting` for each dossier
whose period is over with no objection open; resolving the last objection after the period also
ends it at once. A return and resubmission posts the list again for the full period."""

import logging

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.errors import InvalidInput, InvalidState, NotPermitted
from dossiers.models import (
    Dossier, DossierStatus, EventKind, ObjectionSource, PostingObjection, PublicPosting, Step,
)
from dossiers.rules import can_act
from dossiers.services import lock_dossier, record_event
from dossiers.text import clean_line, clean_text

from .flows import ACTIVE
from .models import DossierTask, NotificationKind

log = logging.getLogger("khenthuong.workflows")

OBJECTION_MAX_CHARS = 4000


def posting_open(*, dossier: Dossier, closes_at) -> PublicPosting:
    """Publish the list until `closes_at` (the posting task's due date). Called by the flow when the
    posting task is created, inside the path service's transaction; a previous posting of the
    dossier (before a return) is closed first."""
    now = timezone.now()
    PublicPosting.objects.filter(dossier=dossier, closed_at__isnull=True).update(closed_at=now)
    posting = PublicPosting.objects.create(dossier=dossier, opened_at=now, closes_at=closes_at)
    record_event(dossier=dossier, actor=None, kind=EventKind.NOTE,
                 comment=_("Công khai danh sách đến %(at)s.") % {"at": _when(closes_at)},
                 data={"step": Step.POSTING, "posting": posting.pk, "closes_at": closes_at.isoformat()})
    return posting


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def open_posting(dossier: Dossier) -> PublicPosting | None:
    if dossier.status != DossierStatus.POSTED:
        return None
    return PublicPosting.objects.filter(dossier=dossier, closed_at__isnull=True).first()


def public_postings():
    """The lists on public now (the public page): only what the list shows, never a CCCD."""
    return (PublicPosting.objects.filter(closed_at__isnull=True, dossier__status=DossierStatus.POSTED)
            .select_related("dossier__unit", "dossier__award_form", "dossier__campaign")
            .prefetch_related("dossier__nominees__person", "dossier__nominees__unit")
            .order_by("closes_at", "pk"))


@transaction.atomic
def objection_submit(*, posting_id: int, text: str, sender_name: str = "", sender_contact: str = "",
                     actor=None) -> PostingObjection:
    """An objection to a posted list: from the public page (`actor` None), or recorded by the office
    (`actor` holds the posting step's role at its acting unit). Refused while the list is not on
    public, and without a text."""
    text = clean_text(text or "")
    if not text:
        raise InvalidInput(_("Hãy ghi nội dung ý kiến phản ánh."))
    if len(text) > OBJECTION_MAX_CHARS:
        raise InvalidInput(_("Nội dung phản ánh dài quá %(n)s ký tự.") % {"n": OBJECTION_MAX_CHARS})
    posting = PublicPosting.objects.filter(pk=posting_id).first()
    if posting is None:
        raise InvalidState(_("Danh sách này không còn được công khai."))
    dossier = lock_dossier(posting.dossier_id, seen_status=None)
    if actor is not None and not can_act(actor, dossier, Step.POSTING):
        raise NotPermitted()
    posting = PublicPosting.objects.filter(pk=posting_id, closed_at__isnull=True).first()
    if posting is None or dossier.status != DossierStatus.POSTED:
        raise InvalidState(_("Danh sách này không còn được công khai."))
    objection = PostingObjection.objects.create(
        posting=posting, source=ObjectionSource.OFFICE if actor else ObjectionSource.PUBLIC, text=text,
        sender_name=clean_line(sender_name or "")[:200], sender_contact=clean_line(sender_contact or "")[:200],
        received_by=actor)
    record_event(dossier=dossier, actor=actor, kind=EventKind.OBJECTION, comment=text,
                 data={"step": Step.POSTING, "objection": objection.pk, "source": objection.source})
    _tell_the_office(dossier, objection)
    return objection


def _tell_the_office(dossier: Dossier, objection: PostingObjection) -> None:
    """The posting task's people hear of the objection (the bell and an e-mail, through the outbox)."""
    from .notifications import members, notify

    task = DossierTask.objects.filter(dossier=dossier, step=Step.POSTING, status__in=ACTIVE).first()
    if task is None:
        return
    notify(users=members(task.unit_id, [task.role]), dossier=dossier, kind=NotificationKind.OBJECTION,
           title=_("Hồ sơ #%(pk)s: có ý kiến phản ánh về danh sách công khai") % {"pk": dossier.pk},
           body="\n".join([objection.text, _("Xem xét và ghi kết quả tại trang hồ sơ.")]))


@transaction.atomic
def objection_resolve(*, objection: PostingObjection, actor, resolution: str) -> PostingObjection:
    """The office records how an objection was resolved (xem xét, kết luận). When it was the last
    open one and the period is over, the posting step ends now."""
    resolution = clean_text(resolution or "")
    dossier = lock_dossier(objection.posting.dossier_id, seen_status=None)
    if not can_act(actor, dossier, Step.POSTING):
        raise NotPermitted()
    if not resolution:
        raise InvalidInput(_("Hãy ghi kết quả xem xét ý kiến phản ánh."))
    updated = PostingObjection.objects.filter(pk=objection.pk, resolved_at__isnull=True).update(
        resolution=resolution, resolved_by=actor, resolved_at=timezone.now())
    if not updated:
        raise InvalidState(_("Ý kiến phản ánh này đã được xem xét."))
    objection.refresh_from_db()
    record_event(dossier=dossier, actor=actor, kind=EventKind.OBJECTION, comment=resolution,
                 data={"step": Step.POSTING, "objection": objection.pk, "resolved": True})
    if dossier.status == DossierStatus.POSTED and not dossier.posting_problems():
        _end(dossier, actor)
    return objection


def _end(dossier: Dossier, actor) -> None:
    from .services import _complete_task, _fire

    task = DossierTask.objects.select_related("process").filter(
        dossier=dossier, step=Step.POSTING, status__in=ACTIVE).first()
    if task is None:
        raise InvalidState(_("Hồ sơ không có bước công khai đang mở."))
    before = _fire(dossier, dossier.end_posting, missing=dossier.posting_problems)
    PublicPosting.objects.filter(dossier=dossier, closed_at__isnull=True).update(closed_at=timezone.now())
    record_event(dossier=dossier, actor=actor, kind=EventKind.TRANSITION, from_status=before,
                 to_status=dossier.status, comment=_("Hết thời gian công khai, không còn ý kiến phản ánh."),
                 data={"step": Step.POSTING})
    _complete_task(task, dossier, actor, "posted")


def posting_scan(*, now=None) -> int:
    """Periodic: end each posting whose period is over with no objection open (the dossier moves to
    its next step). One transaction per dossier; two scans at once end each posting once (the
    dossier row lock, then the status is checked again). Returns how many ended."""
    now = now or timezone.now()
    due = (PublicPosting.objects.filter(closed_at__isnull=True, closes_at__lte=now,
                                        dossier__status=DossierStatus.POSTED)
           .filter(~Exists(PostingObjection.objects.filter(posting=OuterRef("pk"), resolved_at__isnull=True)))
           .values_list("dossier_id", flat=True))
    ended = 0
    for dossier_id in list(due):
        try:
            ended += _end_if_due(dossier_id)
        except Exception:
            log.exception("posting of dossier %s not ended", dossier_id)
    return ended


@transaction.atomic
def _end_if_due(dossier_id: int) -> int:
    dossier = lock_dossier(dossier_id, seen_status=None)
    if dossier.status != DossierStatus.POSTED or dossier.posting_problems():
        return 0
    _end(dossier, None)
    return 1
