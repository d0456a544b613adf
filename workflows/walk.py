"""Walk a dossier along its path through the services, as people would. Used by the demo data,
the benchmarks and the tests, so all three exercise the one way in."""

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dossiers.models import (
    Dossier, DossierStatus, NomineeKind, ProvinceCouncilMeeting, RequirementScope, Role, Unit, kind_of,
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
    """Approve reviewer steps until the dossier reaches `until` (or the decision step). On the way the
    provincial council votes for everyone, the Chủ tịch signs the tờ trình upward and the central
    decision awards everyone (workflows.upward)."""
    while dossier.status != until:
        if possible(dossier, Action.SEND_UPWARD):
            dossier = _send_upward(dossier, actors)
        elif possible(dossier, Action.RECORD_CENTRAL):
            dossier = _record_central(dossier, actors)
        elif possible(dossier, Action.REVIEW):
            if possible(dossier, Action.COUNCIL_VOTE) and not ProvinceCouncilMeeting.objects.filter(
                    dossier=dossier).exists():
                _province_council(dossier, actors)
            dossier = services.dossier_approve_step(dossier=dossier, actor=_reviewer(actors, dossier))
        else:
            break
    return dossier


def _province_council(dossier: Dossier, actors: Actors) -> None:
    members = [{"name": f"Thành viên Hội đồng {i}", "position": "Ủy viên"} for i in range(1, 9)]
    province_council_record(dossier=dossier, actor=actors.home_affairs, held_on=timezone.localdate(),
                            place="Phòng họp UBND tỉnh", chair_name="Chủ tịch Hội đồng",
                            chair_position="Chủ tịch UBND tỉnh", members_total=9, attendees=members,
                            votes={n.pk: 8 for n in dossier.nominees.all()})


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
    """From wherever the dossier is, along the happy path, to `until` (`files` makes each document)."""
    dossier = prepare(dossier, actors, until=until, files=files)
    if dossier.status == until:
        return dossier
    if possible(dossier, Action.SUBMIT):
        dossier = services.dossier_submit(dossier=dossier, actor=actors.head)
    dossier = review_until(dossier, actors, until)
    if dossier.status != until and possible(dossier, Action.DECIDE):
        failed = failed_council_ids(dossier)  # voted down by the provincial council: not awarded
        outcomes = {n.pk: n.pk not in failed for n in dossier.nominees.all()}
        dossier = services.dossier_decide(dossier=dossier, actor=actors.chairman, outcomes=outcomes)
    return dossier
