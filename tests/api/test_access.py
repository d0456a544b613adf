"""The API's cross-unit tests, mirroring tests/security: another unit's dossier is 404 (a problem, never
its content), the wrong role is 403 with the pages' Vietnamese refusal, a missing scope is 403, and a
list shows exactly what `dossiers.rules.can_view_dossier` allows."""

import datetime as dt

import pytest
from django.test import TestCase

from dossiers.models import DossierStatus, Role
from dossiers.rules import can_view_dossier
from dossiers.services import nominee_add
from workflows import services
from workflows.walk import Actors, add_nominees, walk

from .conftest import as_person, assert_problem, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossiers(world, in_window):
    w = world
    draft = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    nominee = nominee_add(dossier=draft, actor=w.alice, kind="collective", unit=w.unit)
    agency = services.dossier_create(campaign=w.campaign, award_form=w.agency_form(), unit=w.unit, actor=w.alice)
    add_nominees(agency, w.alice, individuals=[{"full_name": "Phạm Văn Đức"}])
    return draft, nominee, agency


DETAIL_URLS = ["/api/v1/dossiers/{pk}/", "/api/v1/dossiers/{pk}/status/", "/api/v1/dossiers/{pk}/timeline/"]
WRITE_URLS = [("/api/v1/dossiers/{pk}/nominees/", {"kind": "collective", "unit": 1}),
              ("/api/v1/dossiers/{pk}/complete-step/", {"step": "proposal"}),
              ("/api/v1/dossiers/{pk}/council/", {"held_on": "2023-12-01", "members_total": 3, "members_present": 3,
                                                  "votes": {}}),
              ("/api/v1/dossiers/{pk}/submit/", {})]


@pytest.mark.parametrize("url", DETAIL_URLS)
def test_another_units_dossier_is_not_found_for_its_system_and_its_people(world, dossiers, other_api, url):
    draft = dossiers[0]
    for api in (other_api, as_person(world.charlie), as_person(world.bob)):   # bob: a draft never reached him
        body = assert_problem(api.get(url.format(pk=draft.pk)), 404)
        assert "Sở Tư pháp" not in str(body)


@pytest.mark.parametrize("url,data", WRITE_URLS)
def test_another_units_system_cannot_write_to_a_dossier(world, dossiers, other_api, url, data):
    draft = dossiers[0]
    before = draft.events.count()
    assert_problem(other_api.post(url.format(pk=draft.pk), data, format="json"), 404)
    assert draft.events.count() == before


def test_upload_to_another_units_dossier_is_not_found(world, dossiers, other_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import PDF

    draft = dossiers[0]
    response = other_api.post(f"/api/v1/dossiers/{draft.pk}/documents/", {
        "document_type": "to-trinh", "file": SimpleUploadedFile("a.pdf", PDF)}, format="multipart")
    assert_problem(response, 404)
    assert not draft.documents.exists()


def test_wrong_role_is_refused_with_the_pages_message(world, dossiers):
    """Alice (unit officer) may prepare but not sign and send; the service refuses, as on the page."""
    w = world
    draft, _nominee, _agency = dossiers
    draft = walk(draft, Actors(officer=w.alice, head=w.henry), until=DossierStatus.REPORTS_COMPLETE)
    body = assert_problem(as_person(w.alice).post(f"/api/v1/dossiers/{draft.pk}/submit/", {},
                                                  format="json"), 403)
    assert body["detail"] == "Bạn không có quyền thực hiện thao tác này với hồ sơ này."
    assert body["type"].endswith("/not-permitted")
    # the unit head may
    assert as_person(w.henry).post(f"/api/v1/dossiers/{draft.pk}/submit/", {}, format="json").status_code == 200


def test_a_system_without_the_submit_scope_cannot_submit(world, dossiers):
    from api.services import api_client_create

    w = world
    draft = walk(dossiers[0], Actors(officer=w.alice, head=w.henry), until=DossierStatus.REPORTS_COMPLETE)
    preparer = bearer(api_client_create(name="Chỉ lập hồ sơ", unit=w.unit, scopes=["dossiers:read", "dossiers:write"]))
    body = assert_problem(preparer.post(f"/api/v1/dossiers/{draft.pk}/submit/", {}, format="json"), 403)
    assert "dossiers:submit" in body["detail"]
    # and its service account holds no unit-head role, so no other door opens either
    assert Role.UNIT_HEAD not in {m.role for m in preparer.api_client.service_user.memberships.all()}
    draft.refresh_from_db()
    assert draft.status == DossierStatus.REPORTS_COMPLETE


def test_a_token_limited_to_read_cannot_write(world, hr, dossiers):
    reader = bearer(hr, scope="dossiers:read")
    assert reader.get(f"/api/v1/dossiers/{dossiers[0].pk}/").status_code == 200
    assert_problem(reader.post("/api/v1/dossiers/", {"campaign": world.campaign.pk, "award_form": world.form.pk},
                               format="json"), 403, contains="dossiers:write")
    assert_problem(reader.get("/api/v1/campaigns/"), 403, contains="catalog:read")


def test_anonymous_gets_401_problem(world, dossiers):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/dossiers/")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_writes_need_the_csrf_token(world, dossiers):
    from rest_framework.test import APIClient

    api = APIClient(enforce_csrf_checks=True)
    api.force_login(world.alice)
    response = api.post(f"/api/v1/dossiers/{dossiers[0].pk}/nominees/", {"kind": "collective", "unit": world.unit.pk},
                        format="json")
    assert_problem(response, 403, contains="CSRF")


def test_list_shows_exactly_what_the_rules_allow(world, dossiers, hr_api, other_api, time_machine):
    w = world
    draft, _nominee, agency = dossiers
    # one dossier of another unit that reached the province's reviewers
    other = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.other, actor=w.charlie)
    henrietta = w.user("henrietta", w.other, Role.UNIT_HEAD)
    add_nominees(other, w.charlie, collectives=[w.other])
    other = walk(other, Actors(officer=w.charlie, head=henrietta, appraiser=w.bob, home_affairs=w.nora),
         until=DossierStatus.APPRAISED)
    people = [w.alice, w.henry, w.bob, w.nora, w.chris, w.charlie, henrietta]
    for user in people:
        listed = {d["id"] for d in as_person(user).get("/api/v1/dossiers/?page_size=200").json()["results"]}
        allowed = {d.pk for d in (draft, agency, other) if can_view_dossier(user, d)}
        assert listed == allowed, user.username
    assert {d["id"] for d in hr_api.get("/api/v1/dossiers/").json()["results"]} == {draft.pk, agency.pk}
    assert {d["id"] for d in other_api.get("/api/v1/dossiers/").json()["results"]} == {other.pk}
    # filters and paging
    page = hr_api.get(f"/api/v1/dossiers/?award_form={w.form.pk}&page_size=1").json()
    assert page["count"] == 1 and [d["id"] for d in page["results"]] == [draft.pk]
    assert_problem(hr_api.get("/api/v1/dossiers/?status=nonsense"), 400)


