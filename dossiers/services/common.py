import logging
import random
import time

from django.db import OperationalError, transaction
from django.utils.translation import gettext as _

from .. import calendar, txn
from ..errors import Conflict
from ..models import Dossier, DossierEvent
from ..policy import Action, require
from ..rules import last_grant
from ..text import clean_text


_FROM_OBJECT = object()
log = logging.getLogger("khenthuong.locks")
DEADLOCK_SQLSTATES = {"40P01", "40001"}  # deadlock detected, serialization failure


def is_deadlock(exc: BaseException) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) in DEADLOCK_SQLSTATES


def retry_on_deadlock(work, *, attempts: int = 4):
    """Run `work()` in its own transaction; when the database picks it as a deadlock victim, run it
    again (with a short random pause). Inside a caller's transaction it runs once: only the caller
    can retry the whole."""
    if transaction.get_connection().in_atomic_block:
        return work()
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work()
        except OperationalError as exc:
            if attempt == attempts or not is_deadlock(exc):
                raise
            log.warning("deadlock, attempt %s of %s: %s", attempt, attempts, exc)
            time.sleep(random.uniform(0.02, 0.1) * attempt)


def lock_dossier(dossier: Dossier | int, *, seen_status=_FROM_OBJECT) -> Dossier:
    """Lock the dossier row for this transaction. When the caller saw another status than the
    row now has (by default: the status of the instance passed in), someone else acted first: a
    conflict, not a silent overwrite. Work inside a step passes seen_status=None: its own state
    checks decide."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    # One lock order everywhere: the calendar (shared), then dossier rows, then their tasks. A path
    # move may stamp a due date after locking the dossier; a calendar change locks the calendar
    # first and the dossiers after, so both must meet the calendar lock before any dossier row.
    calendar.read_lock()
    if seen_status is _FROM_OBJECT:
        seen_status = dossier.status if isinstance(dossier, Dossier) else None
    locked = (Dossier.objects.select_for_update(of=("self",))
              .select_related("campaign", "award_form", "unit").get(pk=pk))
    txn.remember(("dossier-row-lock", pk))     # the event chain need not lock it again
    if seen_status is not None and locked.status != seen_status:
        raise Conflict.moved_on(pks=[locked.pk], status=locked.get_status_display())
    return locked


def record_event(*, dossier, actor, kind, from_status="", to_status="", comment="", data=None, on_behalf_of=None):
    """Append an event. Who acted is `actor`; on whose behalf, when a delegation alone let them act
    (the service's permission check remembered it: `rules.last_grant`), is the leader who delegated."""
    data = dict(data or {})
    if on_behalf_of is None:
        delegation = last_grant(actor)
        if delegation is not None:
            on_behalf_of = delegation.delegator
            data.setdefault("delegation", {"id": delegation.pk, "kind": delegation.kind, "role": delegation.role})
    return DossierEvent.objects.create(
        dossier=dossier, actor=actor, kind=kind, from_status=from_status, to_status=to_status,
        comment=clean_text(comment), data=data, on_behalf_of=on_behalf_of,
    )


def require_unit_editor(dossier: Dossier, actor, *, action: Action = Action.EDIT) -> None:
    """Work inside a step by the unit (documents, council result; nominees with EDIT_NOMINEES)."""
    require(actor, dossier, action, not_now=_("Hồ sơ đang ở trạng thái “%(status)s”: đơn vị không thể sửa lúc này.")
            % {"status": dossier.get_status_display()})
