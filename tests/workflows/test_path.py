import pytest

from dossiers.models import DossierEvent, DossierStatus, NomineeKind, Outcome, Role, Step
from workflows import services
from workflows.flows import ACTIVE
from workflows.models import DossierTask
from workflows.walk import Actors, add_nominees, prepare, walk

pytestmark = pytest.mark.django_db


def open_tasks(dossier):
    return list(DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE))


def assert_task_matches(dossier):
    """The single open task is the one for the dossier's status, addressed to the right role/unit."""
    dossier.refresh_from_db()
    tasks = open_tasks(dossier)
    if dossier.status in (DossierStatus.DECIDED, DossierStatus.WITHDRAWN, DossierStatus.REJECTED):
        assert tasks == []
        assert dossier.tasks.first().process.finished is not None
        return
    assert len(tasks) == 1, tasks
    task = tasks[0]
    if dossier.status == DossierStatus.RETURNED:
        assert (task.step, task.unit_id, task.role) == ("revision", dossier.unit_id, Role.UNIT_OFFICER)
    else:
        step = dossier.current_step
        assert task.step == step
        assert task.unit_id == dossier.acting_unit_id(step)
    assert task.due_at is not None


def actors(world):
    return Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)


@pytest.mark.parametrize("kind", [NomineeKind.COLLECTIVE, NomineeKind.INDIVIDUAL])
def test_full_path_open_task_always_matches_status(world, in_window, kind):
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    assert_task_matches(dossier)
    if kind == NomineeKind.COLLECTIVE:
        add_nominees(dossier, world.alice, collectives=[world.unit])
    else:
        add_nominees(dossier, world.alice, individuals=[{"full_name": "Nguyễn Văn An", "citizen_id": "020123456789",
                                                         "position": "Trưởng phòng"}])
    seen = [dossier.status]
    for until in [DossierStatus.PROPOSAL_READY, DossierStatus.COUNCIL_REVIEWED, DossierStatus.REPORTS_COMPLETE,
                  DossierStatus.SUBMITTED, DossierStatus.APPRAISED, DossierStatus.AWAITING_DECISION,
                  DossierStatus.DECIDED]:
        dossier = walk(dossier, actors(world), until=until)
        assert dossier.status == until
        assert_task_matches(dossier)
        seen.append(dossier.status)
    assert dossier.nominees.get().outcome == Outcome.AWARDED
    transitions = list(DossierEvent.objects.filter(dossier=dossier, kind__in=["transition", "decision"])
                       .values_list("from_status", "to_status"))
    assert transitions == list(zip(seen, seen[1:]))


def test_agency_award_goes_proposal_council_decision(world, in_window):
    form = world.agency_form()
    from dossiers.models import Membership
    Membership.objects.create(user=world.henry, unit=world.unit, role=Role.CHAIRMAN, title="Giám đốc")
    dossier = services.dossier_create(campaign=world.campaign, award_form=form, unit=world.unit, actor=world.alice)
    assert dossier.path() == [Step.PROPOSAL, Step.COUNCIL, Step.SUBMISSION, Step.DECISION]
    add_nominees(dossier, world.alice, individuals=[{"full_name": "Hoàng Thị Mai"}])
    dossier = prepare(dossier, actors(world))
    assert dossier.status == DossierStatus.REPORTS_COMPLETE
    dossier = services.dossier_submit(dossier=dossier, actor=world.henry)
    assert dossier.status == DossierStatus.AWAITING_DECISION
    assert_task_matches(dossier)
    task = open_tasks(dossier)[0]
    assert task.unit_id == world.unit.pk and task.role == Role.CHAIRMAN
    dossier = services.dossier_decide(dossier=dossier, actor=world.henry,
                                      outcomes={n.pk: True for n in dossier.nominees.all()})
    assert dossier.status == DossierStatus.DECIDED
    assert_task_matches(dossier)


def test_task_due_date_stamped_across_tet(world, time_machine):
    import datetime as dt

    from dossiers.models import Campaign
    Campaign.objects.filter(pk=world.campaign.pk).update(window_opens=dt.date(2024, 2, 1),
                                                         window_closes=dt.date(2024, 2, 29))
    world.campaign.refresh_from_db()
    hcm = dt.timezone(dt.timedelta(hours=7))
    time_machine.move_to(dt.datetime(2024, 2, 7, 10, 0, tzinfo=hcm), tick=False)   # Wed before Tết Giáp Thìn
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    dossier = walk(dossier, actors(world), until=DossierStatus.SUBMITTED)
    task = open_tasks(dossier)[0]
    # appraisal: 7 working days; 08–14/02 are Tết; 15, 16, 19, 20, 21, 22, 23 → Fri 23/02/2024, 23:59 local
    due = task.due_at.astimezone(hcm)
    assert (due.date(), due.hour, due.minute) == (dt.date(2024, 2, 23), 23, 59)
    assert not task.is_overdue(dt.datetime(2024, 2, 23, 23, 0, tzinfo=hcm))
    assert task.is_overdue(dt.datetime(2024, 2, 24, 0, 0, 1, tzinfo=hcm))
