"""Content-Security-Policy: scripts only from our static files. No template may carry an inline
<script> or an inline event handler (they would be blocked in the browser), and pages send the policy."""

import re
from pathlib import Path

import pytest
from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Templates rendered to PDF by WeasyPrint (never by a browser) may carry <style>; none has scripts.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)


def test_no_template_has_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER):
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                offenders.append(f"{path.relative_to(TEMPLATES)}:{line}: {match.group(0)}")
    assert not offenders, "inline script in templates (move it to static/js):\n" + "\n".join(offenders)


@pytest.mark.django_db
def test_pages_send_a_policy_without_inline_script(client):
    response = client.get("/dang-nhap/")
    policy = response["Content-Security-Policy"]
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Request-ID"]


def test_document_preview_may_be_framed_by_our_pages_only(world, in_window, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dossiers.services import document_upload
    from tests.conftest import PDF
    from workflows import services

    w = world
    dossier = services.dossier_create(campaign=w.campaign, award_form=w.form, unit=w.unit, actor=w.alice)
    document = document_upload(dossier=dossier, actor=w.alice, file=SimpleUploadedFile("to-trinh.pdf", PDF),
                               document_type=w.types["to-trinh"])
    client.force_login(w.alice)
    response = client.get(f"/tai-lieu/{document.pk}/")
    assert response.status_code == 200
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
