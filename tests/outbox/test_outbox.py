"""The outbox: rows written with the action, delivered by the dispatcher, retried until done."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

import outbox
from outbox import registry, services
from outbox.models import OutboxMessage

pytestmark = pytest.mark.django_db
CALLS = []


@outbox.handler("test.record")
def _record(payload):
    CALLS.append(payload)


@outbox.handler("test.flaky")
def _flaky(payload):
    CALLS.append(payload)
    if len(CALLS) < 3:
        raise ConnectionError("queue down")


@pytest.fixture(autouse=True)
def _clean(settings):
    settings.OUTBOX_KICK = False
    CALLS.clear()


def test_a_rolled_back_action_leaves_no_message():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue(kind="test.record", payload={"n": 1})
        raise RuntimeError
    assert not OutboxMessage.objects.exists()


def test_dispatch_delivers_once_and_marks_delivered():
    message = outbox.enqueue(kind="test.record", payload={"n": 1})
    assert str(services.dispatch()) == "delivered=1 failed=0 swept=0"
    assert CALLS == [{"n": 1}]
    message.refresh_from_db()
    assert message.delivered_at is not None and message.attempts == 1
    assert services.dispatch().delivered == 0 and CALLS == [{"n": 1}]


def test_a_failing_handler_is_retried_with_backoff_until_it_succeeds(time_machine):
    time_machine.move_to(dt.datetime(2024, 1, 2, 3, 0, tzinfo=dt.timezone.utc), tick=False)
    message = outbox.enqueue(kind="test.flaky", payload={"n": 2})
    assert services.dispatch().failed == 1
    message.refresh_from_db()
    assert message.delivered_at is None and message.attempts == 1 and "ConnectionError: queue down" in message.last_error
    assert message.available_at == timezone.now() + dt.timedelta(seconds=5)
    assert services.dispatch().delivered == 0                  # not due yet: nothing is hammered
    time_machine.shift(dt.timedelta(seconds=5))
    assert services.dispatch().failed == 1
    message.refresh_from_db()
    assert message.available_at == timezone.now() + dt.timedelta(seconds=10)
    time_machine.shift(dt.timedelta(seconds=10))
    assert services.dispatch().delivered == 1
    message.refresh_from_db()
    assert message.delivered_at is not None and message.attempts == 3 and message.last_error == ""


def test_backoff_is_capped(settings):
    settings.OUTBOX_RETRY_MAX_SECONDS = 60
    assert [services.backoff(n).seconds for n in (1, 2, 3, 4, 5, 6, 20)] == [5, 10, 20, 40, 60, 60, 60]


def test_an_unknown_kind_stays_undelivered_with_its_reason():
    message = outbox.enqueue(kind="test.nobody", payload={})
    assert services.dispatch().failed == 1
    message.refresh_from_db()
    assert message.delivered_at is None and "no handler" in message.last_error


def test_one_pending_message_per_dedupe_key_brought_forward():
    later = outbox.enqueue(kind="test.record", payload={"v": 1}, dedupe_key="7", delay=dt.timedelta(minutes=5))
    again = outbox.enqueue(kind="test.record", payload={"v": 2}, dedupe_key="7")
    assert again.pk == later.pk and OutboxMessage.objects.count() == 1
    assert again.available_at <= timezone.now() and again.payload == {"v": 2}
    services.dispatch()
    assert CALLS == [{"v": 2}]
    third = outbox.enqueue(kind="test.record", payload={"v": 3}, dedupe_key="7")   # the first was delivered
    assert third.pk != later.pk


def test_a_claimed_message_is_not_claimed_twice_and_comes_back_after_the_lease(time_machine, settings):
    time_machine.move_to(dt.datetime(2024, 1, 2, 3, 0, tzinfo=dt.timezone.utc), tick=False)
    outbox.enqueue(kind="test.record", payload={})
    assert len(services.claim()) == 1
    assert services.claim() == []                              # a second dispatcher finds nothing
    time_machine.shift(dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS + 1))
    [message] = services.claim()                               # the first dispatcher died: taken again
    assert message.attempts == 2


def test_the_kick_after_commit_never_raises_when_the_queue_is_down(settings, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    settings.OUTBOX_KICK = True
    from outbox import tasks

    def down():
        raise ConnectionError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks, "dispatch_soon", down)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        outbox.enqueue(kind="test.record", payload={"n": 3})
    assert len(callbacks) == 1 and CALLS == []
    assert OutboxMessage.objects.get().delivered_at is None     # kept for the next pass


def test_the_kick_runs_a_pass_on_the_queue(settings, django_capture_on_commit_callbacks):
    settings.OUTBOX_KICK = True                                  # Huey is immediate in tests
    with django_capture_on_commit_callbacks(execute=True):
        outbox.enqueue(kind="test.record", payload={"n": 4})
    assert CALLS == [{"n": 4}] and OutboxMessage.objects.get().delivered_at is not None


def test_a_failing_sweeper_does_not_stop_delivery():
    @outbox.sweeper("test.broken")
    def broken():
        raise RuntimeError("boom")

    try:
        outbox.enqueue(kind="test.record", payload={})
        assert services.dispatch().delivered == 1
    finally:
        registry.SWEEPERS.pop("test.broken")


def test_drain_outbox_command_once():
    from io import StringIO

    from django.core.management import call_command

    outbox.enqueue(kind="test.record", payload={"n": 5})
    out = StringIO()
    call_command("drain_outbox", "--once", stdout=out)
    assert "delivered=1" in out.getvalue() and CALLS == [{"n": 5}]


def test_delivered_messages_are_forgotten_after_the_keep_days(time_machine, settings):
    settings.OUTBOX_KEEP_DAYS = 14
    time_machine.move_to(dt.datetime(2024, 1, 2, 3, 0, tzinfo=dt.timezone.utc), tick=False)
    old = outbox.enqueue(kind="test.record", payload={})
    services.dispatch()
    waiting = outbox.enqueue(kind="test.nobody", payload={})        # never delivered: kept
    time_machine.shift(dt.timedelta(days=15))
    recent = outbox.enqueue(kind="test.record", payload={})
    services.dispatch()
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {waiting.pk, recent.pk}
    assert old.pk not in set(OutboxMessage.objects.values_list("pk", flat=True))
