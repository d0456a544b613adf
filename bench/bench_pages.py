"""Page benchmark (issue 11 item 4): the main pages under 10 concurrent clients, at the demo's size and
at ~100,000 dossiers, on the production server.

1. A fresh PostgreSQL database (kt_bench_pages after BENCH_DB_PREFIX, on the server of DATABASE_URL;
   created and dropped here), migrated; the demo loaded by `manage.py seed_demo` (the real services).
2. The production server as `make serve` runs it (collectstatic, gunicorn -c config/gunicorn.conf.py
   config.wsgi, DJANGO_DEBUG=0, the "Deploy" variables) on BENCH_PAGES_PORT (default 8150).
3. Each page is loaded by 10 clients (BENCH_PAGES_CLIENTS) for BENCH_PAGES_SECONDS (default 6) each:
   inbox and dashboard as the appraiser (thamdinh_tttt), the dossier page as the unit's officer, the
   review page as the appraiser, the decision page as the chairman (phochutich), the unit head's inbox.
   The users are signed in with a session row each (no password hashing in the timed part).
4. The data grows to BENCH_PAGES_DOSSIERS (default 100,000) dossiers by copying what the services
   wrote for the demo's 27 dossiers, with INSERT … SELECT over generate_series: each campaign with its
   award forms, step rules, requirements and criteria BENCH_PAGES_CAMPAIGNS times (default 20), and in
   each campaign every dossier with its events, viewflow process, tasks (and their `previous` links),
   nominees, documents (rows only: they name the demo's files), council meeting and votes, return
   requests and consultation answers, for new units (a dossier's own unit in every row becomes the new
   unit; the appraising, home affairs and deciding units stay). Foreign-key triggers are off during the
   copy (session_replication_role = replica, as pg_restore does); the invariants are checked after:
   one open task per working dossier at its step (one per consulted agency left at a consultation),
   none for a closed one; status = the last status event; each status event starts where the one before
   ended; plus the suite's own helper (tests/workflows/test_configured_path.py) on the demo's dossiers
   and on a sample of copies. The copies' event hash chains name the template dossier: `audit_verify`
   would flag them (the pages do not read the chain).
5. The same pages again, the same URLs (the demo's dossiers, now among 100,000).

Prints `name: value` lines: <page>_p50_ms, <page>_p95_ms, <page>_p95_ratio_100k_to_demo (and the demo's
figures as <page>_demo_p50_ms / _demo_p95_ms), <page>_requests_per_s at 100k, pages_errors (answers
other than 200), build_100k_s (the copy + ANALYZE), invariant_violations, seed_demo_s, pages_seconds.
Needs PostgreSQL; without it prints `pages_skipped`."""

import datetime as dt
import http.client
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, django_on_fresh_database, drop_database  # noqa: E402

DB = "kt_bench_pages"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/khenthuong_bench"
PORT = int(os.environ.get("BENCH_PAGES_PORT", "8150"))
CLIENTS = int(os.environ.get("BENCH_PAGES_CLIENTS", "10"))
SECONDS = float(os.environ.get("BENCH_PAGES_SECONDS", "6"))
TARGET = int(os.environ.get("BENCH_PAGES_DOSSIERS", "100000"))
CAMPAIGN_COPIES = int(os.environ.get("BENCH_PAGES_CAMPAIGNS", "20"))
TIMEOUT = float(os.environ.get("BENCH_PAGES_TIMEOUT", "20"))   # a slower answer counts as an error at this time
SAMPLE = int(os.environ.get("BENCH_PAGES_SAMPLE", "200"))   # copies checked by the suite's helper
SITE = "https://pages.khenthuong.test"
VENV_BIN = Path(sys.executable).parent

# What is copied: per campaign copy, and per dossier copy. Every foreign key between them is moved to
# the copy; a foreign key elsewhere (users, document types, the reviewers' units) stays.
CAMPAIGN_TABLES = ["dossiers_campaign", "dossiers_campaigntarget", "dossiers_awardform", "dossiers_steprule",
                   "dossiers_consultedagency", "dossiers_documentrequirement", "dossiers_councilvoterule",
                   "criteria_criterion"]
