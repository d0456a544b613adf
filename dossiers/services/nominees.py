import datetime as dt
import unicodedata

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import InvalidInput
from ..models import (
    CouncilMeeting, Dossier, EventKind, Nominee, NomineeKind, Person, Unit, citizen_id_problem,
)
from ..policy import Action
from ..text import clean_line, clean_text, date_in_range
from .common import lock_dossier, record_event, require_unit_editor
from .documents import request_recheck
from .hooks import run_nominee_checks


def same_name(a: str, b: str) -> bool:
    """Names compared without case, spacing or diacritics ("Nguyen Van An" = "Nguyễn Văn An")."""
    def fold(name: str) -> str:
        name = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
        return " ".join("".join(c for c in name if not unicodedata.combining(c)).lower().split())

    return fold(a) == fold(b)


@transaction.atomic
def nominee_add(*, dossier: Dossier, actor, kind: str, unit: Unit | None = None, full_name: str = "",
                citizen_id: str = "", birth_date: dt.date | None = None, position: str = "",
                workplace: str = "", achievement: str = "") -> Nominee:
    """Add a collective (a unit) or an individual (a person, found by CCCD when given)."""
    dossier = lock_dossier(dossier, seen_status=None)
    require_unit_editor(dossier, actor, action=Action.EDIT_NOMINEES)
    full_name, citizen_id = clean_line(full_name), clean_line(citizen_id).replace(" ", "")
    position, workplace, achievement = clean_line(position), clean_line(workplace), clean_text(achievement)
    if birth_date is not None and not (date_in_range(birth_date) and birth_date <= timezone.localdate()):
        raise InvalidInput(_("Ngày sinh %(date)s không hợp lệ.") % {"date": birth_date.strftime("%d/%m/%Y")})
    if kind == NomineeKind.COLLECTIVE:
        if unit is None:
            raise InvalidInput(_("Hãy chọn tập thể được đề nghị."))
        person = None
    elif kind == NomineeKind.INDIVIDUAL:
        if not full_name:
            raise InvalidInput(_("Hãy nhập họ và tên cá nhân được đề nghị."))
        if citizen_id:
            problem = citizen_id_problem(citizen_id, birth_date)
            if problem:
                raise InvalidInput(problem)
            person, created = Person.objects.get_or_create(
                citizen_id=citizen_id, defaults={"full_name": full_name, "birth_date": birth_date})
            if not created and not same_name(person.full_name, full_name):
                # Say nothing of who holds this CCCD: a CCCD must not be a way to look people up.
                raise InvalidInput(_("Số CCCD %(id)s đã được ghi nhận với một họ tên khác. Kiểm tra lại số CCCD "
                                     "và họ tên.") % {"id": citizen_id})
        else:
            person = Person.objects.create(full_name=full_name, birth_date=birth_date)
        unit = None
    else:
        raise InvalidInput(_("Loại đối tượng không hợp lệ."))
    try:
        with transaction.atomic():
            nominee = Nominee.objects.create(
                dossier=dossier, kind=kind, unit=unit, person=person, position=position,
                workplace=workplace, achievement=achievement)
    except IntegrityError:
        raise InvalidInput(_("Đối tượng này đã có trong hồ sơ.")) from None
    # Checks registered by other apps (criteria: duplicates, discipline, registration; warnings on
    # nominee.award_warnings), in this transaction: one that raises rolls the addition back.
    run_nominee_checks(dossier=dossier, nominee=nominee, actor=actor)
    record_event(dossier=dossier, actor=actor, kind=EventKind.NOMINEE, comment=_("Thêm %(name)s") %
                 {"name": nominee.name}, data={"nominee": nominee.pk, "action": "add"})
    request_recheck(dossier)
    return nominee


@transaction.atomic
def nominee_remove(*, nominee: Nominee, actor) -> None:
    dossier = lock_dossier(nominee.dossier_id)
    require_unit_editor(dossier, actor, action=Action.EDIT_NOMINEES)
    name = nominee.name
    Nominee.objects.filter(pk=nominee.pk, dossier=dossier).delete()
    record_event(dossier=dossier, actor=actor, kind=EventKind.NOMINEE, comment=_("Bỏ %(name)s") % {"name": name},
                 data={"nominee": nominee.pk, "action": "remove"})
    request_recheck(dossier)


@transaction.atomic
def council_record(*, dossier: Dossier, actor, held_on: dt.date, members_total: int, members_present: int,
                   votes: dict[int, int]) -> CouncilMeeting:
    """Record the council meeting (biên bản họp xét): members present and votes for each nominee."""
    dossier = lock_dossier(dossier, seen_status=None)
    require_unit_editor(dossier, actor)
    if held_on is None or not date_in_range(held_on) or held_on > timezone.localdate():
        raise InvalidInput(_("Ngày họp không hợp lệ: không được sau hôm nay."))
    if members_total <= 0 or members_present <= 0 or members_present > members_total:
        raise InvalidInput(_("Số thành viên dự họp phải lớn hơn 0 và không vượt quá tổng số thành viên."))
    nominees = {n.pk: n for n in dossier.nominees.all()}
    unknown = set(votes) - set(nominees)
    if unknown:
        raise InvalidInput(_("Có phiếu bầu cho đối tượng không thuộc hồ sơ này."))
    for pk, count in votes.items():
        if count is None or count < 0 or count > members_present:
            raise InvalidInput(_("Số phiếu đồng ý của %(name)s phải từ 0 đến %(max)s.")
                               % {"name": nominees[pk].name, "max": members_present})
    meeting, _created = CouncilMeeting.objects.update_or_create(
        dossier=dossier, defaults={"held_on": held_on, "members_total": members_total,
                                   "members_present": members_present})
    for pk, count in votes.items():
        Nominee.objects.filter(pk=pk).update(votes_for=count)
    record_event(dossier=dossier, actor=actor, kind=EventKind.COUNCIL, comment=_("Ghi kết quả họp xét"),
                 data={"held_on": held_on.isoformat(), "members_total": members_total,
                       "members_present": members_present, "votes": {str(k): v for k, v in votes.items()}})
    request_recheck(dossier)
    return meeting
