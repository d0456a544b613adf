"""Walk a dossier along its path through the services, as people would. Used by the demo data,
the benchmarks and the tests, so all three exercise the one way in.

Every kind of step is driven: the unit's steps (documents, its council's result), the submission,
each review, the consultation (every consulted agency answers "agree" through
`consultation.consultation_answer`, by the step's role at that agency), the public posting (the
clock is moved just past the posting's end and the periodic job's own scan, `posting.posting_scan`,
ends it; the rest of the walk happens at that later time), the provincial council (a meeting of all
members whose votes are exactly the form's threshold), the tờ trình upward and the central
decision (`workflows.upward`), and the provincial decision."""

import contextlib
import datetime as dt
from dataclasses import dataclass

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dossiers.models import (
    ConsultationAnswer, Dossier, DossierStatus, NomineeKind, ProvinceCouncilMeeting, RequirementScope, Role, Unit,
    VoteBase, Verdict, kind_of, vote_rule_for,
)
from dossiers.models.council import failed_council_ids
from dossiers.policy import Action, possible
from dossiers.samples import MINIMAL_PDF
from dossiers.services import council_record, document_upload, nominee_add, province_council_record
from dossiers.setup import document_types

from . import services

FILE_NAMES = {"to-trinh": "to-trinh.pdf", "bien-ban-hop-xet": "bien-ban.pdf", "bao-cao-thanh-tich": "bao-cao-07.pdf"}


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, MINIMAL_PDF, content_type="application/pdf")


@dataclass
class Actors:
    officer: object
    head: object
    appraiser: object = None
    home_affairs: object = None
    chairman: object = None


def add_nominees(dossier: Dossier, actor, *, collectives: list[Unit] = (), individuals: list[dict] = ()):
    nominees = [nominee_add(dossier=dossier, actor=actor, kind=NomineeKind.COLLECTIVE, unit=u) for u in collectives]
    nominees += [nominee_add(dossier=dossier, actor=actor, kind=NomineeKind.INDIVIDUAL, **p) for p in individuals]
    return nominees


def sample_file(*, dossier: Dossier, document_type, nominee, actor) -> SimpleUploadedFile:
    """The smallest valid PDF (tests and benches): the file's content is not what they look at."""
    return pdf(FILE_NAMES.get(document_type.code, f"{document_type.code}.pdf"))


def _prepare_step(dossier: Dossier, actors: Actors, step, files=sample_file) -> None:
    """Put in what one preparation step requires: its documents (per dossier or per nominee, made
    by `files`), and the council result where the step records it."""
    types = {t.pk: t for t in document_types().values()}
    kind = kind_of(step)
    nominees = list(dossier.nominees.all())
    if kind.records_council:
        held_on = min(dt.date(2023, 12, 1), timezone.localdate())  # the demo's meeting, never after today
        council_record(dossier=dossier, actor=actors.officer, held_on=held_on, members_total=9,
                       members_present=8, votes={n.pk: 8 for n in nominees})
    for requirement in dossier.requirements():
        if requirement.step != step:
            continue
        document_type = types.get(requirement.document_type_id) or requirement.document_type  # any rulebook's type
        for nominee in (nominees if requirement.scope == RequirementScope.NOMINEE else [None]):
            document_upload(dossier=dossier, actor=actors.officer,
                            file=files(dossier=dossier, document_type=document_type, nominee=nominee,
                                       actor=actors.officer),
                            document_type=document_type, nominee=nominee)


def prepare(dossier: Dossier, actors: Actors, *, until: str = DossierStatus.REPORTS_COMPLETE,
            files=sample_file) -> Dossier:
    """Upload each step's documents and complete the unit's steps until `until` is reached."""
    while dossier.status != until and possible(dossier, Action.PREPARE):
        step = dossier.current_step
        _prepare_step(dossier, actors, step, files)
        dossier = services.dossier_complete_step(dossier=dossier, actor=actors.officer, step=step)
    return dossier


def _reviewer(actors: Actors, dossier: Dossier):
    """The demo actor holding the role of the review step in progress."""
    return {Role.APPRAISER: actors.appraiser, Role.HOME_AFFAIRS: actors.home_affairs,
            Role.CHAIRMAN: actors.chairman}[dossier.current_kind.role]


