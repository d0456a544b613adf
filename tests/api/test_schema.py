"""The OpenAPI document: it validates, the docs page serves it without any CDN, and Schemathesis
generates requests from it against the app: no server error, every response as the document says
(status code, content type, body schema). Bounded: a few examples per operation."""

import datetime as dt

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)
from schemathesis.checks import not_a_server_error
from rest_framework.test import APIClient

from dossiers.models import DossierStatus
from dossiers.services import nominee_add
from workflows import services
from workflows.walk import Actors, walk

from .conftest import bearer

pytestmark = pytest.mark.django_db
EXAMPLES = 6


def openapi_document():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def test_schema_validates_and_is_served(world):
    from drf_spectacular.validation import validate_schema

    validate_schema(openapi_document())   # raises on an invalid OpenAPI 3 document
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    spec = response.json()
    assert spec["openapi"].startswith("3.") and "/api/v1/dossiers/{id}/submit/" in spec["paths"]
    assert set(spec["components"]["securitySchemes"]) == {"clientToken", "session"}


def test_docs_page_needs_no_cdn(world):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    # the split view: the initialiser is a separate script, no inline JavaScript (a strict CSP holds)
    assert "<script>" not in html.replace(" ", "")
    script = APIClient().get("/api/docs/?script=")
    assert script.status_code == 200 and b"SwaggerUIBundle" in script.content


@pytest.fixture
def token(hr):
    return bearer(hr)._credentials["HTTP_AUTHORIZATION"]


@pytest.fixture
def wsgi_app(token):
    """The project's WSGI application, called in this test's transaction: like Django's test client,
    keep the request signals from closing the test's database connection (after the token was taken:
    Django's test client reconnects them when it is done)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def scene(world, time_machine):
    w = world
    time_machine.move_to(dt.datetime(2023, 12, 5, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False)
    dossier = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    nominee_add(dossier=dossier, actor=w.alice, kind="individual", full_name="Hoàng Văn Nam", citizen_id="020123123123")
    dossier = walk(dossier, Actors(officer=w.alice, head=w.henry, appraiser=w.bob, home_affairs=w.nora,
                                   chairman=w.chris), until=DossierStatus.AWAITING_DECISION)
    services.decision_sign(dossiers=[dossier], actor=w.chris, outcomes={n.pk: True for n in dossier.nominees.all()},
                           number="88/QĐ-UBND", signed_on=dt.date(2023, 12, 5))  # not rendered: not needed
    services.dossier_create(campaign=w.campaign, award_form=w.agency_form(), unit=w.unit, actor=w.alice)
    return w


def test_schemathesis_no_server_error_and_responses_match_the_schema(scene, token, wsgi_app):
    schema = schemathesis.openapi.from_dict(openapi_document())
    app = wsgi_app
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    failures, operations, statuses = [], 0, []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                             phases=[Phase.explicit, Phase.generate],
                             suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(app=app, headers={"Authorization": token})
            statuses.append((operation.label, response.status_code))
            case.validate_response(response, checks=checks)

        try:
            run()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {exc}")
    assert operations >= 18
    # the token worked and generated requests reached the views, not only the door
    assert sum(code == 200 for _label, code in statuses) >= 5, statuses
    assert {label for label, code in statuses if code == 401} <= {"POST /api/v1/token/"}, statuses
    assert not failures, "\n\n".join(failures)
