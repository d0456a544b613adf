"""The production server as deployed: gunicorn (gthread) in production mode behind a TLS-terminating
proxy (simulated by its headers), WhiteNoise static files, a real Huey consumer beside it."""

import json
import re
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest

from .conftest import SITE_HOST, consumer, gunicorn, manage, production_env, request

PORT = 8111
PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
PASSWORD = "Lang-Son-2024-an-toan"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    env = production_env(tmp, DJANGO_BEHIND_PROXY="1")
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    manage(env, "shell", "--no-imports", "-c", "from django.contrib.auth.models import User; "
           f"User.objects.create_user('canbo', 'canbo@langson.gov.vn', {PASSWORD!r})")
    worker = consumer(env, tmp / "consumer.log")
    server = gunicorn(env, PORT, tmp / "gunicorn.log")
    try:
        server.wait_http(PORT)
        yield {"env": env, "tmp": tmp, "server": server, "consumer": worker}
    finally:
        server.stop()
        worker.stop()


def test_healthz_answers_over_plain_http(site):
    status, headers, body = request(PORT, "GET", "/healthz")
    assert status == 200 and json.loads(body) == {"status": "ok"}
    assert "no-cache" in headers["cache-control"][0]


def test_plain_http_is_redirected_to_https(site):
    status, headers, _ = request(PORT, "GET", "/dang-nhap/")
    assert status == 301 and headers["location"][0] == f"https://{SITE_HOST}/dang-nhap/"


def test_pages_are_styled_with_hashed_static_files_and_secure_headers(site):
    status, headers, body = request(PORT, "GET", "/dang-nhap/", headers=PROXY)
    assert status == 200
    html = body.decode()
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html)
    js = re.search(r'src="(/static/js/app\.[0-9a-f]{12}\.js)"', html)
    assert css and js, "hashed static names in the page"
    for url, kind in ((css.group(1), "text/css"), (js.group(1), "javascript")):
        s, h, b = request(PORT, "GET", url, headers={**PROXY, "Accept-Encoding": "gzip"})
        assert s == 200 and kind in h["content-type"][0] and len(b) > 500
        assert "immutable" in h["cache-control"][0] and "max-age=315360000" in h["cache-control"][0]
        assert h.get("content-encoding") == ["gzip"]
    assert headers["strict-transport-security"] == ["max-age=31536000; includeSubDomains; preload"]
    assert headers["x-frame-options"] == ["DENY"]
    assert "script-src 'self'" in headers["content-security-policy"][0]
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"][0])


def _login(username, password, *, origin=f"https://{SITE_HOST}"):
    status, headers, body = request(PORT, "GET", "/dang-nhap/", headers=PROXY)
    cookie = SimpleCookie()
    for value in headers["set-cookie"]:
        cookie.load(value)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode()).group(1)
    form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password, "next": ""})
    return request(PORT, "POST", "/dang-nhap/", body=form, headers={
        **PROXY, "Origin": origin, "Referer": f"https://{SITE_HOST}/dang-nhap/",
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie['csrftoken'].value}"})


def test_login_works_behind_the_proxy(site):
    status, headers, body = _login("canbo", PASSWORD)
    assert status == 302, body[:400]
    assert headers["location"] == ["/"]
    session = next(c for c in headers["set-cookie"] if c.startswith("sessionid="))
    assert "Secure" in session and "HttpOnly" in session


def test_a_foreign_origin_is_still_refused(site):
    status, _h, _b = _login("canbo", PASSWORD, origin="https://evil.example.com")
    assert status == 403


def test_readyz_with_a_live_consumer(site):
    deadline = time.monotonic() + 30
    while True:  # the consumer writes its heartbeat when it starts
        status, _h, body = request(PORT, "GET", "/readyz")
        report = json.loads(body)
        if status == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert status == 200, report
    assert {name: check["status"] for name, check in report["checks"].items()} == {
        "database": "ok", "queue": "ok", "storage": "ok", "consumer": "ok", "audit": "unknown"}
    assert report["checks"]["consumer"]["age_s"] < 60


def test_request_id_is_in_the_access_log_and_on_every_django_line(site):
    rid = "test-" + uuid.uuid4().hex
    status, headers, _ = request(PORT, "GET", "/no-such-page/", headers={**PROXY, "X-Request-ID": rid})
    assert status == 404 and headers["x-request-id"] == [rid]
    time.sleep(0.5)
    log = site["server"].output()
    assert f"rid={rid}" in log                                  # gunicorn's access line
    django_line = next((line for line in log.splitlines() if "Not Found: /no-such-page/" in line), "")
    assert re.search(rf"WARNING \[{rid}\] django.request Not Found", django_line), django_line
