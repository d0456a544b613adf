"""Who sees what: reviewers only once the dossier reached them; the CCCD lookup answers from the
unit's own history only; what people typed is shown escaped."""

import pytest
from django.test import Client
from django.urls import reverse

from dossiers.models import Document
from dossiers.services import nominee_add
from tests.conftest import pdf_file
from tests.deadlines.helpers import at

from .conftest import CCCD

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_reviewers_do_not_see_a_draft(scene, time_machine):
    time_machine.move_to(at(2023, 12, 5, 9, 0), tick=False)
    s, w = scene, scene.w
    assert _client(w.alice).post(reverse("dossiers:upload", args=[s.draft.pk]), {
        "document_type": "to-trinh", "file": pdf_file()}).status_code == 302
    document = Document.objects.get(dossier=s.draft)
    for user in (w.bob, w.nora, w.chris, w.charlie, w.olga):
        client = _client(user)
        for url in (reverse("dossiers:detail", args=[s.draft.pk]), reverse("criteria:dossier", args=[s.draft.pk]),
                    reverse("dossiers:document", args=[document.pk]),
                    reverse("criteria:form07", args=[s.draft.pk, s.draft_nominee.pk])):
            assert client.get(url).status_code == 404, (user.username, url)
    # once submitted it reached bob (appraisal), not yet nora or chris: the decided one all three see
    for user in (w.bob, w.nora, w.chris):
        assert _client(user).get(reverse("dossiers:detail", args=[s.decided.pk])).status_code == 200


def test_person_lookup_answers_from_the_units_own_history(scene, time_machine):
    time_machine.move_to(at(2023, 12, 5, 9, 0), tick=False)
    s, w = scene, scene.w
    response = _client(w.alice).get(reverse("dossiers:person_lookup", args=[s.draft.pk]), {"cccd": CCCD})
    assert response.json()["found"] is True and response.json()["full_name"] == "Nguyễn Văn Bình"
    from workflows import services

    mine = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.other, actor=w.charlie)
    response = _client(w.charlie).get(reverse("dossiers:person_lookup", args=[mine.pk]), {"cccd": CCCD})
    assert response.json() == {"found": False}
    # a reviewer who may see the dossier may not use the unit's lookup
    assert _client(w.bob).get(reverse("dossiers:person_lookup", args=[s.decided.pk]),
                              {"cccd": CCCD}).status_code == 404


def test_what_people_typed_is_escaped(scene, time_machine):
    time_machine.move_to(at(2023, 12, 5, 9, 0), tick=False)
    s, w = scene, scene.w
    evil = '<script>alert("x")</script>'
    nominee_add(dossier=s.draft, actor=w.alice, kind="individual", full_name=evil, position=evil,
                achievement=evil)
    client = _client(w.alice)
    for url in (reverse("dossiers:detail", args=[s.draft.pk]), reverse("criteria:dossier", args=[s.draft.pk]),
                reverse("home"), reverse("workflows:inbox")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"<script>alert(" not in response.content, url
    response = client.post(reverse("workflows:withdraw", args=[s.draft.pk]), {"reason": ""})
    assert b"<script>alert(" not in response.content
