"""Once-only: a document the system already holds (a report filed in another dossier, a previous
decision's signed PDF) attached to a new dossier by reference, not uploaded again; only a source the
caller may see."""

import datetime as dt

import pytest
from django.test import TestCase

from dossiers.models import Document, DossierEvent, DossierStatus
from dossiers.services import nominee_add
from workflows import services
from workflows.walk import Actors, walk

from .conftest import as_person, assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world, in_window):
    w = world
    old = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    nominee_add(dossier=old, actor=w.alice, kind="collective", unit=w.unit)
    old = walk(old, Actors(officer=w.alice, head=w.henry, appraiser=w.bob, home_affairs=w.nora, chairman=w.chris),
               until=DossierStatus.AWAITING_DECISION)
    with TestCase.captureOnCommitCallbacks(execute=True):      # the decision's PDFs rendered and signed
        decision = services.decision_sign(dossiers=[old], actor=w.chris,
                                          outcomes={n.pk: True for n in old.nominees.all()}, number="12/QĐ-UBND",
                                          signed_on=dt.date(2023, 12, 5))
    from outbox.services import dispatch

    dispatch(sweepers=False)
    decision.refresh_from_db()
    new = services.dossier_create(campaign=w.campaign, award_form=w.agency_form(), unit=w.unit, actor=w.alice)
    return w, old, decision, new


def test_attach_a_report_from_another_dossier_by_reference(scene):
    w, old, _decision, new = scene
    source = Document.objects.filter(dossier=old, document_type__code="to-trinh").get()
    response = as_person(w.alice).post(f"/api/v1/dossiers/{new.pk}/documents/reference/", {
        "document_type": "to-trinh", "source_document": source.pk}, format="json")
    assert response.status_code == 201, response.content
    attached = Document.objects.get(pk=response.json()["id"])
    assert attached.dossier == new and attached.file.name == source.file.name and attached.sha256 == source.sha256
    assert Document.objects.filter(file=source.file.name).count() == 2         # one file, two references
    event = DossierEvent.objects.filter(dossier=new, kind="upload").get()
    assert event.data["reference"] == {"document": source.pk, "dossier": old.pk} and "không tải lên lại" in event.comment
    again = as_person(w.alice).post(f"/api/v1/dossiers/{new.pk}/documents/reference/", {
        "document_type": "to-trinh", "source_document": source.pk}, format="json")
    assert_problem(again, 400, contains="đã là thành phần hiện tại")


def test_attach_a_previous_decision(scene):
    w, _old, decision, new = scene
    assert decision.decision_pdf.name
    response = as_person(w.alice).post(f"/api/v1/dossiers/{new.pk}/documents/reference/", {
        "document_type": "to-trinh", "source_decision": decision.pk}, format="json")
    assert response.status_code == 201, response.content
    assert Document.objects.get(pk=response.json()["id"]).file.name == decision.decision_pdf.name


def test_a_source_the_caller_may_not_see_is_refused(scene):
    w, old, decision, _new = scene
    theirs = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.other, actor=w.charlie)
    source = Document.objects.filter(dossier=old).first()
    api = as_person(w.charlie)
    assert_problem(api.post(f"/api/v1/dossiers/{theirs.pk}/documents/reference/", {
        "document_type": "to-trinh", "source_document": source.pk}, format="json"), 403)
    assert_problem(api.post(f"/api/v1/dossiers/{theirs.pk}/documents/reference/", {
        "document_type": "to-trinh", "source_decision": decision.pk}, format="json"), 404)
    assert not Document.objects.filter(dossier=theirs).exists()
