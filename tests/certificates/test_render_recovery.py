"""Rendering that is resumable and honest (issue 9.4, 18.6): states queued / rendering x of y /
retrying / failed (with the reason) / done; a stalled render is re-queued by the sweeper; a render
worker killed with SIGKILL fails the attempt at once (a real process, not a mock) and the retry
renders only the missing chunks; "In lại" acts at once."""

import datetime as dt
import io
import os
import signal
import time
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates import rendering, services, tasks
from certificates.models import Decision, RenderStatus
from certificates.services import RENDER_KIND
from dossiers.errors import InvalidState
from outbox import services as outbox
from outbox.models import OutboxMessage

from .conftest import decided_dossier, issue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.OUTBOX_KICK = False                 # passes are run by hand
    settings.CERTIFICATES_RENDER_INLINE = True   # the handler renders in this process


@pytest.fixture
def many(world, in_window):
    """A decision of 8 certificates (collective + 7 people), not rendered yet."""
    dossier = decided_dossier(world, individuals=[{"full_name": f"Trần Thị Lan {i}", "position": "Chuyên viên"}
                                                  for i in range(7)])
    return issue(world, dossier)


def register_counts(decision) -> list[int]:
    """How many times each certificate of the decision is in the batch PDF."""
    with decision.certificates_pdf.open("rb") as handle:
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages]
    return [sum(f"Số sổ vàng: {c.register_code}" in text for text in pages)
            for c in decision.certificates.order_by("serial")]


def status_of(client, decision) -> dict:
    return client.get(reverse("certificates:decision_status", args=[decision.pk])).json()


def pool_workers() -> list[int]:
    """The live render worker processes: children of multiprocessing's forkserver (started by this test
    process), zombies excluded."""
    from multiprocessing import forkserver

    server = forkserver._forkserver._forkserver_pid
    found = []
    for task in Path(f"/proc/{server}/task").glob("*"):
        for pid in (task / "children").read_text().split():
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state not in {"Z", "X"}:
                found.append(int(pid))
    return found


def test_a_killed_render_worker_fails_the_attempt_at_once_and_the_retry_renders_only_what_is_missing(
        many, settings, monkeypatch, client, world):
    settings.CERTIFICATES_RENDER_CHUNK_SIZE = 2                  # 4 chunks over 2 worker processes
    real_store, killed = tasks._store_part, []

    def store_then_kill(decision_id, index, rendered):
        real_store(decision_id, index, rendered)
        if not killed:                                           # what the OOM killer does
            victim = pool_workers()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    monkeypatch.setattr(tasks, "_store_part", store_then_kill)
    OutboxMessage.objects.update(delivered_at=timezone.now())   # handed to the consumer, which runs:
    started = time.monotonic()
    with pytest.raises(rendering.RenderWorkerLost):
        tasks.render_decision(many.pk, workers=2)
    failed_after = time.monotonic() - started
    assert killed and failed_after < 60                          # failed, never hung
    many.refresh_from_db()
    assert many.render_status == RenderStatus.RETRYING and "dừng đột ngột" in many.render_error
    assert many.render_done >= 2 and many.render_parts["done"]
    stored = list(many.render_parts["done"])
    retry = OutboxMessage.objects.get(kind=RENDER_KIND, delivered_at__isnull=True)
    assert retry.available_at > timezone.now()                   # after a pause, by itself
    client.force_login(world.chris)
    status = status_of(client, many)
    assert status["label"] == "Đang thử in lại" and "dừng giữa chừng" in status["detail"]

    rendered_chunks = []
    real_run = rendering.run_chunks
    monkeypatch.setattr(rendering, "run_chunks",
                        lambda jobs, **kw: (rendered_chunks.append(len(jobs)), real_run(jobs, **kw))[1])
    monkeypatch.setattr(tasks, "_store_part", real_store)
    OutboxMessage.objects.filter(pk=retry.pk).update(available_at=timezone.now())
    assert outbox.dispatch().delivered == 1
    many.refresh_from_db()
    assert many.render_status == RenderStatus.DONE and many.render_attempts == 2
    assert rendered_chunks == [4 - len(stored)]                  # only the missing chunks
    assert register_counts(many) == [1] * 8                      # every certificate exactly once
    print(f"\nrender_worker_killed_failed_after_s: {failed_after:.1f}")


