"""django-fsm-2's refresh_from_db switches the protected status field's flag off and on again on
the field object, which every Dossier in the process shares: two threads refreshing at once made the
other raise "Direct status modification is not allowed" (issue 18: 36 such 500s in the multi-node
soak). Real threads, each with its own Dossier instance, as a threaded server runs requests."""

import threading

import pytest
from django.db import connections

from dossiers.models import Dossier
from workflows import services

pytestmark = pytest.mark.django_db(transaction=True)


def test_refresh_from_db_in_many_threads_at_once(world, in_window):
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    errors, barrier = [], threading.Barrier(6)

    def refresh_many():
        try:
            mine = Dossier.objects.get(pk=dossier.pk)
            barrier.wait(10)
            for _ in range(150):
                mine.refresh_from_db()
                assert mine.status == dossier.status
        except Exception as exc:  # noqa: BLE001 - every failure is reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=refresh_many) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []


def test_status_stays_protected_and_refresh_still_works():
    dossier = Dossier(pk=1, status="draft")
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        dossier.status = "decided"
    assert Dossier._meta.get_field("status").protected is True


def test_a_failed_refresh_leaves_the_status_protected(world, in_window):
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    gone = Dossier.objects.get(pk=dossier.pk)
    gone.pk = 10**9
    with pytest.raises(Dossier.DoesNotExist):
        gone.refresh_from_db()
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        dossier.status = "decided"
