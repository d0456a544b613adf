"""The unit's answers to a return (phiếu yêu cầu bổ sung): per returned item, a written reply when
the item needs no new file ("không cần sửa vì …"). A new version of the document answers the item
by itself (documents.document_upload)."""

from django.db import transaction
from django.utils.translation import gettext as _

from ..errors import InvalidInput, InvalidState
from ..models import Dossier, EventKind, ReturnRequest
from ..policy import Action
from ..selectors import return_items
from ..text import clean_text
from .common import lock_dossier, record_event, require_unit_editor

REPLY_MAX_CHARS = 2000


@transaction.atomic
def return_reply(*, dossier: Dossier, actor, replies: dict[int, str]) -> ReturnRequest:
    """Record the unit's written replies to items of the open return request ({item index: text});
    an empty text withdraws that item's reply."""
    dossier = lock_dossier(dossier, seen_status=None)
    require_unit_editor(dossier, actor, action=Action.RESUBMIT)
    request = (ReturnRequest.objects.select_for_update().filter(dossier=dossier, resolved_at__isnull=True)
               .order_by("-created_at").first())
    if request is None:
        raise InvalidState(_("Hồ sơ không có yêu cầu bổ sung nào đang chờ trả lời."))
    items = {item.index: item for item in return_items(dossier, request)}
    stored = dict(request.replies or {})
    changed = {}
    for index, text in replies.items():
        if index not in items:
            raise InvalidInput(_("Yêu cầu bổ sung số %(n)s không có trong phiếu.") % {"n": index + 1})
        text = clean_text(text)
        if len(text) > REPLY_MAX_CHARS:
            raise InvalidInput(_("Ý kiến về “%(item)s” dài quá %(max)s ký tự.")
                               % {"item": items[index].label, "max": REPLY_MAX_CHARS})
        if text != stored.get(str(index), ""):
            changed[str(index)] = text
            if text:
                stored[str(index)] = text
            else:
                stored.pop(str(index), None)
    if changed:
        ReturnRequest.objects.filter(pk=request.pk).update(replies=stored)
        request.replies = stored
        record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE,
                     comment="; ".join(f"{items[int(i)].label}: {t}" for i, t in changed.items() if t)
                     or _("Rút ý kiến giải trình"),
                     data={"return_request": request.pk, "replies": changed})
    return request


def unanswered_items_message(items) -> list[str]:
    """One line per returned item the unit has neither replaced nor answered, naming it."""
    return [_("Chưa bổ sung “%(item)s” (lý do trả lại: %(reason)s): tải lên bản mới hoặc ghi ý kiến của đơn vị.")
            % {"item": item.label, "reason": item.text} for item in items if not item.answered]
