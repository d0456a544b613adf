"""A calendar change reaches another server at its next use: a second, long-lived Django process
(as a second app server or a Huey consumer) computes due dates on the same PostgreSQL database
before and right after a change committed here. Issue 18: with the old per-process cache the other
server kept the old calendar for up to 60 s and stamped 8 due dates wrong for good."""

import datetime as dt
import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.db import connection

from dossiers.services import calendar_day_remove, calendar_day_set

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process needs a shared database"),
]

OTHER_SERVER = textwrap.dedent("""
    import datetime as dt, sys, django
    django.setup()
    from dossiers import calendar
    print("ready", flush=True)
    for line in sys.stdin:
        start, days = line.split()
        print(calendar.add_working_days(dt.date.fromisoformat(start), int(days)).isoformat(), flush=True)
""")


def test_another_process_sees_a_committed_change_at_its_next_use():
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1"}
    other = subprocess.Popen([sys.executable, "-c", OTHER_SERVER], cwd=settings.BASE_DIR, env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert other.stdout.readline().strip() == "ready"

        def ask(start, days):
            other.stdin.write(f"{start} {days}\n")
            other.stdin.flush()
            return other.stdout.readline().strip()

        assert ask("2023-12-07", 1) == "2023-12-08"
        calendar_day_set(day=dt.date(2023, 12, 8), is_working=False, note="Nghỉ thêm")
        assert ask("2023-12-07", 1) == "2023-12-11"             # at once, no waiting for a cache
        calendar_day_remove(day=dt.date(2023, 12, 8))
        assert ask("2023-12-07", 1) == "2023-12-08"
    finally:
        other.stdin.close()
        other.wait(30)