DOSSIER_TABLES = ["dossiers_dossier", "viewflow_process", "workflows_dossiertask", "workflows_dossiertask_previous",
                  "dossiers_dossierevent", "dossiers_nominee", "dossiers_document", "dossiers_councilmeeting",
                  "dossiers_councilvote", "dossiers_returnrequest", "dossiers_consultationanswer"]


# --- the server ----------------------------------------------------------------------------------------
class Server:
    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.process = env, log, None

    def start(self) -> None:
        from bench_soak import wait_healthy

        env = {**self.env, "PORT": str(PORT), "BIND_ADDRESS": "127.0.0.1", "GUNICORN_LOG_LEVEL": "warning",
               "DJANGO_ENV_FILE": "", "PYTHONUNBUFFERED": "1"}
        env.pop("DJANGO_DEBUG", None)
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "-c", str(ROOT / "config" / "gunicorn.conf.py"), "config.wsgi"],
            cwd=ROOT, env=env, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)
        wait_healthy(PORT, self.process)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


class Client:
    """A signed-in person: a session row made here, a CSRF cookie, requests over plain HTTP marked as
    forwarded from HTTPS (the production settings sit behind a TLS proxy)."""

    def __init__(self, user):
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        self.username = user.username
        self.headers = {"Cookie": f"sessionid={store.session_key}; csrftoken={secrets.token_hex(16)}",
                        "X-Forwarded-Proto": "https", "Host": "127.0.0.1"}

    def get(self, path: str) -> tuple[int, float, int]:
        """(status, ms, bytes); status 0 when no answer came within TIMEOUT (ms is then TIMEOUT)."""
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=TIMEOUT)
        try:
            conn.request("GET", path, headers=self.headers)
            response = conn.getresponse()
            body = response.read()
        except TimeoutError:
            return 0, TIMEOUT * 1000, 0
        finally:
            conn.close()
        return response.status, (time.perf_counter() - start) * 1000, len(body)


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def load(page: tuple[str, Client, str]) -> dict:
    """CLIENTS threads GET the page back to back for SECONDS; every answer timed."""
    name, client, path = page
    status, ms, size = client.get(path)          # warm-up (and the answer must be a page)
    if status == 0:   # not even one answer in time: no load on top of it
        return {"p50": ms, "p95": ms, "n": 1, "rps": 0.0, "errors": [0], "bytes": 0}
    if status != 200:
        raise RuntimeError(f"{name}: GET {path} as {client.username} answered {status}")
    times, errors, lock = [], [], threading.Lock()
    stop_at = time.perf_counter() + SECONDS

    def run():
        while time.perf_counter() < stop_at:
            status, ms, _size = client.get(path)
            with lock:
                times.append(ms)
                if status != 200:
                    errors.append(status)

    threads = [threading.Thread(target=run) for _ in range(CLIENTS)]
    begin = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - begin
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95), "n": len(times),
            "rps": len(times) / elapsed, "errors": errors, "bytes": size}


# --- the data ------------------------------------------------------------------------------------------
def seed_demo(env: dict) -> float:
    """The demo through the real services (`manage.py seed_demo`, in development mode: the published
    demo password, the PDFs rendered inline)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", "seed_demo"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   env={**env, "DJANGO_DEBUG": "1", "HUEY_IMMEDIATE": "1"})
    return time.perf_counter() - start


def pages():
    """The pages and who loads them: the demo's dossier at the appraisal step with an officer at its unit."""
    from django.contrib.auth import get_user_model

    from dossiers.models import Dossier, DossierStatus, Membership, Role

    User = get_user_model()
    appraiser, chairman = User.objects.get(username="thamdinh_tttt"), User.objects.get(username="phochutich")
    dossier = officer = None
    for candidate in Dossier.objects.filter(status=DossierStatus.SUBMITTED).order_by("pk"):
        membership = Membership.objects.filter(unit_id=candidate.unit_id, role=Role.UNIT_OFFICER).first()
        if membership:
            dossier, officer = candidate, membership.user
            break
    head = Membership.objects.filter(unit_id=dossier.unit_id, role=Role.UNIT_HEAD).first().user
    a, o, c, h = Client(appraiser), Client(officer), Client(chairman), Client(head)
    # the dashboard last: a page slower than the clients' timeout leaves work behind in the server
    return [("inbox", a, "/viec-can-lam/"), ("inbox_unit_head", h, "/viec-can-lam/"),
            ("dossier", o, f"/ho-so/{dossier.pk}/"), ("review", a, f"/ho-so/{dossier.pk}/tham-dinh/"),
            ("decisions", c, "/quyet-dinh/"), ("dashboard", a, "/thong-ke/")]


