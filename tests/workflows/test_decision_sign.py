import datetime as dt

import pytest

from dossiers.errors import DossierError, InvalidInput
from dossiers.models import Dossier, DossierStatus, Outcome, Role, Unit
from workflows import services
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db


def awaiting(world, unit, officer, head):
    d = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=unit, actor=officer)
    add_nominees(d, officer, collectives=[unit], individuals=[{"full_name": f"Cá nhân {unit.pk}"}])
    return walk(d, Actors(officer=officer, head=head, appraiser=world.bob, home_affairs=world.nora),
                until=DossierStatus.AWAITING_DECISION)


def test_one_decision_for_several_dossiers(world, in_window):
    second = Unit.objects.create(name="Sở Y tế", level=world.levels["tinh"])
    d1 = awaiting(world, world.unit, world.alice, world.henry)
    d2 = awaiting(world, second, world.user("o2", second, Role.UNIT_OFFICER), world.user("h2", second, Role.UNIT_HEAD))
    n1, n2 = list(d1.nominees.all()), list(d2.nominees.all())
    outcomes = {n1[0].pk: True, n1[1].pk: False, n2[0].pk: True, n2[1].pk: True}
    decision = services.decision_sign(dossiers=[d1, d2], actor=world.chris, outcomes=outcomes,
                                      number="1234/QĐ-UBND", signed_on=dt.date(2023, 12, 5))
    assert decision is not None
    assert {Dossier.objects.get(pk=d.pk).status for d in (d1, d2)} == {DossierStatus.DECIDED}
    assert sorted(c.nominee_id for c in decision.certificates.all()) == sorted([n1[0].pk, n2[0].pk, n2[1].pk])
    assert d1.nominees.get(pk=n1[1].pk).outcome == Outcome.NOT_AWARDED


def test_all_or_nothing(world, in_window):
    d1 = awaiting(world, world.unit, world.alice, world.henry)
    n = list(d1.nominees.all())
    with pytest.raises(InvalidInput):
        services.decision_sign(dossiers=[d1], actor=world.chris, outcomes={x.pk: True for x in n}, number=" ",
                               signed_on=dt.date(2023, 12, 5))
    with pytest.raises(DossierError):   # a nominee left undecided
        services.decision_sign(dossiers=[d1], actor=world.chris, outcomes={n[0].pk: True}, number="1/QĐ-UBND",
                               signed_on=dt.date(2023, 12, 5))
    assert Dossier.objects.get(pk=d1.pk).status == DossierStatus.AWAITING_DECISION
