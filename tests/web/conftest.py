import pytest
from django.test import Client

from workflows import services


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def draft(world, in_window):
    return services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
