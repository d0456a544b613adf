"""Two appraisers act on one dossier at the same moment: exactly one succeeds, the other gets a
clear conflict message, and one event row is written. Real row locks: PostgreSQL only."""

import threading

import pytest
from django.db import connection, connections

from dossiers.errors import DossierError
from dossiers.models import Dossier, DossierEvent, DossierStatus, Membership, Role
from workflows import services
from workflows.flows import ACTIVE
from workflows.models import DossierTask
from workflows.walk import Actors, add_nominees, walk

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (make test runs it)"),
]


def race(actions):
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            results[i] = ("ok", action())
        except DossierError as exc:
            results[i] = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - a crash is a test failure, reported below
            results[i] = ("crash", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.parametrize("second", ["approve", "return"])
def test_two_appraisers_at_once_one_wins(world, in_window, second):
    bob2 = world.user("bob2", world.stt, Role.APPRAISER)
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry), until=DossierStatus.SUBMITTED)
    page_a = Dossier.objects.get(pk=dossier.pk)     # what each appraiser's page loaded
    page_b = Dossier.objects.get(pk=dossier.pk)
    other = (lambda: services.dossier_approve_step(dossier=page_b, actor=bob2)) if second == "approve" else \
        (lambda: services.dossier_return(dossier=page_b, actor=bob2, reasons=["Thiếu chữ ký"]))
    results = race([lambda: services.dossier_approve_step(dossier=page_a, actor=world.bob), other])
    assert not [r for r in results if r[0] == "crash"], results
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    refused = next(r[1] for r in results if r[0] == "refused")
    assert "người khác" in str(refused)
    events = DossierEvent.objects.filter(dossier=dossier, from_status=DossierStatus.SUBMITTED)
    assert events.count() == 1
    open_tasks = list(DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE))
    assert len(open_tasks) == 1
    assert Membership.objects.filter(role=Role.APPRAISER).count() == 2


def test_process_row_held_elsewhere_gives_a_clear_conflict(world, in_window):
    """Something outside the services (an admin, a viewflow view) holds the flow's process lock:
    the service refuses at once with a message, and nothing of its work remains."""
    from dossiers.errors import Conflict
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    dossier = walk(dossier, Actors(officer=world.alice, head=world.henry), until=DossierStatus.SUBMITTED)
    process_id = DossierTask.objects.filter(dossier=dossier).values_list("process_id", flat=True).first()
    held, release = threading.Event(), threading.Event()

    def hold():
        from django.db import transaction

        from viewflow.workflow.models import Process
        try:
            with transaction.atomic():
                Process.objects.select_for_update().filter(pk=process_id).exists()
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(10)
        with pytest.raises(Conflict) as err:
            services.dossier_approve_step(dossier=dossier, actor=world.bob)
        assert "Người khác đang xử lý" in str(err.value)
    finally:
        release.set()
        thread.join(30)
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.SUBMITTED
    assert not DossierEvent.objects.filter(dossier=dossier, from_status=DossierStatus.SUBMITTED).exists()
    assert services.dossier_approve_step(dossier=dossier, actor=world.bob).status == DossierStatus.APPRAISED
