"""The provincial council's meeting and its vote (Hội đồng Thi đua - Khen thưởng tỉnh), recorded at the
province_council step by the council's standing office (Sở Nội vụ). The step's guard then needs a vote
for every nominee; who passes is decided here, by the award form's configured share of votes."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import InvalidInput
from ..models import (
    CouncilVote, Document, DocumentType, Dossier, EventKind, ProvinceCouncilMeeting, VoteBase, vote_rule_for,
)
from ..policy import Action, require
from ..text import clean_line, date_in_range
from .common import lock_dossier, record_event

MAX_MEMBERS = 200


def parse_attendees(text: str) -> list[dict]:
    """One member present a line: "Họ và tên — chức vụ" (or "Họ và tên, chức vụ" / "Họ và tên | chức vụ")."""
    members = []
    for line in (text or "").splitlines():
        line = clean_line(line)
        if not line:
            continue
        for separator in (" — ", " – ", " - ", "|", ","):
            if separator in line:
                name, position = line.split(separator, 1)
                break
        else:
            name, position = line, ""
        members.append({"name": clean_line(name), "position": clean_line(position)})
    return members


def _day(day: dt.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


@transaction.atomic
def province_council_record(*, dossier: Dossier, actor, held_on: dt.date | None, place: str, chair_name: str,
                            chair_position: str, members_total: int | None, attendees: list[dict],
                            votes: dict[int, int | None], secretary_name: str = "") -> ProvinceCouncilMeeting:
    """Record (or correct, while the step is open) the meeting: date, place, chair, the members present by
    name, and the votes in favour of each nominee. Every nominee's vote is compared with the form's
    configured share; those below it are marked as not passing. A vote left empty stays missing, and
    the step's guard refuses to go on until it is recorded."""
    dossier = lock_dossier(dossier, seen_status=None)
    require(actor, dossier, Action.COUNCIL_VOTE,
            not_now=_("Chỉ ghi kết quả họp Hội đồng TĐKT tỉnh khi hồ sơ đang ở bước Hội đồng tỉnh bỏ phiếu."))
    problems = []
    today = timezone.localdate()
    if held_on is None or not date_in_range(held_on) or held_on > today:
        problems.append(_("Ngày họp không hợp lệ: phải là một ngày không sau hôm nay (%(today)s).")
                        % {"today": _day(today)})
    elif dossier.submitted_at and held_on < timezone.localdate(dossier.submitted_at):
        problems.append(_("Ngày họp %(day)s trước ngày hồ sơ được gửi (%(sent)s).")
                        % {"day": _day(held_on), "sent": _day(timezone.localdate(dossier.submitted_at))})
    place, chair_name, chair_position = clean_line(place), clean_line(chair_name), clean_line(chair_position)
    secretary_name = clean_line(secretary_name)
    if not place:
        problems.append(_("Hãy nhập địa điểm họp."))
    if not chair_name or not chair_position:
        problems.append(_("Hãy nhập họ tên và chức vụ người chủ trì."))
    members = [{"name": clean_line(m.get("name", "")), "position": clean_line(m.get("position", ""))}
               for m in attendees or []]
    members = [m for m in members if m["name"]]
    present = len(members)
    names = [m["name"].casefold() for m in members]
    repeated = sorted({m["name"] for m in members if names.count(m["name"].casefold()) > 1})
    if repeated:
        problems.append(_("Thành viên bị ghi hai lần: %(names)s.") % {"names": ", ".join(repeated)})
    if not members:
        problems.append(_("Hãy ghi danh sách thành viên dự họp (mỗi dòng một người: họ tên — chức vụ)."))
    if members_total is None or not 0 < members_total <= MAX_MEMBERS:
        problems.append(_("Tổng số thành viên Hội đồng phải từ 1 đến %(max)s.") % {"max": MAX_MEMBERS})
    elif present > members_total:
        problems.append(_("Số thành viên dự họp (%(present)s người trong danh sách) vượt quá tổng số thành viên "
                          "Hội đồng (%(total)s).") % {"present": present, "total": members_total})
    rule = vote_rule_for(dossier.award_form)
    if members_total and 0 < present <= members_total and not rule.quorum.met(present, members_total):
        problems.append(_("Phiên họp không đủ số thành viên dự họp theo quy định (%(rule)s): có %(present)s/%(total)s, "
                          "cần ít nhất %(need)s.") % {"rule": rule.quorum_text, "present": present,
                                                      "total": members_total,
                                                      "need": rule.quorum.minimum(members_total)})
    nominees = {n.pk: n for n in dossier.nominees.select_related("person", "unit")}
    if set(votes) - set(nominees):
        problems.append(_("Có phiếu bầu cho đối tượng không thuộc hồ sơ này."))
    for pk, count in votes.items():
        if pk in nominees and count is not None and not 0 <= count <= present:
            problems.append(_("Số phiếu đồng ý của %(name)s phải từ 0 đến %(max)s (số thành viên dự họp).")
                            % {"name": nominees[pk].name, "max": present})
    if problems:
        raise InvalidInput(_("Chưa ghi được kết quả họp Hội đồng TĐKT tỉnh:"), problems=problems)
    base = members_total if rule.threshold_base == VoteBase.TOTAL else present
    meeting, _created = ProvinceCouncilMeeting.objects.update_or_create(dossier=dossier, defaults={
        "held_on": held_on, "place": place, "chair_name": chair_name, "chair_position": chair_position,
        "secretary_name": secretary_name, "members_total": members_total, "members_present": present,
        "attendees": members, "threshold_text": rule.threshold_text, "quorum_text": rule.quorum_text,
        "recorded_by": actor, "recorded_at": timezone.now()})
    CouncilVote.objects.filter(nominee__dossier=dossier).delete()
    results = {}
    for pk, count in sorted(votes.items()):
        if count is None or pk not in nominees:
            continue
        passed = rule.threshold.met(count, base)
        CouncilVote.objects.create(meeting=meeting, nominee=nominees[pk], votes_for=count, passed=passed)
        results[str(pk)] = {"votes_for": count, "passed": passed}
    record_event(dossier=dossier, actor=actor, kind=EventKind.COUNCIL,
                 comment=_("Ghi kết quả họp Hội đồng TĐKT tỉnh ngày %(day)s: %(passed)s/%(voted)s đối tượng đạt "
                           "tỷ lệ %(rule)s.") % {"day": _day(held_on), "rule": rule.threshold_text,
                                                 "passed": sum(r["passed"] for r in results.values()),
                                                 "voted": len(results)},
                 data={"province_council": meeting.pk, "held_on": held_on.isoformat(), "members_total": members_total,
                       "members_present": present, "threshold": rule.threshold_text, "votes": results})
    return meeting


