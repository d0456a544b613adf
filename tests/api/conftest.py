"""An HR system of Sở Tư pháp (the world's unit) and one of UBND huyện Cao Lộc (another unit), each
registered as an API client with its own secret; `bearer(client)` gets a token the way a system does."""

import pytest
from rest_framework.test import APIClient

from api.models import Scope
from api.services import api_client_create

ALL_SCOPES = list(Scope.values)


@pytest.fixture(autouse=True)
def _api_rates(settings):
    settings.API_RATE_CLIENT = "10000/min"
    settings.API_RATE_TOKEN = "10000/min"
    from django.core.cache import cache

    cache.clear()


def token_for(client_id, secret, scope=""):
    response = APIClient().post("/api/v1/token/", {"grant_type": "client_credentials", "client_id": client_id,
                                                   "client_secret": secret, "scope": scope}, format="json")
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer(registered, scope=""):
    client, secret = registered
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(client.client_id, secret, scope)}")
    api.api_client = client
    return api


@pytest.fixture
def hr(world):
    """Sở Tư pháp's HR system: every scope (it may submit, as the unit head decided)."""
    return api_client_create(name="Phần mềm nhân sự Sở Tư pháp", unit=world.unit, scopes=ALL_SCOPES)


@pytest.fixture
def other_hr(world):
    return api_client_create(name="Phần mềm nhân sự Cao Lộc", unit=world.other, scopes=ALL_SCOPES)


@pytest.fixture
def hr_api(hr):
    return bearer(hr)


@pytest.fixture
def other_api(other_hr):
    return bearer(other_hr)


def as_person(user):
    api = APIClient(enforce_csrf_checks=False)
    api.force_login(user)
    return api


def assert_problem(response, status, *, contains=""):
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["title"] and body["type"]
    if contains:
        assert contains in body["detail"] + " ".join(body.get("problems", [])), body
    return body
