"""Every admin page an administrator opens renders (changelists, and the change page of one row)."""

import pytest
from django.contrib import admin
from django.urls import reverse

from dossiers.models import DossierStatus
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db


def test_every_changelist_and_one_change_page_render(world, in_window, client, django_user_model):
    from workflows import services
    dossier = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                      actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit])
    walk(dossier, Actors(officer=world.alice, head=world.henry, appraiser=world.bob), until=DossierStatus.APPRAISED)
    root = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(root)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        first = model.objects.first()
        if first is not None:
            url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            assert client.get(url).status_code == 200, url


def test_frozen_rulebook_is_read_only(world, in_window, client, django_user_model):
    from django.utils import timezone

    from dossiers.models import Campaign
    Campaign.objects.filter(pk=world.campaign.pk).update(rulebook_frozen_at=timezone.now())
    root = django_user_model.objects.create_superuser("root", password="pw")
    client.force_login(root)
    url = reverse("admin:dossiers_awardform_change", args=[world.form.pk])
    response = client.post(url, {"name": "Đổi tên"})
    assert response.status_code == 403
    world.form.refresh_from_db()
    assert world.form.name == "Bằng khen của Chủ tịch UBND tỉnh"
