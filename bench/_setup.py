"""Shared bench plumbing: a throw-away PostgreSQL (or SQLite) database, migrated, with Django set up."""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def db_name(name: str) -> str:
    """The bench's database name, after BENCH_DB_PREFIX (several people benching on one server)."""
    return os.environ.get("BENCH_DB_PREFIX", "") + name


def django_on_fresh_database(name: str) -> str:
    """Point Django at a new database `name` (after BENCH_DB_PREFIX) on the server of DATABASE_URL
    (PostgreSQL), or at a temporary SQLite file when DATABASE_URL is empty. Returns the vendor."""
    name = db_name(name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production settings: with DEBUG on, Django records every query and the numbers mean little.
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret")
    # Production settings refuse an http SITE_URL and a generated signing identity; a bench is neither
    # served to anyone nor signs anything that leaves the machine.
    os.environ.setdefault("SITE_URL", "https://bench.khenthuong.test")
    os.environ.setdefault("CERTIFICATES_DEMO_IDENTITY", "1")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        base = url.rsplit("/", 1)[0]
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        os.environ["DATABASE_URL"] = f"{base}/{name}"
    else:
        path = Path("/tmp") / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(path)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from django.db import connection

    return connection.vendor


def drop_database(name: str) -> None:
    name = db_name(name)
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        from django.db import connections

        connections.close_all()
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
