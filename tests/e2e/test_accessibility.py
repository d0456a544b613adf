"""WCAG 2.1 AA in the suite (issue 16): axe-core on every main page for every role, in Vietnamese and in
English, at desktop width; the same pages at 320 CSS px must not scroll sideways (1.4.10 reflow).

Fails on any serious or critical axe violation and on any moderate one outside the small accepted baseline
(tests/e2e/a11y.py ACCEPTED_MODERATE). With A11Y_SHOTS=1, screenshots of each page at 320 px land in
tests/e2e/screenshots/ (a11y-320-*.png) for a person to look at (off by default: they cost time)."""

import os
import time

import pytest
from playwright.sync_api import expect

from .a11y import Dossiers, axe_violations, blocking, overflow, widest
from .conftest import PASSWORD, SHOTS, login

pytestmark = pytest.mark.e2e
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 640}
SHOTS_WANTED = os.environ.get("A11Y_SHOTS") == "1"
TIMES = {"axe": 0.0, "reflow": 0.0}


def pages_by_role(d):
    """(role's username or None, page name, path, action or None) — every main page each role uses."""
    p = d.p
    return {
        None: [("login", "/dang-nhap/"), ("statement", "/kha-nang-tiep-can/"), ("register", "/so-khen-thuong/"),
               ("verify", f"/verify/{d.decision.certificates.first().token}/")],
        "canbo_tuphap": [
            ("home-officer", "/"), ("dossier-preparing", f"/ho-so/{d.preparing.pk}/"),
            ("dossier-returned", f"/ho-so/{d.returned.pk}/"), ("dossier-decided", f"/ho-so/{d.decided.pk}/"),
            ("dossier-print", f"/ho-so/{d.preparing.pk}/ban-in/"), ("notifications", "/thong-bao/"),
            ("dashboard", "/thong-ke/")],
        "giamdoc_tuphap": [("home-head", "/"), ("dossier-complete", f"/ho-so/{d.complete.pk}/"),
                           ("deadlines-head", "/han-xu-ly/")],
        "thamdinh_tttt": [("home-appraiser", "/"), ("inbox-appraiser", "/viec-can-lam/"),
                          ("review-appraiser", f"/ho-so/{d.submitted.pk}/tham-dinh/"),
                          ("criteria-campaigns", "/tieu-chi/"),
                          ("criteria-reports", f"/tieu-chi/dot/{p.campaign.pk}/bao-cao/"),
                          ("criteria-dossier", f"/tieu-chi/ho-so/{d.submitted.pk}/")],
        "chuyenvien_noivu": [("inbox-home-affairs", "/viec-can-lam/"),
                             ("review-home-affairs", f"/ho-so/{d.appraised.pk}/tham-dinh/"),
                             ("deadlines-home-affairs", "/han-xu-ly/")],
        "phochutich": [("home-chairman", "/"), ("decisions", "/quyet-dinh/"),
                       ("decision", f"/quyet-dinh/{d.decision.pk}/"),
                       ("dossier-awaiting", f"/ho-so/{d.awaiting.pk}/")],
    }


def refusals(d):
    """Pages as they come back after a refused action: (role, name, path, button to press)."""
    return [("canbo_tuphap", "refused-complete", f"/ho-so/{d.preparing.pk}/", "#btn-complete"),
            ("thamdinh_tttt", "refused-return", f"/ho-so/{d.submitted.pk}/tham-dinh/", "#btn-return")]


def audit(page, name, language, found, overflows):
    started = time.monotonic()
    for violation in blocking(axe_violations(page)):
        found.append(f"[{language}] {name}: {violation['id']} ({violation['impact']}) {violation['help']} "
                     f"→ {violation['nodes']}")
    TIMES["axe"] += time.monotonic() - started
    started = time.monotonic()
    page.set_viewport_size(NARROW)
    if SHOTS_WANTED and language == "vi":
        page.screenshot(path=str(SHOTS / f"a11y-320-{name}.png"), full_page=True)
    extra = overflow(page)
    if extra > 0:
        overflows.append(f"[{language}] {name}: {extra}px wider than 320 → {widest(page)}")
    page.set_viewport_size(DESKTOP)
    TIMES["reflow"] += time.monotonic() - started


def test_every_page_every_role_axe_and_reflow(browser, live_server, province, settings, tmp_path):
    """One set of dossiers, every role's pages in Vietnamese then in English (one browser, a context each)."""
    settings.CERTIFICATES_SIGNING_DIR = tmp_path / "signing"
    d = Dossiers(province)
    base = live_server.url
    found, overflows, seen = [], [], 0
    for language in ("vi", "en"):
        for username, pages in pages_by_role(d).items():
            seen += audit_role(browser, base, d, username, pages, language, found, overflows)
    print(f"\naxe + reflow: {seen} page states (Vietnamese and English); axe {TIMES['axe']:.1f} s, "
          f"reflow {TIMES['reflow']:.1f} s")
    assert not found and not overflows, ("axe violations:\n" + "\n".join(found) +
                                         "\npages scrolling sideways at 320 px:\n" + "\n".join(overflows))


def audit_role(browser, base, d, username, pages, language, found, overflows) -> int:
    context = browser.new_context(viewport=DESKTOP, bypass_csp=True, locale="vi-VN")
    context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    context.set_default_timeout(10_000)
    page = context.new_page()
    seen = 0
    if username:
        login(page, base, username)
    for name, path in pages:
        response = page.goto(base + path)
        assert response.status == 200, f"{name} {path}: {response.status}"
        expect(page.locator("html")).to_have_attribute("lang", language)
        audit(page, name, language, found, overflows)
        seen += 1
    if username is None:  # a refused login
        page.goto(base + "/dang-nhap/")
        page.fill("#id_username", "canbo_tuphap")
        page.fill("#id_password", PASSWORD + "-sai")
        page.click("main button[type=submit]")
        expect(page.locator(".alert-error")).to_be_visible()
        audit(page, "login-refused", language, found, overflows)
        seen += 1
    for role, name, path, button in refusals(d):
        if role != username:
            continue
        page.goto(base + path)
        page.click(button)
        expect(page.locator("#page-error")).to_be_visible()
        audit(page, name, language, found, overflows)
        seen += 1
    context.close()
    return seen
