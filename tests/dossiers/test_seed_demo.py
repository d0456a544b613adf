import pytest
from django.core.management import call_command

from dossiers.models import Campaign, Dossier, DossierStatus
from workflows.flows import ACTIVE
from workflows.models import DossierTask

pytestmark = pytest.mark.django_db


def test_demo_has_every_state_an_open_campaign_and_a_decision(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "canbo_tuphap" in out and "khenthuong2023" in out
    plan = Campaign.objects.get(plan_number="170/KH-UBND")
    assert set(plan.dossiers.values_list("status", flat=True)) == set(DossierStatus.values)
    assert any(c.is_window_open() for c in Campaign.objects.exclude(pk=plan.pk))
    for dossier in Dossier.objects.all():
        open_tasks = DossierTask.objects.filter(dossier=dossier, status__in=ACTIVE).count()
        assert open_tasks == (0 if dossier.status in ("decided", "withdrawn", "rejected") else 1), dossier
    from certificates.models import Decision
    decision = Decision.objects.get(number="2345/QĐ-UBND")
    assert decision.certificates.count() == 3
    call_command("seed_demo")        # idempotent
    assert Campaign.objects.filter(plan_number="170/KH-UBND").count() == 1
