"""Every write is a POST with CSRF: without the token every URL refuses a POST (403), and the
views that only write answer 405 to a GET."""

import pytest
from django.test import Client
from django.urls import reverse

from .test_access import EXCLUDED_NAMESPACES, PK_FACTORY, SIGNED_IN_CATALOG, TOKEN_URLS, url_patterns

pytestmark = pytest.mark.django_db


def _urls(scene):
    for ns, name, pattern in url_patterns():
        has_args = bool(pattern.pattern.converters or pattern.pattern.regex.groupindex)
        if not name:
            continue
        if has_args:
            if name in PK_FACTORY:
                yield name, reverse(name, kwargs=PK_FACTORY[name][0](scene)), PK_FACTORY[name][1]
            elif name in SIGNED_IN_CATALOG:
                yield name, reverse(name, kwargs=SIGNED_IN_CATALOG[name][0](scene)), None
            elif name in TOKEN_URLS:  # a made-up token: the page answers "link no longer valid"
                yield name, reverse(name, kwargs=TOKEN_URLS[name]), None
            else:
                assert ns in EXCLUDED_NAMESPACES, f"{name} takes a pk and is not in PK_FACTORY"
        else:
            yield name, reverse(name), None


# The API's token endpoint reads no cookie (no session authentication: a system posts its client
# credentials), so a forged cross-site request carries nothing of the victim's: CSRF does not apply.
# The signing plugin's upload is accepted on the signing session's one-time token alone (the session
# cookie only decides where the page's own form is redirected): a forged request carries no token.
COOKIELESS = {"api:token", "certificates:token_upload"}


def test_post_without_csrf_token_is_refused_everywhere(scene):
    users = [scene.w.alice, scene.w.bob, scene.w.chris, scene.w.admin]
    checked = 0
    for name, url, rightful in _urls(scene):
        if name in COOKIELESS:
            continue
        who = [rightful(scene)] if rightful else users
        for user in who:
            client = Client(enforce_csrf_checks=True)
            client.force_login(user)
            response = client.post(url, {"reason": "Thu hồi vì sai sót trong quyết định.", "text": "x" * 20})
            assert response.status_code in (403, 405), (name, user.username, response.status_code)
            checked += 1
        anonymous = Client(enforce_csrf_checks=True).post(url, {"username": "alice", "password": "pw"})
        assert anonymous.status_code in (302, 403, 404, 405) or (name.startswith("api:") and anonymous.status_code
                                                                 == 401), (name, anonymous.status_code)
        if name == "login":
            assert anonymous.status_code == 403
    assert checked > 40
    # Nothing was written by any of these posts.
    scene.decision.refresh_from_db()
    assert not scene.decision.is_revoked


def test_write_only_views_refuse_get(scene):
    for name, (kwargs, rightful, methods) in PK_FACTORY.items():
        if methods != {"POST"}:
            continue
        client = Client()
        client.force_login(rightful(scene))
        response = client.get(reverse(name, kwargs=kwargs(scene)))
        assert response.status_code == 405, (name, response.status_code)
    client = Client()
    client.force_login(scene.w.alice)
    assert client.get(reverse("deadlines:read_all")).status_code == 405
    assert client.get(reverse("logout")).status_code == 405
