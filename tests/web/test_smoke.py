import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_render_for_each_role(world, draft, client_for):
    for user in (world.alice, world.henry, world.bob, world.nora, world.chris, world.charlie):
        client = client_for(user)
        for name in ("home", "workflows:inbox", "workflows:dashboard"):
            response = client.get(reverse(name))
            assert response.status_code == 200, (user, name)
    response = client_for(world.alice).get(reverse("dossiers:detail", args=[draft.pk]))
    assert response.status_code == 200
    response = client_for(world.chris).get(reverse("workflows:decisions"))
    assert response.status_code == 200
