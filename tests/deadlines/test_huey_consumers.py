"""Real Huey consumers (not immediate mode) run the project's own jobs: against Redis on
127.0.0.1:6379 with two consumers sharing one queue, and against SQLite storage in a temporary
file. Each test uses a queue name of its own, so parallel runs never share a queue.

On SQLite the test database is pytest-django's in-memory shared-cache database, which fails
("database table is locked") instead of waiting when two threads touch it at once; there the jobs
take turns through a lock held around each job (a file database in WAL mode, as in `make run`,
waits instead). On PostgreSQL they run truly concurrently, which is what the idempotency needs."""

import signal
import threading
import time
import uuid

import pytest
from django.core import mail
from django.db import connection, connections
from huey.contrib.djhuey import HUEY
from huey.storage import RedisStorage, SqliteStorage

from dossiers.models import Step
from workflows import tasks
from workflows.models import ApologyLetter, DeadlineAlert, Notification, NotificationKind

from .helpers import at, open_task, set_lead, submitted_dossier

pytestmark = pytest.mark.django_db(transaction=True)
REDIS_URL = "redis://127.0.0.1:6379/0"
SQLITE_TURNS = threading.RLock()


def _db_turn():
    return SQLITE_TURNS if connection.vendor == "sqlite" else _NoLock()


class _NoLock:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.fixture
def live_queue(huey_immediate):
    """Switch the project's Huey to a real storage; start consumers; restore everything after."""
    consumers, handlers = [], {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    original_storage = HUEY.storage
    serialize = connection.vendor == "sqlite"

    def before(task):
        if serialize:
            SQLITE_TURNS.acquire()

    def after(task, result, exc):
        connections.close_all()  # the worker thread's connection must not outlive the test database
        if serialize:
            SQLITE_TURNS.release()

    HUEY.pre_execute(name="test-turns")(before)
    HUEY.post_execute(name="test-turns")(after)

    def use(storage, count=1):
        HUEY.immediate = False
        HUEY.storage = storage
        for _ in range(count):
            consumer = HUEY.create_consumer(workers=2, worker_type="thread", periodic=False, initial_delay=0.05,
                                            max_delay=0.2, check_worker_health=False)
            consumer.start()
            consumers.append(consumer)
        return storage

    yield use
    for consumer in consumers:
        consumer.stop(graceful=True)
    for sig, handler in handlers.items():
        signal.signal(sig, handler)
    HUEY.unregister_pre_execute("test-turns")
    HUEY.unregister_post_execute("test-turns")
    try:
        HUEY.storage.flush_all()
    finally:
        HUEY.storage = original_storage
        HUEY.immediate = True


def wait_until(condition, timeout=60.0):
    """Wait for the consumers (real threads, real queue) to finish; the clock itself is controlled."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with _db_turn():
            if condition():
                return True
        time.sleep(0.05)
    with _db_turn():
        return condition()


def overdue_setup(world, time_machine):
    set_lead(world, Step.APPRAISAL, 3)
    dossier = submitted_dossier(world, time_machine, at(2023, 12, 6, 10, 0))
    time_machine.move_to(at(2023, 12, 12, 0, 10), tick=True)            # just after the due day
    return dossier, open_task(dossier)


def settled(task):
    def check():
        letter = ApologyLetter.objects.filter(task=task).first()
        return (DeadlineAlert.objects.filter(task=task, delivered_at__isnull=False).count() == 1
                and letter is not None and bool(letter.pdf)
                and Notification.objects.filter(emailed_at__isnull=True).count() == 0 and HUEY.pending_count() == 0)
    return check


def assert_sent_once(world, task):
    assert DeadlineAlert.objects.filter(task=task).count() == 1
    assert Notification.objects.filter(kind=NotificationKind.ESCALATION).count() == 1
    assert Notification.objects.filter(kind=NotificationKind.EXPLANATION, user=world.bob).count() == 1
    assert sorted(Notification.objects.filter(kind=NotificationKind.APOLOGY).values_list("user__username", flat=True)) \
        == ["alice", "henry"]
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["alice@example.vn", "bob@example.vn", "henry@example.vn", "sam@example.vn"]


def test_two_redis_consumers_send_each_reminder_once(province, time_machine, live_queue):
    dossier, task = overdue_setup(province, time_machine)
    storage = live_queue(RedisStorage(name=f"kt-test-{uuid.uuid4().hex}", url=REDIS_URL), count=2)
    assert storage.conn.ping()
    for _ in range(4):                                                  # four scans queued at once
        tasks.deadline_scan()
    assert wait_until(settled(task)), "the consumers did not finish in time"
    with _db_turn():    # an outbox pass kicked by the last commit may still be running
        assert_sent_once(province, task)


def test_sqlite_storage_consumer_runs_scan_and_renders_letter(province, time_machine, live_queue, tmp_path):
    dossier, task = overdue_setup(province, time_machine)
    live_queue(SqliteStorage(name=f"kt-test-{uuid.uuid4().hex}", filename=str(tmp_path / "huey.sqlite3")))
    tasks.deadline_scan()
    tasks.deadline_scan()
    assert wait_until(settled(task)), "the consumer did not finish in time"
    with _db_turn():
        assert_sent_once(province, task)
        assert ApologyLetter.objects.get(task=task).pdf.read().startswith(b"%PDF")
