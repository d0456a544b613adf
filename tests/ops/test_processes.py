"""Faults that are processes, with real processes: a queue server that is down, database connections
under the development server and under gunicorn (issue 18.1), and a database connection terminated
between requests with pg_terminate_backend (issue 9.9)."""

import concurrent.futures
import json
import time

import pytest
from django.db import connection

from .conftest import Process, gunicorn, manage, production_env, request, BASE, PY

CLOSED_PORT = 8118            # in this helper's range; nothing listens there


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("proc")
    env = production_env(tmp)
    manage(env, "migrate", "--noinput")
    return tmp, env


def test_readyz_says_the_queue_is_down_quickly(sqlite_site):
    tmp, env = sqlite_site
    server = gunicorn({**env, "REDIS_URL": f"redis://127.0.0.1:{CLOSED_PORT}/1"}, 8112, tmp / "redis-down.log")
    try:
        server.wait_http(8112)
        started = time.monotonic()
        status, _h, body = request(8112, "GET", "/readyz")
        elapsed = time.monotonic() - started
        report = json.loads(body)
        assert status == 503
        assert report["checks"]["database"]["status"] == "ok" and report["checks"]["storage"]["status"] == "ok"
        assert report["checks"]["queue"] == {**report["checks"]["queue"], "status": "fail", "error": "ConnectionError"}
        assert report["checks"]["consumer"]["status"] == "fail"
        assert elapsed < 4, elapsed
        assert request(8112, "GET", "/healthz")[0] == 200        # alive, only not ready
    finally:
        server.stop()


# --- PostgreSQL connections ---------------------------------------------------------------------

pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL connections (make test runs it)")


def _pg_url():
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def monitor(db):
    """An autocommit connection of its own (inside a transaction pg_stat_activity is a frozen snapshot)."""
    import psycopg

    s = connection.settings_dict
    conn = psycopg.connect(dbname="postgres", host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432,
                           user=s["USER"], password=s.get("PASSWORD") or None, autocommit=True)
    name = s["NAME"]
    mine = connection.cursor().connection.info.backend_pid if connection.connection else None

    class Monitor:
        def backends(self, *, state=None):
            rows = conn.execute("SELECT pid, state FROM pg_stat_activity WHERE datname = %s AND pid <> %s "
                                "AND backend_type = 'client backend'", (name, mine or 0)).fetchall()
            return [pid for pid, st in rows if state is None or st == state]

        def settle(self, expect, timeout=5.0):
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if expect(len(self.backends())):
                    break
                time.sleep(0.1)
            return len(self.backends())

        def terminate(self, pids):
            for pid in pids:
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))

    connection.ensure_connection()
    mine = connection.connection.info.backend_pid
    yield Monitor()
    conn.close()


def _hammer(port, path, n, parallel=8):
    with concurrent.futures.ThreadPoolExecutor(parallel) as pool:
        return list(pool.map(lambda _i: request(port, "GET", path)[0], range(n)))


def _beat(huey_file):
    """What a consumer writes at start and every minute (ops.status.beat), into the server's queue file."""
    import os
    import socket

    from huey import SqliteHuey

    SqliteHuey("khenthuong", filename=str(huey_file)).put(
        "ops:consumer-heartbeat", {"at": time.time(), "host": socket.gethostname(), "pid": os.getpid()})


@pg
def test_the_development_server_keeps_no_idle_connection(monitor, tmp_path):
    env = production_env(tmp_path, DJANGO_DEBUG="1", DATABASE_URL=_pg_url(), DATABASE_CONN_MAX_AGE="60")
    _beat(tmp_path / "huey.sqlite3")
    server = Process([PY, str(BASE / "manage.py"), "runserver", "--noreload", "127.0.0.1:8113"], env,
                     tmp_path / "runserver.log")
    try:
        server.wait_http(8113)
        statuses = _hammer(8113, "/readyz", 25)
        assert statuses == [200] * 25                               # each request used the database
        held = monitor.settle(lambda n: n == 0)
        assert held == 0, f"{held} connections held after 25 requests (DATABASE_CONN_MAX_AGE=60 given)"
    finally:
        server.stop()


@pg
def test_gunicorn_keeps_at_most_one_connection_per_thread_and_survives_terminated_ones(monitor, tmp_path):
    env = production_env(tmp_path, DATABASE_URL=_pg_url())        # production default: CONN_MAX_AGE=60
    manage(env, "shell", "--no-imports", "-c", "pass")
    _beat(tmp_path / "huey.sqlite3")
    server = gunicorn(env, 8114, tmp_path / "gunicorn.log", WEB_WORKERS="1", WEB_THREADS="3")
    try:
        server.wait_http(8114)
        assert _hammer(8114, "/readyz", 40) == [200] * 40
        held = monitor.backends()
        assert 1 <= len(held) <= 3, held                            # persistent, within the budget (1 x 3)
        # The database drops every connection between two requests (a restart, a failover, an admin).
        monitor.terminate(held)
        assert monitor.settle(lambda n: n == 0) == 0
        for _ in range(6):                                          # every thread meets its dead connection
            status, _h, body = request(8114, "GET", "/readyz")
            assert status == 200, body
            assert json.loads(body)["checks"]["database"]["status"] == "ok"
        assert _hammer(8114, "/readyz", 20) == [200] * 20
        assert len(monitor.backends()) <= 3
        assert "Internal Server Error" not in server.output()
    finally:
        server.stop()
    assert monitor.settle(lambda n: n == 0) == 0                   # gone with the server


@pg
def test_the_connection_pool_bounds_connections_per_process(monitor, tmp_path):
    env = production_env(tmp_path, DATABASE_URL=_pg_url(), DATABASE_POOL_MAX="2")
    _beat(tmp_path / "huey.sqlite3")
    server = gunicorn(env, 8115, tmp_path / "pool.log", WEB_WORKERS="1", WEB_THREADS="6")
    try:
        server.wait_http(8115)
        assert _hammer(8115, "/readyz", 40, parallel=12) == [200] * 40
        assert 1 <= len(monitor.backends()) <= 2
        monitor.terminate(monitor.backends())
        assert _hammer(8115, "/readyz", 10) == [200] * 10             # the pool checks what it hands out
    finally:
        server.stop()
