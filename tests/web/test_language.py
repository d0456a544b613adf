import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_vietnamese_by_default_and_english_from_the_switch(world, in_window, client_for):
    client = client_for(world.alice)
    assert "Trang chủ" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert "Campaigns receiving dossiers" in html and ">Home<" in html and "Log out" in html


def test_an_english_browser_still_gets_vietnamese(world, in_window, client_for):
    client = client_for(world.alice)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Trang chủ" in html
