"""`make run`: the web server and one Huey consumer (periodic deadline scan included) together, with
no broker: Huey's SQLite storage by default, Redis when REDIS_URL is set."""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy máy chủ web và một tiến trình Huey (nhắc hạn, thư, PDF) cùng lúc."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true", help="Do not restart the web server on code changes.")
        parser.add_argument("--no-consumer", action="store_true", help="Web server only.")

    def handle(self, *args, addrport, noreload, no_consumer, **options):
        consumer = None
        # With the autoreloader, runserver re-runs this command in a child (RUN_MAIN=true): start the
        # consumer only in the outer process, so there is exactly one.
        if not no_consumer and os.environ.get("RUN_MAIN") != "true":
            if settings.HUEY.get("immediate"):
                self.stderr.write("HUEY_IMMEDIATE=1: jobs run inline in the web process; no consumer started.")
            else:
                consumer = subprocess.Popen([sys.executable, str(settings.BASE_DIR / "manage.py"), "run_huey"])
                self.stdout.write(f"Huey consumer started (pid {consumer.pid}).")
                # SIGTERM (e.g. from a process manager) stops the consumer too, via the finally below.
                signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            call_command("runserver", addrport, use_reloader=not noreload)
        finally:
            if consumer is not None and consumer.poll() is None:
                consumer.terminate()
                try:
                    consumer.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    consumer.kill()