CENTRAL_DECISION_TYPE = ("quyet-dinh-cap-tren", "Quyết định khen thưởng của cấp trên")


def central_scan_attach(*, dossier: Dossier, actor, stored: dict) -> Document:
    """The scan of the central decision, already checked and stored (documents.store_checked_upload),
    kept as a dossier document (a new version when one was attached before). Called by the path
    service recording the decision, under its lock."""
    code, name = CENTRAL_DECISION_TYPE
    document_type = DocumentType.objects.get_or_create(code=code, defaults={"name": name})[0]
    previous = (Document.objects.select_for_update()
                .filter(dossier=dossier, document_type=document_type, nominee=None, is_current=True).first())
    version = 1
    if previous:
        version = previous.version + 1
        Document.objects.filter(pk=previous.pk).update(is_current=False)
    document = Document.objects.create(
        dossier=dossier, document_type=document_type, file=stored["path"], original_name=stored["name"],
        content_type=stored["content_type"], size=stored["size"], sha256=stored["sha256"], version=version,
        uploaded_by=actor, inspected=True)
    record_event(dossier=dossier, actor=actor, kind=EventKind.UPLOAD, comment=document_type.name,
                 data={"document": document.pk, "version": version, "sha256": stored["sha256"],
                       "size": stored["size"], "name": stored["name"]})
    return document
