from django.utils.translation import gettext as _

from ..errors import Conflict
from ..models import Dossier, DossierEvent
from ..policy import Action, require
from ..text import clean_text


_FROM_OBJECT = object()


def lock_dossier(dossier: Dossier | int, *, seen_status=_FROM_OBJECT) -> Dossier:
    """Lock the dossier row for this transaction. When the caller saw another status than the
    row now has (by default: the status of the instance passed in), someone else acted first: a
    conflict, not a silent overwrite. Work inside a step passes seen_status=None: its own state
    checks decide."""
    pk = dossier if isinstance(dossier, int) else dossier.pk
    if seen_status is _FROM_OBJECT:
        seen_status = dossier.status if isinstance(dossier, Dossier) else None
    locked = (Dossier.objects.select_for_update(of=("self",))
              .select_related("campaign", "award_form", "unit").get(pk=pk))
    if seen_status is not None and locked.status != seen_status:
        raise Conflict(_("Hồ sơ vừa được người khác xử lý (trạng thái hiện tại: %(status)s). "
                         "Vui lòng tải lại trang.") % {"status": locked.get_status_display()})
    return locked


def record_event(*, dossier, actor, kind, from_status="", to_status="", comment="", data=None):
    return DossierEvent.objects.create(
        dossier=dossier, actor=actor, kind=kind, from_status=from_status, to_status=to_status,
        comment=clean_text(comment), data=data or {},
    )


def require_unit_editor(dossier: Dossier, actor, *, action: Action = Action.EDIT) -> None:
    """Work inside a step by the unit (documents, council result; nominees with EDIT_NOMINEES)."""
    require(actor, dossier, action, not_now=_("Hồ sơ đang ở trạng thái “%(status)s”: đơn vị không thể sửa lúc này.")
            % {"status": dossier.get_status_display()})
