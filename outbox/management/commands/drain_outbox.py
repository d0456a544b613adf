"""Deliver outbox messages: one pass (`--once`), or a loop polling every `--interval` seconds
(a process of its own in production: delivers even while the queue is down, e.g. e-mails)."""

import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from outbox import services


class Command(BaseCommand):
    help = "Gửi các việc nền đang chờ (outbox); lặp lại cho đến khi dừng, hoặc một lượt với --once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between passes")
        parser.add_argument("--max-seconds", type=float, default=0, help="stop after this long (0: never)")
        parser.add_argument("--kind", action="append", dest="kinds", help="only these kinds (repeatable)")

    def handle(self, *args, once=False, interval=1.0, max_seconds=0, kinds=None, **options):
        stop = {"now": False}

        def ask_stop(signum, frame):
            stop["now"] = True

        signal.signal(signal.SIGTERM, ask_stop)
        signal.signal(signal.SIGINT, ask_stop)
        started = time.monotonic()
        while True:
            if not connection.in_atomic_block:  # a long-running loop: drop broken or aged connections
                close_old_connections()
            result = services.dispatch(kinds=kinds)
            if result.delivered or result.failed or result.swept or once:
                self.stdout.write(f"outbox: {result}")
            if once or stop["now"] or (max_seconds and time.monotonic() - started >= max_seconds):
                return
            deadline = time.monotonic() + interval
            while time.monotonic() < deadline and not stop["now"]:
                time.sleep(min(0.2, interval))
