import datetime as dt
import threading

import pytest
from django.db import connection, connections

from certificates.models import Certificate, RegisterCounter
from certificates.services import decision_issue

from dossiers.models import Role
from workflows.walk import Actors

from .conftest import decided_dossier

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real row locks (PostgreSQL)"),
]


@pytest.mark.django_db(transaction=True)
def test_two_decisions_issued_at_once_share_the_register_without_gaps_or_duplicates(world, in_window):
    # two units' dossiers: no dossier lock in common, only the register's row lock orders them
    ours = decided_dossier(world, individuals=[{"full_name": f"Trần Văn Bình {i}"} for i in range(4)])
    hank = world.user("hank", world.other, Role.UNIT_HEAD)
    team = Actors(officer=world.charlie, head=hank, appraiser=world.bob, home_affairs=world.nora, chairman=world.chris)
    theirs = decided_dossier(world, unit=world.other, team=team, collectives=[world.other],
                             individuals=[{"full_name": "Chu Thị Mai"}])
    halves = [list(ours.nominees.all()), list(theirs.nominees.all())]
    nominees = halves[0] + halves[1]
    barrier, errors = threading.Barrier(2), []

    def run(index):
        try:
            barrier.wait()
            decision_issue(award_form=world.form, number=f"{100 + index}/QĐ-UBND", signed_on=dt.date(2023, 12, 15),
                           signer=world.chris, actor=world.chris, nominees=halves[index])
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Certificate.objects.values_list("register_number", flat=True))
    assert numbers == list(range(1, len(nominees) + 1))
    assert RegisterCounter.objects.get(name="global").last == len(nominees)
    for number in ("100/QĐ-UBND", "101/QĐ-UBND"):
        serials = sorted(Certificate.objects.filter(decision__number=number).values_list("serial", flat=True))
        assert serials == list(range(1, len(serials) + 1))
