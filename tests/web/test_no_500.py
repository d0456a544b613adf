"""No page answers 500 to a user's input: junk in every form and query string of every page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dossiers.models import DossierStatus
from tests.conftest import PDF
from workflows import services
from workflows.walk import Actors, add_nominees, walk

pytestmark = pytest.mark.django_db
JUNK = ["", "abc", "-1", "99999999999999999999", "1' OR '1'='1", "<script>", "\x00", "2023-13-45", "ü" * 300]


def test_junk_input_never_gives_500(world, in_window, client_for):
    acts = Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)
    draft = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit,
                                    actor=world.alice)
    submitted_unit = world.other
    from dossiers.models import Membership, Role
    Membership.objects.create(user=world.alice, unit=submitted_unit, role=Role.UNIT_OFFICER)
    Membership.objects.create(user=world.henry, unit=submitted_unit, role=Role.UNIT_HEAD)
    submitted = services.dossier_create(campaign=world.campaign, award_form=world.form, unit=submitted_unit,
                                        actor=world.alice)
    add_nominees(submitted, world.alice, collectives=[submitted_unit])
    walk(submitted, acts, until=DossierStatus.SUBMITTED)
    posts = {
        reverse("dossiers:nominee_add", args=[draft.pk]): ["kind", "unit", "full_name", "citizen_id", "birth_date"],
        reverse("dossiers:upload", args=[draft.pk]): ["document_type", "nominee"],
        reverse("dossiers:council", args=[draft.pk]): ["held_on", "members_total", "members_present"],
        reverse("dossiers:rate", args=[draft.pk]): ["score", "comment"],
        reverse("workflows:create"): ["campaign", "award_form", "unit"],
        reverse("workflows:complete_steps", args=[draft.pk]): ["seen_status"],
        reverse("workflows:submit", args=[draft.pk]): ["seen_status", "comment"],
        reverse("workflows:resubmit", args=[draft.pk]): ["seen_status"],
        reverse("workflows:withdraw", args=[draft.pk]): ["seen_status", "reason"],
        reverse("workflows:review", args=[submitted.pk]): ["action", "seen_status", "general_reason"],
        reverse("workflows:inbox"): ["dossier", "comment"],
        reverse("workflows:decisions"): ["award_form", "dossier", "award", "number", "signed_on"],
    }
    gets = {reverse("workflows:inbox"): ["campaign", "unit", "status", "due", "sort"],
            reverse("workflows:dashboard"): ["campaign"],
            reverse("dossiers:person_lookup", args=[draft.pk]): ["cccd"]}
    for user in (world.alice, world.henry, world.bob, world.chris, world.charlie):
        client = client_for(user)
        for url, fields in posts.items():
            for junk in JUNK:
                data = {field: junk for field in fields}
                if "tai-len" in url:
                    data["file"] = SimpleUploadedFile(junk[:20] or "x", PDF if junk else b"")
                response = client.post(url, data)
                assert response.status_code < 500, (user, url, junk)
        for nominee in ("9" * 20, "0", "-5", "abc"):
            response = client.post(reverse("dossiers:upload", args=[draft.pk]), {
                "document_type": "bao-cao-thanh-tich", "nominee": nominee,
                "file": SimpleUploadedFile("bao-cao.pdf", PDF)})
            assert response.status_code < 500, (user, nominee)
            response = client.post(reverse("dossiers:nominee_add", args=[draft.pk]), {
                "kind": "collective", "unit": nominee})
            assert response.status_code < 500, (user, nominee)
        for url, fields in gets.items():
            for junk in JUNK:
                response = client.get(url, {field: junk for field in fields})
                assert response.status_code < 500, (user, url, junk)