def test_a_stalled_render_is_requeued_by_the_sweeper_and_the_page_says_so(many, client, world):
    stale = timezone.now() - dt.timedelta(minutes=5)
    Decision.objects.filter(pk=many.pk).update(render_status=RenderStatus.RUNNING, render_done=4,
                                               render_started_at=stale, render_heartbeat_at=stale,
                                               render_worker="elsewhere:1", render_token="old")
    OutboxMessage.objects.all().delete()                         # the job was lost with its consumer
    client.force_login(world.chris)
    status = status_of(client, many)
    assert status["status"] == "running" and "không phản hồi" in status["detail"]
    assert tasks.sweep_stalled_renders() == 1
    many.refresh_from_db()
    assert many.render_status == RenderStatus.RETRYING and "không còn phản hồi" in many.render_error
    OutboxMessage.objects.filter(kind=RENDER_KIND).update(available_at=timezone.now())
    outbox.dispatch()
    many.refresh_from_db()
    assert many.render_status == RenderStatus.DONE and register_counts(many) == [1] * 8


def test_a_render_whose_process_is_gone_is_requeued_without_waiting(many):
    import subprocess

    dead = subprocess.Popen(["true"])
    dead.wait()
    Decision.objects.filter(pk=many.pk).update(render_status=RenderStatus.RUNNING, render_started_at=timezone.now(),
                                               render_heartbeat_at=timezone.now(), render_token="old",
                                               render_worker=f"{os.uname().nodename}:{dead.pid}")
    assert tasks.sweep_stalled_renders() == 1                    # heartbeat fresh, but its process is dead
    assert Decision.objects.get(pk=many.pk).render_status == RenderStatus.RETRYING


def test_an_alive_render_is_left_alone(many):
    Decision.objects.filter(pk=many.pk).update(render_status=RenderStatus.RUNNING, render_started_at=timezone.now(),
                                               render_heartbeat_at=timezone.now(), render_token="theirs",
                                               render_worker=f"{os.uname().nodename}:{os.getpid()}")
    assert tasks.sweep_stalled_renders() == 0
    assert tasks.render_decision(many.pk).render_status == RenderStatus.RUNNING   # not taken over
    with pytest.raises(InvalidState, match="đang được in"):
        services.decision_rerender(decision=many, actor=many.signer)


def test_after_the_last_attempt_the_decision_shows_failed_with_the_reason(many, settings, monkeypatch, client,
                                                                         world):
    settings.CERTIFICATES_RENDER_MAX_ATTEMPTS = 2
    monkeypatch.setattr(rendering, "_render_chunk", lambda job: (_ for _ in ()).throw(OSError("No space left")))
    for _ in range(2):
        OutboxMessage.objects.filter(kind=RENDER_KIND).update(available_at=timezone.now())
        outbox.dispatch()
    many.refresh_from_db()
    assert many.render_status == RenderStatus.FAILED and many.render_attempts == 2
    assert not OutboxMessage.objects.filter(kind=RENDER_KIND, delivered_at__isnull=True).exists()
    client.force_login(world.chris)
    page = client.get(reverse("certificates:decision", args=[many.pk])).content.decode()
    assert "In bị lỗi sau 2 lần thử: OSError: No space left" in page
    # "In lại" acts at once: a new message due now, the attempts counted again
    monkeypatch.undo()
    response = client.post(reverse("certificates:decision_rerender", args=[many.pk]))
    assert response.status_code == 302
    message = OutboxMessage.objects.get(kind=RENDER_KIND, delivered_at__isnull=True)
    assert message.available_at <= timezone.now()
    many.refresh_from_db()
    assert many.render_status == RenderStatus.PENDING and many.render_attempts == 0
    outbox.dispatch()
    many.refresh_from_db()
    assert many.render_status == RenderStatus.DONE and register_counts(many) == [1] * 8


def test_rerender_of_a_retrying_render_brings_the_retry_forward(many, monkeypatch):
    monkeypatch.setattr(rendering, "_render_chunk", lambda job: (_ for _ in ()).throw(OSError("boom")))
    outbox.dispatch()
    retry = OutboxMessage.objects.get(kind=RENDER_KIND, delivered_at__isnull=True)
    assert retry.available_at > timezone.now()
    monkeypatch.undo()
    services.decision_rerender(decision=many, actor=many.signer)
    again = OutboxMessage.objects.get(kind=RENDER_KIND, delivered_at__isnull=True)
    assert again.pk == retry.pk and again.available_at <= timezone.now()
    outbox.dispatch()
    assert Decision.objects.get(pk=many.pk).render_status == RenderStatus.DONE


def test_queue_down_is_said_on_the_page(many, settings, client, world, monkeypatch, huey_immediate):
    settings.CERTIFICATES_RENDER_INLINE = False
    monkeypatch.setattr(tasks, "render_decision_job",
                        lambda *a: (_ for _ in ()).throw(ConnectionError("Error 111 connecting to 127.0.0.1:8121")))
    outbox.dispatch()
    client.force_login(world.chris)
    status = status_of(client, many)
    assert status["status"] == "pending" and "Hàng đợi in chưa sẵn sàng" in status["detail"]
