from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ..errors import InvalidInput, InvalidState
from ..models import Dossier, EventKind, ServiceRating
from ..policy import Action, require
from ..text import clean_text
from .common import lock_dossier, record_event


@transaction.atomic
def dossier_rate(*, dossier: Dossier, actor, score: int, comment: str = "") -> ServiceRating:
    """The unit rates the service once the dossier is decided (seed 002: satisfaction ≥ 95%)."""
    dossier = lock_dossier(dossier, seen_status=None)
    require(actor, dossier, Action.RATE, not_now=_("Chỉ đánh giá được sau khi hồ sơ đã có kết quả."))
    if score not in range(1, 6):
        raise InvalidInput(_("Mức độ hài lòng phải từ 1 đến 5."))
    try:
        with transaction.atomic():
            rating = ServiceRating.objects.create(dossier=dossier, actor=actor, score=score, comment=clean_text(comment))
    except IntegrityError:
        raise InvalidState(_("Hồ sơ này đã được đánh giá.")) from None
    record_event(dossier=dossier, actor=actor, kind=EventKind.NOTE, comment=_("Đánh giá hài lòng: %(score)s/5")
                 % {"score": score}, data={"rating": score})
    return rating
