"""Faults that are processes, with real processes (PostgreSQL + Redis; issue 9.9):

- a Huey consumer (`manage.py run_huey`, a real process) killed with SIGKILL mid-render; on restart the
  render resumes and finishes, every certificate exactly once;
- the queue unreachable (REDIS_URL to a closed port) during a return, a resubmit and a decision
  signing: each action is reported done (302, never 500), and its jobs are delivered once a real
  redis-server is started on that port.

Sizes come from the environment, so the same test gives the issue's figure by hand:
RECOVERY_CERTIFICATES=250 RECOVERY_KILL_AT=100 RECOVERY_CHUNK=50 (defaults 40 / 15 / 5, to stay short)."""

import datetime as dt
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.storage import PriorityRedisStorage

from certificates.models import Decision, RenderStatus
from certificates.services import RENDER_KIND
from dossiers.models import DossierStatus
from outbox import services as outbox
from outbox.models import OutboxMessage
from workflows import services as flow
from workflows.walk import Actors, add_nominees, walk

from .conftest import decided_dossier, issue
from .test_render_recovery import register_counts

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="real consumer processes need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
ROOT = Path(django_settings.BASE_DIR)
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/2")
CLOSED_PORT = int(os.environ.get("TEST_CLOSED_REDIS_PORT", "8121"))


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class Processes:
    """Processes started by one test, each in its own session; all ended (by id) afterwards."""

    def __init__(self, media_root: Path, queue_url: str, queue_name: str, chunk: int):
        self.started, self.media_root, self.queue_url, self.queue_name, self.chunk = [], media_root, queue_url, \
            queue_name, chunk

    def env(self) -> dict:
        db = connection.settings_dict
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        return {**os.environ, "DJANGO_DEBUG": "1", "DATABASE_URL": url, "REDIS_URL": self.queue_url,
                "HUEY_NAME": self.queue_name, "MEDIA_ROOT": str(self.media_root),
                "CERTIFICATES_RENDER_CHUNK_SIZE": str(self.chunk), "CERTIFICATES_RENDER_WORKERS": "2",
                "CERTIFICATES_RENDER_HEARTBEAT_SECONDS": "2", "PYTHONUNBUFFERED": "1"}

    def consumer(self, log: Path) -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "manage.py", "run_huey"], cwd=ROOT, env=self.env(),
                                   stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append(process)
        return process

    def redis(self, port: int) -> subprocess.Popen:
        process = subprocess.Popen([shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
                                    "--save", "", "--appendonly", "no"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.started.append(process)
        wait_for(lambda: _listening(port), 10, f"redis-server on {port}")
        return process

    def end(self):
        for process in self.started:
            try:
                os.killpg(process.pid, signal.SIGKILL)   # the process and its render workers, by group id
            except ProcessLookupError:
                pass
            process.wait(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def processes(settings, tmp_path, huey_immediate):
    settings.OUTBOX_KICK = False
    settings.CERTIFICATES_RENDER_INLINE = False
    original = HUEY.storage

    def use_queue(url: str, chunk: int = 5) -> Processes:
        name = f"kt-test-{uuid.uuid4().hex[:12]}"
        HUEY.immediate = False
        HUEY.storage = PriorityRedisStorage(name=name, url=url)
        started.append(Processes(Path(settings.MEDIA_ROOT), url, name, chunk))
        return started[-1]

    started = []
    yield use_queue
    for group in started:
        group.end()
    try:
        HUEY.storage.flush_all()
    except Exception:  # noqa: BLE001 — the queue may be the closed port
        pass
    HUEY.storage = original
    HUEY.immediate = True


def real_time(time_machine):
    """The dossier was built inside the 2023 window; the consumers run on the real clock."""
    time_machine.move_to(dt.datetime.now(tz=dt.timezone.utc), tick=True)


def test_consumer_killed_mid_render_resumes_on_restart(world, in_window, time_machine, processes, tmp_path):
    total = int(os.environ.get("RECOVERY_CERTIFICATES", "200"))
    kill_at = int(os.environ.get("RECOVERY_KILL_AT", "10"))
    chunk = int(os.environ.get("RECOVERY_CHUNK", "5"))
    dossier = decided_dossier(world, individuals=[{"full_name": f"Lê Văn Hùng {i:03d}", "position": "Chuyên viên"}
                                                  for i in range(total - 1)])
    decision = issue(world, dossier)
    real_time(time_machine)
    group = processes(REDIS, chunk)
    log = tmp_path / "consumers.log"
    first = group.consumer(log)
    assert outbox.dispatch().delivered >= 1                      # handed to the real queue
    done = wait_for(lambda: Decision.objects.filter(pk=decision.pk, render_done__gte=kill_at)
                    .values_list("render_done", flat=True).first(), 120, f"{kill_at} certificates rendered")
    os.kill(first.pid, signal.SIGKILL)                           # kill -9 of the consumer mid-render
    first.wait(timeout=10)
    killed_at = Decision.objects.get(pk=decision.pk).render_done
    assert HUEY.pending_count() == 0                             # the job is gone from the queue
    stuck = Decision.objects.get(pk=decision.pk)
    assert stuck.render_status == RenderStatus.RUNNING and killed_at < total
    client = Client()
    client.force_login(world.chris)
    status = client.get(reverse("certificates:decision_status", args=[decision.pk])).json()
    assert "không phản hồi" in status["detail"]                  # honest: not "printing…" forever

    restarted = time.monotonic()
    group.consumer(log)                                          # restart
    wait_for(lambda: Decision.objects.filter(pk=decision.pk, render_status__in=[RenderStatus.DONE,
                                                                                RenderStatus.FAILED]).exists(),
             180, "the render to finish after the restart")
    elapsed = time.monotonic() - restarted
    decision.refresh_from_db()
    assert decision.render_status == RenderStatus.DONE, decision.render_error
    counts = register_counts(decision)
    doubled = sum(c - 1 for c in counts if c > 1)
    assert len(counts) == total and counts == [1] * total, counts
    assert decision.render_attempts == 2
    print(f"\nconsumer killed at {killed_at}/{total} → finished {sum(counts)}/{total}, {doubled} doubled, "
          f"in {elapsed:.1f} s after restart (first saw {done})")


def test_queue_unreachable_actions_are_done_and_jobs_delivered_when_it_is_back(world, in_window, time_machine,
                                                                               processes, settings, tmp_path):
    assert not _listening(CLOSED_PORT), f"port {CLOSED_PORT} must be closed for this test"
    group = processes(f"redis://127.0.0.1:{CLOSED_PORT}/0")
    settings.OUTBOX_KICK = True                                  # the real kick, which fails: queue down
    for user in (world.alice, world.henry, world.bob, world.chris):
        user.email = f"{user.username}@example.vn"
        user.save(update_fields=["email"])
    team = Actors(officer=world.alice, head=world.henry, appraiser=world.bob, home_affairs=world.nora,
                  chairman=world.chris)
    dossier = flow.dossier_create(campaign=world.campaign, award_form=world.form, unit=world.unit, actor=world.alice)
    add_nominees(dossier, world.alice, collectives=[world.unit], individuals=[{"full_name": "Vi Thị Hoa"}])
    dossier = walk(dossier, team, until=DossierStatus.SUBMITTED)
    bob, alice, chris = Client(), Client(), Client()
    bob.force_login(world.bob)
    alice.force_login(world.alice)
    chris.force_login(world.chris)

    returned = bob.post(reverse("workflows:review", args=[dossier.pk]),
                        {"action": "return", "seen_status": dossier.status, "general_reason": "Bổ sung số liệu"})
    resubmitted = alice.post(reverse("workflows:resubmit", args=[dossier.pk]),
                             {"seen_status": "returned", "reply_0": "Đã bổ sung số liệu theo yêu cầu."})
    dossier = walk(dossier.__class__.objects.get(pk=dossier.pk), team, until=DossierStatus.AWAITING_DECISION)
    signed = chris.post(reverse("workflows:decisions"), {
        "award_form": world.form.pk, "dossier": [dossier.pk], "award": list(dossier.nominees.values_list("pk", flat=True)),
        "number": "77/QĐ-UBND", "signed_on": "2023-12-05", "action": "sign"})
    assert [r.status_code for r in (returned, resubmitted, signed)] == [302, 302, 302]
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DECIDED
    decision = Decision.objects.get(number="77/QĐ-UBND")
    pending = set(OutboxMessage.objects.filter(delivered_at__isnull=True).values_list("kind", flat=True))
    assert {"notifications.email", RENDER_KIND} <= pending

    mail.outbox.clear()
    outbox.dispatch()                                            # a pass while the queue is still down
    assert mail.outbox                                           # e-mails need no queue: sent
    render = OutboxMessage.objects.get(kind=RENDER_KIND, delivered_at__isnull=True)
    assert "Connection" in render.last_error or "Error" in render.last_error
    status = chris.get(reverse("certificates:decision_status", args=[decision.pk])).json()
    assert status["status"] == "pending" and "chưa sẵn sàng" in status["detail"]

    real_time(time_machine)
    group.redis(CLOSED_PORT)                                     # the queue is back
    back = time.monotonic()
    group.consumer(tmp_path / "consumer.log")
    OutboxMessage.objects.filter(pk=render.pk).update(available_at=timezone.now())  # its retry is due
    wait_for(lambda: outbox.dispatch().delivered or OutboxMessage.objects.filter(pk=render.pk,
                                                                                 delivered_at__isnull=False).exists(),
             60, "the render job to be handed to the queue")
    wait_for(lambda: Decision.objects.filter(pk=decision.pk, render_status=RenderStatus.DONE).exists(), 120,
             "the decision to be rendered")
    assert not OutboxMessage.objects.filter(delivered_at__isnull=True).exists()
    decision.refresh_from_db()
    assert register_counts(decision) == [1] * decision.certificates.count()
    print(f"\nqueue down: return/resubmit/sign answered 302/302/302; render done {time.monotonic() - back:.1f} s "
          f"after the queue came back")
