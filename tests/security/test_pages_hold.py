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


@pytest.mark.parametrize("token", ["\x00", "abc\x00def", "a" * 33, "ü"])
def test_verify_junk_token_is_404_on_every_database(db, token):
    """A NUL byte in the token reached the query: PostgreSQL refuses NUL in text (500 there)."""
    response = Client().get(reverse("certificates:verify", args=[token]))
    assert response.status_code == 404


@pytest.mark.parametrize("note", ["n" * 300, "ghi\x00chú"])
def test_calendar_note_too_long_or_nul_is_refused_not_500(scene, note):
    """The note went straight into a varchar(255): on PostgreSQL a longer one (or a NUL) was a 500."""
    from dossiers.models import CalendarDay

    client = Client()
    client.force_login(scene.w.admin)
    response = client.post(reverse("deadlines:calendar"), {"day": "2024-01-02", "kind": "off", "note": note})
    assert response.status_code == 400
    assert not CalendarDay.objects.filter(date="2024-01-02").exists()