def columns(cursor, table: str) -> list[str]:
    cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                   "AND NOT attisdropped ORDER BY attnum", [table])
    return [f'"{row[0]}"' for row in cursor.fetchall()]


def foreign_keys(cursor, table: str) -> dict[str, str]:
    cursor.execute("SELECT a.attname, c.confrelid::regclass::text FROM pg_constraint c JOIN pg_attribute a "
                   "ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
                   "WHERE c.contype = 'f' AND c.conrelid = %s::regclass", [table])
    return {f'"{col}"': table for col, table in cursor.fetchall()}


def build(target: int) -> dict:
    """Copy the demo's campaigns and dossiers up to `target` dossiers (see the module's docstring)."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dossiers_dossier")
        templates = cursor.fetchone()[0]
        copies = max(1, -(-target // templates))                  # dossier copies, the demo's own included
        k_count = max(1, min(CAMPAIGN_COPIES, copies))
        c_count = -(-copies // k_count)
        stride = {}
        for table in CAMPAIGN_TABLES + DOSSIER_TABLES + ["dossiers_unit"]:
            cursor.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")
            stride[table] = cursor.fetchone()[0]
        with transaction.atomic():
            cursor.execute("SET LOCAL session_replication_role = replica")   # no FK triggers for the copy
            cursor.execute("SET LOCAL synchronous_commit = off")
            # template dossiers: j = rank within (campaign, award form) so that copies never share a
            # unit within a campaign copy (one live dossier per unit and form)
            cursor.execute("CREATE TEMP TABLE bench_tmpl ON COMMIT DROP AS SELECT id, unit_id, (row_number() OVER "
                           "(PARTITION BY campaign_id, award_form_id ORDER BY id) - 1) AS j FROM dossiers_dossier")
            cursor.execute("SELECT max(j) + 1 FROM bench_tmpl")
            m = cursor.fetchone()[0]
            cursor.execute("CREATE TEMP TABLE bench_copy ON COMMIT DROP AS SELECT k * %s + c AS n, k, c "
                           "FROM generate_series(0, %s) k, generate_series(0, %s) c WHERE k > 0 OR c > 0",
                           [c_count, k_count - 1, c_count - 1])
            # the new units: copies of a commune-level unit in use today, C x M of them
            cursor.execute("SELECT u.id FROM dossiers_unit u JOIN dossiers_unitlevel l ON l.id = u.level_id "
                           "WHERE u.is_active AND u.successor_id IS NULL AND u.parent_id IS NOT NULL "
                           "ORDER BY l.id DESC, u.id LIMIT 1")
            unit_template = cursor.fetchone()[0]
            unit_base = stride["dossiers_unit"]
            unit_cols = columns(cursor, "dossiers_unit")
            select = ", ".join({'"id"': f"{unit_base} + g", '"name"': "'UBND xã Bench ' || g",
                                '"short_name"': "'Bench ' || g"}.get(col, col) for col in unit_cols)
            cursor.execute(f"INSERT INTO dossiers_unit ({', '.join(unit_cols)}) SELECT {select} FROM dossiers_unit, "
                           f"generate_series(0, %s) g WHERE id = %s", [c_count * m - 1, unit_template])
            new_unit = f"({unit_base} + x.c * {m} + d.j)"
            # a task moves to the new unit when its step is acted on by the dossier's own unit (the
            # unit's steps, a revision, a form decided by the unit itself), as the form configures it
            cursor.execute("CREATE TEMP TABLE bench_own (dossier_id bigint, step varchar(20)) ON COMMIT DROP")
            cursor.executemany("INSERT INTO bench_own VALUES (%s, %s)", own_steps())
            rows = {}
            for table in CAMPAIGN_TABLES:
                fks = foreign_keys(cursor, table)
                exprs = []
                for col in columns(cursor, table):
                    if col == '"id"':
                        exprs.append(f"src.id + x.k * {stride[table]}")
                    elif fks.get(col) in CAMPAIGN_TABLES:
                        exprs.append(f"src.{col} + x.k * {stride[fks[col]]}")
                    else:
                        exprs.append(f"src.{col}")
                cursor.execute(f"INSERT INTO {table} ({', '.join(columns(cursor, table))}) SELECT {', '.join(exprs)} "
                               f"FROM {table} src, (SELECT DISTINCT k FROM bench_copy WHERE k > 0) x "
                               f"WHERE src.id < {stride[table]}")
                rows[table] = cursor.rowcount
            for table in DOSSIER_TABLES:
                fks = foreign_keys(cursor, table)
                cols = columns(cursor, table)
                dossier_col = "id" if table == "dossiers_dossier" else ("dossier_id" if '"dossier_id"' in cols else None)
                exprs = []
                for col in cols:
                    target_table = fks.get(col)
                    if col == '"id"':
                        exprs.append(f"src.id + x.n * {stride[table]}")
                    elif table == "viewflow_process" and col == '"artifact_object_id"':
                        exprs.append(f"src.artifact_object_id + x.n * {stride['dossiers_dossier']}")
                    elif target_table in DOSSIER_TABLES:
                        exprs.append(f"src.{col} + x.n * {stride[target_table]}")
                    elif target_table in CAMPAIGN_TABLES:
                        exprs.append(f"src.{col} + x.k * {stride[target_table]}")
                    elif table == "workflows_dossiertask" and col == '"unit_id"':
                        exprs.append(f"CASE WHEN o.step IS NOT NULL THEN {new_unit} ELSE src.unit_id END")
                    elif target_table == "dossiers_unit" and dossier_col:
                        exprs.append(f"CASE WHEN src.{col} = d.unit_id THEN {new_unit} ELSE src.{col} END")
                    else:
                        exprs.append(f"src.{col}")
                join = f"JOIN bench_tmpl d ON d.id = src.{dossier_col}" if dossier_col else ""
                if table == "workflows_dossiertask":
                    join += " LEFT JOIN bench_own o ON o.dossier_id = src.dossier_id AND o.step = src.step"
                where = f"src.id < {stride[table]}"
                if table == "viewflow_process":
                    where += " AND src.artifact_object_id IN (SELECT id FROM bench_tmpl)"
                cursor.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {', '.join(exprs)} "
                               f"FROM {table} src {join} CROSS JOIN bench_copy x WHERE {where}")
                rows[table] = cursor.rowcount
            for table in CAMPAIGN_TABLES + DOSSIER_TABLES + ["dossiers_unit"]:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT max(id) FROM {table}))")
        for table in CAMPAIGN_TABLES + DOSSIER_TABLES + ["dossiers_unit"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    refresh_s = None
    try:   # the dashboard's summary table (refreshed every minute in production), where there is one
        from workflows import figures
    except ImportError:
        figures = None
    if figures is not None and hasattr(figures, "refresh"):
        t0 = time.perf_counter()
        figures.refresh()
        refresh_s = time.perf_counter() - t0
    return {"refresh_s": refresh_s, "templates": templates, "campaign_copies": k_count, "unit_copies": c_count, "units": c_count * m,
            "rows": rows}


def own_steps() -> list[tuple[int, str]]:
    """(dossier, step) of the demo's tasks whose acting unit is the dossier's own unit: the step's
    configured acting unit, asked of the dossier with its unit replaced by a probe."""
    import copy

    from dossiers.models import REVISION, Dossier, Step
    from workflows.models import DossierTask

    own = []
    for dossier in Dossier.objects.select_related("campaign", "award_form"):
        probe = copy.copy(dossier)
        probe.unit_id = -1
        for step in set(DossierTask.objects.filter(dossier=dossier).exclude(step="").values_list("step", flat=True)):
            if step == REVISION or (step in Step.values and probe.step_config(step).acting_unit_id == -1):
                own.append((dossier.pk, step))
    return own


def invariant_violations(sample: int, templates: int) -> list[str]:
    """The suite's invariants over every dossier (SQL), and the suite's helper on a sample."""
    import random

    from django.db import connection

    from dossiers.models import STEP_AT_STATUS, Dossier, DossierStatus, Unit
    from workflows.models import REVISION, OPEN_STATUSES

    expected = {status: step.value for status, step in STEP_AT_STATUS.items()}
    expected[DossierStatus.RETURNED.value] = REVISION
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("""
            WITH open AS (SELECT dossier_id, array_agg(DISTINCT step) AS steps, count(*) AS n
                          FROM workflows_dossiertask WHERE status = ANY(%s) AND flow_task_type = 'HUMAN'
                          GROUP BY dossier_id),
                 expected AS (SELECT * FROM jsonb_each_text(%s::jsonb))
            SELECT d.id, d.status, o.steps, o.n FROM dossiers_dossier d
            LEFT JOIN open o ON o.dossier_id = d.id LEFT JOIN expected e ON e.key = d.status
            WHERE CASE WHEN e.key IS NULL THEN o.n IS NOT NULL
                       WHEN d.status = 'in_consultation' THEN o.n IS NULL OR o.steps <> ARRAY[e.value]::varchar[]
                       ELSE o.n IS DISTINCT FROM 1 OR o.steps <> ARRAY[e.value]::varchar[] END
            LIMIT 20""", [OPEN_STATUSES, __import__("json").dumps(expected)])
        problems += [f"dossier {pk} ({status}): open tasks {steps} ({n})" for pk, status, steps, n in cursor.fetchall()]
        cursor.execute("""
            SELECT d.id, d.status, e.to_status FROM dossiers_dossier d LEFT JOIN LATERAL (
                SELECT to_status FROM dossiers_dossierevent WHERE dossier_id = d.id AND to_status <> ''
                ORDER BY seq DESC LIMIT 1) e ON true
            WHERE e.to_status IS DISTINCT FROM d.status LIMIT 20""")
        problems += [f"dossier {pk}: status {status}, last event to {last}" for pk, status, last in cursor.fetchall()]
        cursor.execute("""
            SELECT dossier_id, seq, from_status, previous FROM (
                SELECT dossier_id, seq, from_status,
                       lag(to_status) OVER (PARTITION BY dossier_id ORDER BY seq) AS previous
                FROM dossiers_dossierevent WHERE to_status <> '') s
            WHERE previous IS NOT NULL AND from_status <> previous LIMIT 20""")
        problems += [f"dossier {pk}: event {seq} starts at {before}, the previous ended at {previous}"
                     for pk, seq, before, previous in cursor.fetchall()]
    # the suite's helper, as the path tests use it
    sys.path.insert(0, str(ROOT))
    from tests.workflows.test_configured_path import assert_one_open_task_per_step_and_unit

    ids = list(Dossier.objects.order_by("pk").values_list("pk", flat=True))
    checked = ids[:templates] + random.Random(11).sample(ids[templates:], min(sample, len(ids) - templates))
    merged = set(Unit.objects.exclude(successor=None).values_list("pk", flat=True))
    for dossier in Dossier.objects.filter(pk__in=checked).select_related("campaign", "award_form"):
        step = dossier.current_step
        if step and dossier.step_config(step).acting_unit_id in merged:
            continue   # its open task moved to the successor unit (2025 reorganisation): the helper predates it
        try:
            assert_one_open_task_per_step_and_unit(dossier)
        except AssertionError as exc:
            problems.append(f"dossier {dossier.pk}: {exc}")
    return problems


# --- the run -------------------------------------------------------------------------------------------
def main() -> None:
    url = os.environ.get("DATABASE_URL", "") or DEFAULT_URL
    if not url.startswith("postgres"):
        print("pages_skipped: needs PostgreSQL (DATABASE_URL)")
        return
    os.environ["DATABASE_URL"] = url
    try:
        import psycopg

        psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=3).close()
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"pages_skipped: PostgreSQL not reachable ({exc.__class__.__name__})")
        return
    started = time.perf_counter()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    media = Path(tempfile.mkdtemp(prefix="kt-pages-media-"))
    work = Path(tempfile.mkdtemp(prefix="kt-pages-"))
    os.environ.update({"SITE_URL": SITE, "DJANGO_SECRET_KEY": "pages-" + secrets.token_hex(24),
                       "MEDIA_ROOT": str(media), "HUEY_IMMEDIATE": "0",
                       "HUEY_SQLITE_PATH": str(work / "huey.sqlite3"), "DJANGO_SECURE_SSL_REDIRECT": "0",
                       "DJANGO_BEHIND_PROXY": "1", "AXES_ENABLED": "0",
                       "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"})
    os.environ.pop("REDIS_URL", None)
    from certificates.signing import generate_identity

    generate_identity(work / "key.pem", work / "cert.pem", common_name="UBND tỉnh (bench)")
    os.environ.update({"CERTIFICATES_SIGNING_KEY": str(work / "key.pem"),
                       "CERTIFICATES_SIGNING_CERT": str(work / "cert.pem")})
    django_on_fresh_database(DB)
    server = Server(dict(os.environ), work / "server.log")
    try:
        seed_s = seed_demo(dict(os.environ))
        from bench_soak import collect_static

        collect_static()
        server.start()
        measured = pages()
        demo = {page[0]: load(page) for page in measured}
        t0 = time.perf_counter()
        built = build(TARGET)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        violations = invariant_violations(SAMPLE, built["templates"])
        check_s = time.perf_counter() - t0
        big = {page[0]: load(page) for page in measured}
        report(demo, big, built, build_s, check_s, violations, seed_s, time.perf_counter() - started)
    finally:
        server.stop()
        from django.db import connections

        connections.close_all()
        if os.environ.get("BENCH_PAGES_KEEP"):
            print(f"pages_database_kept: {os.environ['DATABASE_URL']}")
        else:
            drop_database(DB)
        subprocess.run(["rm", "-rf", str(media), str(work)], check=False)


def report(demo, big, built, build_s, check_s, violations, seed_s, total_s) -> None:
    from dossiers.models import Dossier
    from workflows.models import DossierTask

    errors = sum(len(r["errors"]) for r in [*demo.values(), *big.values()])
    timeouts = sum(r["errors"].count(0) for r in [*demo.values(), *big.values()])
    for name in big:
        print(f"{name}_p50_ms: {big[name]['p50']:.1f}")
        print(f"{name}_p95_ms: {big[name]['p95']:.1f}")
        print(f"{name}_p95_ratio_100k_to_demo: {big[name]['p95'] / demo[name]['p95']:.2f}")
        print(f"{name}_demo_p50_ms: {demo[name]['p50']:.1f}")
        print(f"{name}_demo_p95_ms: {demo[name]['p95']:.1f}")
        print(f"{name}_requests_per_s: {big[name]['rps']:.1f} (demo {demo[name]['rps']:.1f}; "
              f"{big[name]['n']} requests; {big[name]['bytes']} bytes, demo {demo[name]['bytes']})")
    print(f"pages_errors: {errors} ({timeouts} without an answer within {TIMEOUT:.0f} s, counted at that time)")
    print(f"dossiers: {Dossier.objects.count()} (from {built['templates']}: {built['campaign_copies']} x each "
          f"campaign, {built['unit_copies']} x each dossier per campaign, {built['units']} new units)")
    print(f"tasks: {DossierTask.objects.count()}")
    print("rows_copied: " + ", ".join(f"{t}={n}" for t, n in built["rows"].items()))
    print(f"build_100k_s: {build_s:.1f}")
    if built["refresh_s"] is not None:
        print(f"dashboard_refresh_100k_s: {built['refresh_s']:.1f} (workflows.figures.refresh, included in the build)")
    print(f"invariant_violations: {len(violations)} (checked in {check_s:.1f} s)")
    for line in violations[:10]:
        print(f"  violation: {line}")
    print(f"seed_demo_s: {seed_s:.1f}")
    print(f"pages_seconds: {total_s:.1f}")


if __name__ == "__main__":
    main()
