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
        template = template_name()
        with psycopg.connect(base + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            try:   # a copy of the migrated template: migrating costs 15-60 s per bench
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
                from_template = True
            except psycopg.Error:   # no template for these migrations yet (or it is being made): migrate
                conn.execute(f'CREATE DATABASE "{name}"')
                from_template = False
        os.environ["DATABASE_URL"] = f"{base}/{name}"
        if not from_template:
            _migrate_and_keep_as_template(base, name, template)
    else:
        path = Path("/tmp") / f"{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(path)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)   # nothing to do on a copy of the template
    from django.db import connection

    return connection.vendor


def template_name() -> str:
    """The migrated, empty database the benches copy (PostgreSQL's CREATE DATABASE … TEMPLATE), named
    after every migration file and the installed Django and viewflow: a new migration, a new template."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(f"{version('django')} {version('django-viewflow')}".encode())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return db_name("kt_bench_template_") + digest.hexdigest()[:12]


def _migrate_and_keep_as_template(base: str, name: str, template: str) -> None:
    """Migrate `name` (a process of its own: this one has not set Django up yet), then copy it as the
    template; older templates of this prefix are dropped. Two benches making it at once: one wins."""
    import subprocess

    import psycopg

    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                   check=True, env={**os.environ, "DATABASE_URL": f"{base}/{name}"})
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        try:
            conn.execute(f'CREATE DATABASE "{template}" TEMPLATE "{name}"')
        except psycopg.Error:
            return
        prefix = db_name("kt_bench_template_")
        for (old,) in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
                                   [prefix.replace("_", r"\_") + "%", template]).fetchall():
            conn.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')


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
