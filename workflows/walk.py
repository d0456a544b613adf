"""Walk a dossier along its path through the services, as people would. Used by the demo data,
the benchmarks and the tests, so all three exercise the one way in."""

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers.models import Dossier, DossierStatus, NomineeKind, Step, Unit
from dossiers.samples import MINIMAL_PDF
from dossiers.services import council_record, document_upload, nominee_add
from dossiers.setup import document_types

from . import services



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


def prepare(dossier: Dossier, actors: Actors, *, until: str = DossierStatus.REPORTS_COMPLETE) -> Dossier:
    """Upload each step's documents and complete the unit's steps until `until` is reached."""
    types = document_types()
    while dossier.status != until and dossier.current_step in (Step.PROPOSAL, Step.COUNCIL, Step.REPORTS):
        step = dossier.current_step
        if step == Step.PROPOSAL:
            document_upload(dossier=dossier, actor=actors.officer, file=pdf("to-trinh.pdf"),
                            document_type=types["to-trinh"])
        elif step == Step.COUNCIL:
            nominees = list(dossier.nominees.all())
            council_record(dossier=dossier, actor=actors.officer, held_on=dt.date(2023, 12, 1), members_total=9,
                           members_present=8, votes={n.pk: 8 for n in nominees})
            document_upload(dossier=dossier, actor=actors.officer, file=pdf("bien-ban.pdf"),
                            document_type=types["bien-ban-hop-xet"])
        elif step == Step.REPORTS:
            for nominee in dossier.nominees.all():
                document_upload(dossier=dossier, actor=actors.officer, file=pdf("bao-cao-07.pdf"),
                                document_type=types["bao-cao-thanh-tich"], nominee=nominee)
        dossier = services.dossier_complete_step(dossier=dossier, actor=actors.officer, step=step)
    return dossier


def review_until(dossier: Dossier, actors: Actors, until: str) -> Dossier:
    """Approve reviewer steps until the dossier reaches `until` (or the decision step)."""
    while dossier.status != until and dossier.current_step in (Step.APPRAISAL, Step.HOME_AFFAIRS):
        actor = actors.appraiser if dossier.current_step == Step.APPRAISAL else actors.home_affairs
        dossier = services.dossier_approve_step(dossier=dossier, actor=actor)
    return dossier


def walk(dossier: Dossier, actors: Actors, until: str = DossierStatus.DECIDED) -> Dossier:
    """From wherever the dossier is, along the happy path, to `until`."""
    dossier = prepare(dossier, actors, until=until)
    if dossier.status == until:
        return dossier
    if dossier.current_step == Step.SUBMISSION:
        dossier = services.dossier_submit(dossier=dossier, actor=actors.head)
    dossier = review_until(dossier, actors, until)
    if dossier.status != until and dossier.current_step == Step.DECISION:
        outcomes = {n.pk: True for n in dossier.nominees.all()}
        dossier = services.dossier_decide(dossier=dossier, actor=actors.chairman, outcomes=outcomes)
    return dossier
