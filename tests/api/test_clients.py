"""API clients: secrets stored hashed, tokens with expiry, rotation with two active secrets, a stopped
client locked out at once, and rate limits per client."""

import base64
import datetime as dt
from urllib.parse import urlencode

import pytest
from rest_framework.test import APIClient

from api.models import ApiClientSecret, ApiToken, digest
from api.services import api_client_create, api_client_rotate_secret, api_client_update
from dossiers.models import Membership, Role

from .conftest import assert_problem, bearer, token_for

pytestmark = pytest.mark.django_db


def ask_token(client_id, secret, **extra):
    """As RFC 6749 has it: application/x-www-form-urlencoded."""
    form = urlencode({"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret, **extra})
    return APIClient().post("/api/v1/token/", form, content_type="application/x-www-form-urlencoded")


def test_a_client_is_a_service_account_with_the_roles_its_scopes_need(world, hr):
    client, secret = hr
    user = client.service_user
    assert not user.has_usable_password() and user.get_full_name().startswith("Phần mềm nhân sự")
    assert set(Membership.objects.filter(user=user, unit=world.unit, is_active=True).values_list("role", flat=True)) \
        == {Role.UNIT_OFFICER, Role.UNIT_HEAD}
    # only a digest is kept: the secret cannot be read back
    stored = ApiClientSecret.objects.get(client=client)
    assert stored.digest == digest(secret) and secret not in stored.digest and stored.hint == secret[-4:]


def test_token_by_form_and_by_basic_auth_and_only_its_digest_is_stored(world, hr):
    client, secret = hr
    response = ask_token(client.client_id, secret)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and response["Cache-Control"] == "no-store"
    assert ApiToken.objects.filter(digest=digest(body["access_token"])).exists()
    assert not ApiToken.objects.filter(digest=body["access_token"]).exists()
    basic = base64.b64encode(f"{client.client_id}:{secret}".encode()).decode()
    response = APIClient().post("/api/v1/token/", "grant_type=client_credentials",
                                content_type="application/x-www-form-urlencoded", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.status_code == 200, response.content


def test_wrong_secret_unknown_client_and_bad_grant_are_problems(world, hr):
    client, secret = hr
    assert_problem(APIClient().post("/api/v1/token/", {"grant_type": "client_credentials",
                                                       "client_id": client.client_id, "client_secret": secret + "x"},
                                    format="json"), 401, contains="khóa bí mật không đúng")
    assert_problem(APIClient().post("/api/v1/token/", {"grant_type": "client_credentials", "client_id": "kt_nobody",
                                                       "client_secret": secret}, format="json"), 401)
    body = assert_problem(APIClient().post("/api/v1/token/", {"grant_type": "password", "client_id": client.client_id,
                                                              "client_secret": secret}, format="json"), 400)
    assert "grant_type" in body["errors"]
    assert_problem(APIClient().post("/api/v1/token/", {"grant_type": "client_credentials", "client_id": client.client_id,
                                                       "client_secret": secret, "scope": "people:read admin"},
                                    format="json"), 403)


def test_token_expires(world, hr, time_machine):
    time_machine.move_to(dt.datetime(2023, 12, 5, 2, 0, tzinfo=dt.timezone.utc), tick=False)
    api = bearer(hr)
    assert api.get("/api/v1/units/").status_code == 200
    time_machine.move_to(dt.datetime(2023, 12, 5, 3, 0, 1, tzinfo=dt.timezone.utc), tick=False)
    assert_problem(api.get("/api/v1/units/"), 401, contains="hết hạn")


def test_rotation_keeps_two_secrets_active_then_one(world, hr, time_machine):
    client, first = hr
    time_machine.move_to(dt.datetime(2023, 12, 1, 2, 0, tzinfo=dt.timezone.utc), tick=False)
    second = api_client_rotate_secret(client=client, overlap=dt.timedelta(days=7))
    assert ApiClientSecret.objects.filter(ApiClientSecret.active_q(), client=client).count() == 2
    assert ask_token(client.client_id, first).status_code == 200      # the system has a week to switch
    assert ask_token(client.client_id, second).status_code == 200
    time_machine.move_to(dt.datetime(2023, 12, 8, 2, 0, 1, tzinfo=dt.timezone.utc), tick=False)
    assert ask_token(client.client_id, first).status_code == 401      # the overlap is over
    assert ask_token(client.client_id, second).status_code == 200
    # a rotation during a rotation never leaves three: the oldest still active is revoked at once
    third = api_client_rotate_secret(client=client)
    fourth = api_client_rotate_secret(client=client)
    assert ApiClientSecret.objects.filter(ApiClientSecret.active_q(), client=client).count() == 2
    assert ask_token(client.client_id, second).status_code == 401
    assert ask_token(client.client_id, third).status_code == 200 and ask_token(client.client_id, fourth).status_code == 200


def test_a_stopped_client_is_locked_out_at_once(world, hr):
    client, secret = hr
    api = bearer(hr)
    api_client_update(client=client, is_active=False)
    assert_problem(api.get("/api/v1/units/"), 401)
    assert ask_token(client.client_id, secret).status_code == 401
    assert not Membership.objects.filter(user=client.service_user, is_active=True).exists()


def test_a_merged_unit_system_stops_acting(world, hr):
    api = bearer(hr)
    world.unit.successor = world.other
    world.unit.save()
    assert_problem(api.get("/api/v1/units/"), 401)


def test_rate_limit_is_per_client(world, hr, other_hr, settings):
    settings.API_RATE_CLIENT = "3/min"
    mine, theirs = bearer(hr), bearer(other_hr)
    assert [mine.get("/api/v1/units/").status_code for _ in range(3)] == [200, 200, 200]
    response = mine.get("/api/v1/units/")
    assert_problem(response, 429)
    assert int(response["Retry-After"]) > 0
    assert theirs.get("/api/v1/units/").status_code == 200     # another system is not slowed by this one


def test_a_clients_own_rate(world, settings):
    settings.API_RATE_CLIENT = "2/min"
    batch = bearer(api_client_create(name="LGSP", unit=world.province, scopes=["catalog:read"], rate="5/min"))
    assert [batch.get("/api/v1/units/").status_code for _ in range(6)] == [200] * 5 + [429]


def test_token_endpoint_is_rate_limited_per_address(world, hr, settings):
    settings.API_RATE_TOKEN = "2/min"
    client, _secret = hr
    codes = [ask_token(client.client_id, "wrong").status_code for _ in range(3)]
    assert codes == [401, 401, 429]


def test_management_command_creates_and_rotates(world, capsys):
    from django.core.management import call_command

    call_command("api_client", "create", "--unit", str(world.unit.pk), "--name", "HRM", "--scopes", "catalog:read")
    out = dict(line.split("=", 1) for line in capsys.readouterr().out.split())
    assert token_for(out["client_id"], out["client_secret"])
    call_command("api_client", "rotate", out["client_id"])
    new = capsys.readouterr().out.strip().split("=", 1)[1]
    assert token_for(out["client_id"], new) and token_for(out["client_id"], out["client_secret"])
