"""One province with a dossier in every interesting state, a signed decision, a late task (with its
explanation request, apology letter and notifications), for the access, privacy and input audits."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import TestCase

from dossiers.models import Document, DossierStatus, Role, Step, Unit
from dossiers.services import nominee_add
from workflows import deadlines, services
from workflows.models import ApologyLetter, LateExplanation, Notification
from workflows.walk import Actors, add_nominees, prepare, walk
from tests.deadlines.helpers import at, open_task, set_lead

CCCD = "020080456789"  # a man born in 1980 (century digit 0, year 80), as his birth date says


def committed(fn, *args, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(*args, **kwargs)


@pytest.fixture
def scene(world, time_machine):
    w = world
    w.admin = w.user("ada", w.province, Role.ADMIN)
    acts = Actors(officer=w.alice, head=w.henry, appraiser=w.bob, home_affairs=w.nora, chairman=w.chris)
    time_machine.move_to(at(2023, 12, 5, 8, 0), tick=False)
    set_lead(w, Step.APPRAISAL, 3)

    # A decided dossier with an individual nominee who has a CCCD, and its signed decision.
    decided = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    add_nominees(decided, w.alice, collectives=[w.unit])
    person = nominee_add(dossier=decided, actor=w.alice, kind="individual", full_name="Nguyễn Văn Bình",
                         citizen_id=CCCD, birth_date=dt.date(1980, 5, 17), position="Chuyên viên")
    decided = walk(decided, acts, until=DossierStatus.AWAITING_DECISION)
    decision = committed(services.decision_sign, dossiers=[decided], actor=w.chris,
                         outcomes={n.pk: True for n in decided.nominees.all()}, number="2345/QĐ-UBND",
                         signed_on=dt.date(2023, 12, 5))
    decided.refresh_from_db()
    decision.refresh_from_db()

    # A draft with its own nominee (for removal and the unit's forms).
    draft = services.dossier_create(campaign=w.campaign, award_form=w.agency_form(), unit=w.unit, actor=w.alice)
    draft_nominee = nominee_add(dossier=draft, actor=w.alice, kind="individual", full_name="Trần Thị Hoa",
                                citizen_id="020187654321")

    # A late dossier at appraisal: explanation request, apology letter and notifications after the scan.
    w.health = Unit.objects.create(name="Sở Y tế", level=w.levels["tinh"], parent=w.province)
    w.olga = w.user("olga", w.health, Role.UNIT_OFFICER)
    w.hugo = w.user("hugo", w.health, Role.UNIT_HEAD, title="Giám đốc")
    late = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.health, actor=w.olga)
    add_nominees(late, w.olga, collectives=[w.health])
    late = prepare(late, Actors(officer=w.olga, head=w.hugo))
    time_machine.move_to(at(2023, 12, 6, 10, 0), tick=False)
    late = services.dossier_submit(dossier=late, actor=w.hugo)
    task = open_task(late)
    time_machine.move_to(at(2023, 12, 12, 0, 10), tick=False)
    committed(deadlines.scan)
    late.refresh_from_db()

    # The unit's emulation registration for the campaign (issue 12.3), waiting for Sở Nội vụ.
    from criteria.models import RegistrationRule
    from criteria.registrations import LineInput, registration_submit

    RegistrationRule.objects.create(campaign=w.campaign, opens=dt.date(2023, 8, 20), closes=dt.date(2023, 12, 31))
    registration = registration_submit(campaign=w.campaign, unit=w.unit, actor=w.alice, lines=[
        LineInput(award_form=w.form, nominee_kind="collective", count=1)])

    return SimpleNamespace(
        registration=registration, w=w, world=w, acts=acts, decided=decided, decision=decision, person=person, draft=draft,
        draft_nominee=draft_nominee, late=late, task=task,
        certificate=decision.certificates.order_by("serial").first(),
        document=Document.objects.filter(dossier=decided).order_by("pk").first(),
        late_document=Document.objects.filter(dossier=late).order_by("pk").first(),
        explanation=LateExplanation.objects.get(task=task),
        apology=ApologyLetter.objects.get(task=task),
        notification=Notification.objects.order_by("pk").first(),
    )