def review_until(dossier: Dossier, actors: Actors, until: str) -> Dossier:
    """Move the dossier on from its submission until it reaches `until` (or cannot go on): reviewers
    approve their steps, the consulted agencies agree, the posting period passes, the provincial
    council votes everyone through at its threshold, the Chủ tịch signs the tờ trình upward, the
    central decision awards everyone (workflows.upward), and the decision awards everyone the
    provincial council did not vote down."""
    while dossier.status != until:
        kind = dossier.current_kind
        if kind is not None and kind.is_consultation:
            dossier = _answer_consultation(dossier)
        elif kind is not None and kind.is_posting:
            return _after_posting(dossier, actors, until)
        elif possible(dossier, Action.SEND_UPWARD):
            dossier = _send_upward(dossier, actors)
        elif possible(dossier, Action.RECORD_CENTRAL):
            dossier = _record_central(dossier, actors)
        elif possible(dossier, Action.REVIEW):
            if possible(dossier, Action.COUNCIL_VOTE) and not ProvinceCouncilMeeting.objects.filter(
                    dossier=dossier).exists():
                _province_council(dossier, actors)
            dossier = services.dossier_approve_step(dossier=dossier, actor=_reviewer(actors, dossier))
        elif possible(dossier, Action.DECIDE):
            failed = failed_council_ids(dossier)  # voted down by the provincial council: not awarded
            outcomes = {n.pk: n.pk not in failed for n in dossier.nominees.all()}
            dossier = services.dossier_decide(dossier=dossier, actor=actors.chairman, outcomes=outcomes)
        else:
            break
    return dossier


def _answer_consultation(dossier: Dossier) -> Dossier:
    """Each consulted agency not heard yet agrees, answered by the first active holder of the step's
    role at that agency; the last answer completes the step (consultation_answer)."""
    from .consultation import consultation_answer
    from .notifications import members

    config = dossier.step_config(dossier.current_step)
    answered = set(ConsultationAnswer.objects.filter(dossier=dossier).values_list("agency_id", flat=True))
    for agency_id, _days in config.consulted:
        if agency_id in answered:
            continue
        people = members(agency_id, [config.role])
        if not people:
            raise LookupError(f"walk: nobody holds the role {config.role} at consulted agency #{agency_id}")
        consultation_answer(dossier=dossier, actor=people[0], agency=Unit.objects.get(pk=agency_id),
                            verdict=Verdict.AGREE)
    return Dossier.objects.get(pk=dossier.pk)


def _after_posting(dossier: Dossier, actors: Actors, until: str) -> Dossier:
    """Let the posting period pass with no objection: the clock moves a minute past the end of the
    posting (unless it is already past), the periodic job's scan ends the step, and the walk goes on
    at that time. When the list stays posted (an objection is open) the walk stops there."""
    from .posting import open_posting, posting_scan

    posting = open_posting(dossier)
    end = posting.closes_at + dt.timedelta(minutes=1) if posting else timezone.now()
    later = time_machine.travel(end, tick=True) if end > timezone.now() else contextlib.nullcontext()
    with later:
        posting_scan()
        dossier = Dossier.objects.get(pk=dossier.pk)
        if dossier.current_kind is not None and dossier.current_kind.is_posting:
            return dossier
        return review_until(dossier, actors, until)


def _province_council(dossier: Dossier, actors: Actors) -> None:
    """The council meets with all its 9 members; each nominee gets exactly the votes the form's
    threshold needs (at the threshold, not above it)."""
    total = 9
    members = [{"name": f"Thành viên Hội đồng {i}", "position": "Ủy viên"} for i in range(1, total + 1)]
    rule = vote_rule_for(dossier.award_form)
    base = total if rule.threshold_base == VoteBase.TOTAL else len(members)
    votes = rule.threshold.minimum(base)
    province_council_record(dossier=dossier, actor=actors.home_affairs, held_on=timezone.localdate(),
                            place="Phòng họp UBND tỉnh", chair_name="Chủ tịch Hội đồng",
                            chair_position="Chủ tịch UBND tỉnh", members_total=total, attendees=members,
                            votes={n.pk: votes for n in dossier.nominees.all()})


def _send_upward(dossier: Dossier, actors: Actors) -> Dossier:
    from .upward import dossier_send_upward

    dossier_send_upward(dossier=dossier, actor=actors.chairman, number=f"{dossier.pk}/TTr-UBND",
                        signed_on=timezone.localdate())
    return Dossier.objects.get(pk=dossier.pk)


def _record_central(dossier: Dossier, actors: Actors) -> Dossier:
    from .upward import dossier_record_central_decision, passing_nominees

    dossier_record_central_decision(dossier=dossier, actor=actors.home_affairs, number=f"{dossier.pk}/QĐ-TTg",
                                    signed_on=timezone.localdate(), issuer="Thủ tướng Chính phủ",
                                    outcomes={n.pk: True for n in passing_nominees(dossier)})
    return Dossier.objects.get(pk=dossier.pk)


def walk(dossier: Dossier, actors: Actors, until: str = DossierStatus.DECIDED, *, files=sample_file) -> Dossier:
    """From wherever the dossier is, along the happy path, to `until` (`files` makes each document).
    A walk past a posting step ends later than it began (the posting period passed)."""
    dossier = prepare(dossier, actors, until=until, files=files)
    if dossier.status == until:
        return dossier
    if possible(dossier, Action.SUBMIT):
        dossier = services.dossier_submit(dossier=dossier, actor=actors.head)
    return review_until(dossier, actors, until)
