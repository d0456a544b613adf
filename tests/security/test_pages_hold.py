"""Pages that must hold in every state the data can be in (no 500)."""

import pytest
from django.test import Client
from django.urls import reverse

from dossiers.models import DossierEvent

pytestmark = pytest.mark.django_db


def test_dossier_page_with_an_event_by_the_system(scene):
    """The deadline scan records events with no actor; the timeline showed the actor through a
    filter argument (`default:e.actor.get_username`), which raises on None: the page answered 500."""
    assert DossierEvent.objects.filter(dossier=scene.draft, actor__isnull=True).exists()
    client = Client()
    client.force_login(scene.w.alice)
    response = client.get(reverse("dossiers:detail", args=[scene.draft.pk]))
    assert response.status_code == 200
    assert "—" in response.content.decode()


@pytest.mark.parametrize("next_url,expected", [
    ("abc", None),                      # was: redirect("abc") looked up a view named "abc" → 500
    ("inbox", None),
    ("https://evil.example/", None),    # never off the site
    ("//evil.example/", None),
    ("/viec-can-lam/", "/viec-can-lam/"),
])
def test_evaluate_next_is_a_local_path_or_ignored(scene, next_url, expected):
    client = Client()
    client.force_login(scene.w.bob)
    response = client.post(reverse("criteria:evaluate", args=[scene.late.pk]), {"next": next_url})
    assert response.status_code == 302
    assert response["Location"] == (expected or reverse("criteria:dossier", args=[scene.late.pk]))
