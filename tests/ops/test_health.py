"""/healthz and /readyz in-process: each check's answer, 503 when one fails. (The same endpoints with a
real gunicorn and a real consumer: test_serving.py; with the queue's server down: test_processes.py.)"""

import datetime as dt

import pytest

from ops import status

pytestmark = pytest.mark.django_db


def checks(response):
    return {name: check["status"] for name, check in response.json()["checks"].items()}


def test_healthz_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_needs_a_consumer_heartbeat(client, huey_immediate):
    huey_immediate.storage.flush_results()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert checks(response) == {"database": "ok", "queue": "ok", "storage": "ok", "consumer": "fail",
                                "audit": "unknown"}
    assert response.json()["checks"]["consumer"]["error"] == "no consumer heartbeat yet"
    status.beat()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_a_stale_heartbeat_is_not_ready(client, time_machine, settings):
    settings.CONSUMER_HEARTBEAT_MAX_AGE = 180
    time_machine.move_to(dt.datetime(2024, 3, 4, 8, 0, tzinfo=dt.timezone.utc), tick=False)
    status.beat()
    time_machine.move_to(dt.datetime(2024, 3, 4, 8, 2, tzinfo=dt.timezone.utc), tick=False)
    assert client.get("/readyz").status_code == 200
    time_machine.move_to(dt.datetime(2024, 3, 4, 8, 4, tzinfo=dt.timezone.utc), tick=False)
    response = client.get("/readyz")
    assert response.status_code == 503 and "240 s ago" in response.json()["checks"]["consumer"]["error"]


def test_the_periodic_heartbeat_task_writes_it(client):
    from ops.tasks import consumer_heartbeat

    consumer_heartbeat.call_local()
    beat = status.last_beat()
    assert beat and beat["pid"]
    assert client.get("/readyz").status_code == 200


def test_the_last_audit_check_shows_and_a_failed_one_is_not_ready(client):
    status.beat()
    status.record("audit", ok=True, detail="1204 events, chain intact")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["audit"]["detail"] == "1204 events, chain intact"
    status.record("audit", ok=False, detail="dossiers_dossierevent #17 altered")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["audit"] == {**response.json()["checks"]["audit"], "status": "fail",
                                                   "error": "dossiers_dossierevent #17 altered"}


def test_storage_that_cannot_write_is_not_ready(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"          # below a file: every write fails
    status.beat()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert checks(response)["storage"] == "fail" and checks(response)["database"] == "ok"
    assert "not-a-folder" not in response.content.decode()   # the kind of error, no paths


def test_a_probe_leaves_no_file(client, settings):
    from django.core.files.storage import default_storage

    from ops.backup import stored_files

    status.beat()
    assert client.get("/readyz").status_code == 200
    assert list(stored_files(default_storage)) == []