def test_person_history_only_for_roles_allowed(world, in_window, hr_api, other_api):
    """Reviewers see anyone's history; a unit only the people it proposed; a stranger's CCCD and an
    unknown CCCD give the same 404."""
    w = world
    dossier = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    nominee_add(dossier=dossier, actor=w.alice, kind="individual", full_name="Lê Thị Mai", citizen_id="020185666777")
    dossier = walk(dossier, Actors(officer=w.alice, head=w.henry, appraiser=w.bob, home_affairs=w.nora,
                                   chairman=w.chris), until=DossierStatus.AWAITING_DECISION)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.decision_sign(dossiers=[dossier], actor=w.chris, outcomes={n.pk: True for n in dossier.nominees.all()},
                               number="77/QĐ-UBND", signed_on=dt.date(2023, 12, 5))
    lookup = {"citizen_id": "020185666777"}
    own = hr_api.post("/api/v1/people/awards/", lookup, format="json")
    assert own.status_code == 200, own.content
    body = own.json()
    assert body["citizen_id_masked"] == "*********777" and "020185666777" not in str(body)
    assert [a["decision_number"] for a in body["awards"]] == ["77/QĐ-UBND"]
    assert as_person(w.bob).post("/api/v1/people/awards/", lookup, format="json").status_code == 200
    stranger = assert_problem(other_api.post("/api/v1/people/awards/", lookup, format="json"), 404)
    unknown = assert_problem(other_api.post("/api/v1/people/awards/", {"citizen_id": "020000000001"},
                                            format="json"), 404)
    assert stranger == unknown
    assert_problem(hr_api.post("/api/v1/people/awards/", {"citizen_id": "12"}, format="json"), 400)


def test_catalog_is_for_signed_in_callers_only(world):
    from rest_framework.test import APIClient

    for url in (f"/api/v1/campaigns/{world.campaign.pk}/", f"/api/v1/award-forms/{world.form.pk}/",
                f"/api/v1/units/{world.unit.pk}/", "/api/v1/units/?q=S%E1%BB%9F"):
        assert_problem(APIClient().get(url), 401)
        assert as_person(world.charlie).get(url).status_code == 200


def test_decisions_for_those_who_handle_them_and_the_units_they_award(world, in_window, hr_api, other_api):
    w = world
    dossier = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    nominee_add(dossier=dossier, actor=w.alice, kind="collective", unit=w.unit)
    dossier = walk(dossier, Actors(officer=w.alice, head=w.henry, appraiser=w.bob, home_affairs=w.nora,
                                   chairman=w.chris), until=DossierStatus.AWAITING_DECISION)
    decision = services.decision_sign(dossiers=[dossier], actor=w.chris, outcomes={n.pk: True for n in
                                                                                   dossier.nominees.all()},
                                      number="99/QĐ-UBND", signed_on=dt.date(2023, 12, 5))
    url = f"/api/v1/decisions/{decision.pk}/"
    for api in (hr_api, as_person(w.chris), as_person(w.bob), as_person(w.nora)):
        body = api.get(url).json()
        assert body["number"] == "99/QĐ-UBND" and body["awards"][0]["recipient_name"] == "Sở Tư pháp"
        assert body["awards"][0]["verify_path"].startswith("/verify/")
    for api in (other_api, as_person(w.charlie)):
        assert_problem(api.get(url), 404)
        assert api.get("/api/v1/decisions/").json()["count"] == 0
    assert [d["id"] for d in hr_api.get("/api/v1/decisions/?year=2023").json()["results"]] == [decision.pk]
    assert hr_api.get("/api/v1/decisions/?year=2024").json()["count"] == 0
