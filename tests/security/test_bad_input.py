"""No page answers 500 to a user's input. tests/web/test_no_500.py throws junk at the dossier and
inbox forms; this covers every other URL generically (every pattern, every field name the views
read) plus targeted cases: impossible dates, negative and huge numbers, over-long text for
length-limited columns (PostgreSQL refuses those with an error, SQLite does not), unknown pks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import PDF
from tests.deadlines.helpers import at

from .test_access import PK_FACTORY
from .test_csrf import _urls

pytestmark = pytest.mark.django_db

JUNK = ["", "abc", "-1", "0", "99999999999999999999", "1.5", "2023-02-30", "1' OR '1'='1", "<script>x</script>",
        "\x00", "ü" * 5000]
FIELDS = ["kind", "unit", "full_name", "citizen_id", "birth_date", "position", "workplace", "achievement",
          "document_type", "nominee", "held_on", "members_total", "members_present", "score", "comment",
          "campaign", "award_form", "seen_status", "reason", "general_reason", "action", "dossier", "award",
          "number", "signed_on", "criterion", "passed", "text", "new_due_date", "day", "note", "next",
          "situation", "duties", "measures", "past_awards", "cccd", "page", "blank", "download", "status", "due",
          "sort", "q"]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_junk_everywhere_never_500(scene, time_machine):
    time_machine.move_to(at(2023, 12, 5, 9, 0), tick=False)        # inside the window: forms really run
    w = scene.w
    urls = list(_urls(scene))
    # POSTs that would end the scene's objects (revoke) go last so the rest see them alive.
    urls.sort(key=lambda item: item[0] in ("certificates:decision_revoke", "workflows:withdraw"))
    for name, url, rightful in urls:
        if name.startswith("admin:") or name in ("logout", "set_language"):
            continue
        if name == "readyz":  # 503 is its answer while no consumer runs (tests/ops/test_health.py)
            continue
        users = {w.admin.pk: w.admin, w.alice.pk: w.alice}
        if rightful:
            users[rightful(scene).pk] = rightful(scene)
        for user in users.values():
            client = _client(user)
            methods = PK_FACTORY[name][2] if name in PK_FACTORY else {"GET", "POST"}
            for junk in JUNK:
                data = {field: junk for field in FIELDS}
                data[f"vote_{scene.draft_nominee.pk}"] = junk
                if "GET" in methods:
                    response = client.get(url, data)
                    assert response.status_code < 500, (name, user.username, "GET", junk[:20])
                if "POST" in methods:
                    data["file"] = SimpleUploadedFile((junk[:20] or "x") + ".pdf", PDF)
                    response = client.post(url, data)
                    assert response.status_code < 500, (name, user.username, "POST", junk[:20])


@pytest.mark.parametrize("junk", ["x", "a" * 500, "<svg onload=alert(1)>", "%00", "../../etc/passwd"])
def test_verify_junk_token_is_404(junk, db):
    response = Client().get(f"/verify/{junk}/")
    assert response.status_code == 404


def test_targeted_bad_values(scene, time_machine):
    time_machine.move_to(at(2023, 12, 5, 9, 0), tick=False)
    s, w = scene, scene.w
    alice, henry, admin, chris = _client(w.alice), _client(w.henry), _client(w.admin), _client(w.chris)
    draft = s.draft.pk
    cases = [
        (alice, reverse("dossiers:nominee_add", args=[draft]),
         {"kind": "individual", "full_name": "Lê Văn A", "citizen_id": "020111111111", "birth_date": "2023-02-30"}),
        (alice, reverse("dossiers:nominee_add", args=[draft]),
         {"kind": "individual", "full_name": "Lê Văn A", "birth_date": "0001-01-01", "position": "p" * 5000}),
        (alice, reverse("dossiers:nominee_add", args=[draft]), {"kind": "collective", "unit": "987654"}),
        (alice, reverse("dossiers:nominee_add", args=[draft]), {"kind": "individual", "full_name": "x" * 5000,
                                                                  "citizen_id": "12345678901234567890"}),
        (alice, reverse("dossiers:council", args=[draft]),
         {"held_on": "2023-02-30", "members_total": "-5", "members_present": "-7",
          f"vote_{s.draft_nominee.pk}": "-3"}),
        (alice, reverse("dossiers:council", args=[draft]),
         {"held_on": "2023-12-01", "members_total": "9", "members_present": "8",
          f"vote_{s.draft_nominee.pk}": "99999999999999999999"}),
        (alice, reverse("dossiers:council", args=[draft]),
         {"held_on": "9999-12-31", "members_total": "1" * 30, "members_present": "8"}),
        (alice, reverse("dossiers:rate", args=[s.decided.pk]), {"score": "-1", "comment": "c" * 20000}),
        (alice, reverse("dossiers:rate", args=[s.decided.pk]), {"score": "6"}),
        (alice, reverse("workflows:create"), {"campaign": "-1", "award_form": "999999", "unit": "abc"}),
        (alice, reverse("workflows:create"),
         {"campaign": w.campaign.pk, "award_form": w.form.pk, "unit": w.other.pk}),    # another unit
        (henry, reverse("workflows:submit", args=[draft]), {"seen_status": "x" * 5000, "comment": "c" * 20000}),
        (alice, reverse("workflows:withdraw", args=[draft]), {"seen_status": "draft", "reason": ""}),
        (w.bob, reverse("workflows:review", args=[s.late.pk]),
         {"action": "return", "seen_status": "submitted", f"verdict_{s.late_document.pk}": "maybe",
          f"reason_{s.late_document.pk}": "r" * 20000, "verdict_99999999999999999999": "reject",
          "general_reason": "g" * 20000}),
        (w.bob, reverse("workflows:review", args=[s.late.pk]), {"action": "approve", "seen_status": "decided"}),
        (chris, reverse("workflows:decisions"),
         {"award_form": w.form.pk, "dossier": [str(s.decided.pk), "-1", "99999999999999999999"],
          "number": "n" * 500, "signed_on": "2023-02-30"}),
        (chris, reverse("certificates:decision_revoke", args=[s.decision.pk]), {"reason": ""}),
        (w.bob, reverse("deadlines:apology_issue", args=[s.task.pk]),
         {"reason": "r" * 20000, "new_due_date": "2023-02-30"}),
        (w.bob, reverse("deadlines:apology_issue", args=[s.task.pk]),
         {"reason": "Chờ ý kiến của Sở Tài chính.", "new_due_date": "1900-01-01"}),
        (w.bob, reverse("deadlines:explanation", args=[s.explanation.pk]), {"text": "t" * 100000}),
        (admin, reverse("deadlines:calendar"), {"day": "2023-02-30", "kind": "off", "note": "n"}),
        (admin, reverse("deadlines:calendar"), {"day": "2024-01-02", "kind": "off", "note": "n" * 300}),
        (admin, reverse("deadlines:calendar"), {"day": "99999-01-01", "kind": "off"}),
        (w.bob, reverse("criteria:override", args=[s.decided.pk]), {"nominee": "99999999999999999999",
                                                                    "reason": "Đủ dài để hợp lệ rồi."}),
        (w.bob, reverse("criteria:assess", args=[s.decided.pk]),
         {"nominee": s.person.pk, "criterion": "99999999999999999999", "passed": "1", "comment": "ok"}),
        (alice, reverse("criteria:report_draft", args=[s.decided.pk, s.person.pk]),
         {"situation": "s" * 100000, "duties": "", "measures": "\x00", "past_awards": "p"}),
        (w.bob, reverse("criteria:import"), {"campaign": w.campaign.pk, "note": "n" * 300,
                                             "file": SimpleUploadedFile("so-lieu.xlsx", b"PK\x03\x04junk")}),
        (w.bob, reverse("criteria:import"), {"campaign": w.campaign.pk,
                                             "file": SimpleUploadedFile("so-lieu.csv", "ma,giá trị\n\xff,-1\n"
                                                                        .encode("latin-1", "replace"))}),
    ]
    for client, url, data in cases:
        if not isinstance(client, Client):
            client = _client(client)
        response = client.post(url, data)
        assert response.status_code < 500, (url, {k: str(v)[:30] for k, v in data.items()}, response.status_code)
    # a GET with junk the views read
    response = chris.get(reverse("certificates:certificates_pdf", args=[s.decision.pk]), {"blank": "2"})
    assert response.status_code < 500
    response = alice.get(reverse("dossiers:person_lookup", args=[draft]), {"cccd": "0" * 5000})
    assert response.status_code == 200 and response.json() == {"found": False}


def test_oversized_requests_are_400(scene):
    client = _client(scene.w.alice)
    url = reverse("dossiers:nominee_add", args=[scene.draft.pk])
    response = client.post(url, {f"f{i}": "x" for i in range(1500)})           # > DATA_UPLOAD_MAX_NUMBER_FIELDS
    assert response.status_code == 400
    response = client.post(url, {"full_name": "x" * (3 * 1024 * 1024)})        # > DATA_UPLOAD_MAX_MEMORY_SIZE
    assert response.status_code == 400
