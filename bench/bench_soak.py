"""Multi-node soak (issue 18): the production shape on one machine, bounded to about 3 minutes.

Two app servers (gunicorn, gthread: SOAK_WORKERS processes x SOAK_THREADS threads each, production
settings with DJANGO_DEBUG=0) and two Huey consumers (`manage.py run_huey`) share one PostgreSQL
database (kt_bench_soak, created and dropped here), one Redis database (SOAK_REDIS_URL, db 4 by
default, its own queue name) and one media folder. Concurrent users (unit officers and heads, two
appraisers, two Sở Nội vụ officers, two signers, an administrator) walk dossiers along the path
through HTTP only, each request to the other server than the one before. Every appraisal, Sở Nội vụ
check and signature is a two-person conflict across the servers: both post at the same moment,
exactly one may win, the other must get the conflict answer (409), never a 500.

During the run: one server is restarted (SIGTERM, graceful; its clients fail over to the other
server, as behind a load balancer), one consumer is killed (SIGKILL, while a decision renders if
one does) and started again, and the administrator declares a day off (the calendar page, server
A). Right after that change, the other server stamps a due date (a head submits a dossier there);
`soak_calendar_propagation_s` is the time from the change's answer until every server has stamped
a due date that agrees with the new calendar.

Prints (`name: value`):
- soak_requests, soak_5xx, soak_409, soak_failovers: HTTP answers seen by the users
- soak_conflicts_won / soak_conflicts_lost: the two-person races (one winner each)
- soak_invariant_violations: one open task per working dossier matching its status, none for a
  closed one; status = last status event; no doubled transition (each event starts where the
  previous ended); register numbers 1..n gap-free; every open due date agrees with the calendar
- soak_calendar_propagation_s, soak_pg_connections_max (connections of the servers and consumers,
  polled from pg_stat_activity), soak_pg_connections_budget (servers x workers x threads +
  consumers x (workers + 1): every thread holds at most one connection), soak_stuck_renders
  (decisions not rendered SOAK_DRAIN_SECONDS after the load stopped), calendar_query_ms (one read
  of the calendar overrides table, the query that replaced the per-process cache), soak_seconds.
Needs PostgreSQL (DATABASE_URL) and Redis; without them it prints `soak_skipped`."""

import datetime as dt
import http.client
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import ROOT, django_on_fresh_database, drop_database  # noqa: E402

DB = "kt_bench_soak"
PORTS = [int(p) for p in os.environ.get("SOAK_PORTS", "8141,8142").split(",")]
REDIS_URL = os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/4")
LOAD_SECONDS = float(os.environ.get("SOAK_SECONDS", "80"))
DRAIN_SECONDS = float(os.environ.get("SOAK_DRAIN_SECONDS", "60"))
UNITS = int(os.environ.get("SOAK_UNITS", "24"))
USERS = int(os.environ.get("SOAK_USERS", "6"))          # concurrent journeys
WORKERS = int(os.environ.get("SOAK_WORKERS", "2"))
THREADS = int(os.environ.get("SOAK_THREADS", "4"))
CONSUMER_WORKERS = 2
SITE = "https://soak.khenthuong.test"
APP_NAME = "kt-soak"                                    # application_name of the servers' connections
VENV_BIN = Path(sys.executable).parent


# --- the processes ------------------------------------------------------------------------------------
def service_env(base_env: dict) -> dict:
    url = os.environ["DATABASE_URL"]
    return {**base_env, "DATABASE_URL": f"{url}?application_name={APP_NAME}", "PYTHONUNBUFFERED": "1"}


class Child:
    """A process of the soak (server or consumer), stopped with its whole process group."""

    process = None

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


class Server(Child):
    def __init__(self, port: int, env: dict, log_dir: Path):
        self.port, self.env, self.log_dir, self.process, self.starts = port, env, log_dir, None, 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.log_dir / f"server-{self.port}-{self.starts}.log", "wb")
        conf = ROOT / "config" / "gunicorn.conf.py"        # the production settings of `make serve`
        args = ["-c", str(conf)] if conf.exists() else ["--worker-class", "gthread", "--timeout", "60"]
        env = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_WORKERS": str(WORKERS),
               "WEB_THREADS": str(THREADS), "GUNICORN_LOG_LEVEL": "warning", "DJANGO_ENV_FILE": ""}
        self.process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), *args, "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS),
             "--threads", str(THREADS), "--log-level", "warning", "config.wsgi:application"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_healthy(self.port, self.process)


class Consumer(Child):
    def __init__(self, name: str, env: dict, log_dir: Path):
        self.name, self.env, self.log_dir, self.process, self.starts = name, env, log_dir, None, 0

    def start(self) -> None:
        self.starts += 1
        log = open(self.log_dir / f"consumer-{self.name}-{self.starts}.log", "wb")
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "run_huey", "--workers", str(CONSUMER_WORKERS), "--worker-type", "thread"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(port: int, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} not healthy after {timeout} s")


# --- the users -----------------------------------------------------------------------------------------
class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests = self.errors_5xx = self.conflicts_409 = self.failovers = 0
        self.won = self.lost = 0
        self.by_status: dict[int, int] = {}
        self.samples_5xx: list[str] = []
        self.refusals: dict[str, int] = {}
        self.client_errors: list[str] = []
        self.races: dict[str, int] = {}

    def refusal(self, path: str, content: bytes) -> None:
        import html
        import re

        text = content.decode("utf-8", "replace")
        match = re.search(r'class="alert[^"]*"[^>]*>\s*<strong>(.*?)</strong>', text, re.S)
        message = html.unescape(re.sub(r"\s+", " ", match.group(1))).strip() if match else "?"
        key = f"{re.sub(r'[0-9]+', 'N', path)}: {re.sub(r'[0-9]+', 'N', message)[:160]}"
        with self.lock:
            self.refusals[key] = self.refusals.get(key, 0) + 1

    def count(self, status: int, what: str) -> None:
        with self.lock:
            self.requests += 1
            self.by_status[status] = self.by_status.get(status, 0) + 1
            if status >= 500:
                self.errors_5xx += 1
                if len(self.samples_5xx) < 5:
                    self.samples_5xx.append(what)
            if status == 409:
                self.conflicts_409 += 1


STATS = Stats()
_turn = {"next": 0}
_turn_lock = threading.Lock()


def next_port() -> int:
    with _turn_lock:
        _turn["next"] += 1
        return PORTS[_turn["next"] % len(PORTS)]


class Browser:
    """A signed-in person: a session row made here (no password hashing), a CSRF secret as cookie
    and header, each request to the server after the one before (or the one asked for)."""

    def __init__(self, user, session_key: str):
        self.user, self.session_key, self.csrf = user, session_key, secrets.token_hex(16)

    def request(self, method: str, path: str, data: dict | list | None = None, *, port: int | None = None):
        port = port or next_port()
        body = urllib.parse.urlencode(data or {}, doseq=True) if method == "POST" else None
        headers = {"Cookie": f"sessionid={self.session_key}; csrftoken={self.csrf}", "X-Forwarded-Proto": "https",
                   "Host": f"127.0.0.1:{port}"}
        if method == "POST":
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": self.csrf,
                            "Origin": SITE, "Referer": SITE + path})
        for attempt in range(2):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
                conn.close()
                STATS.count(response.status, f"{method} {path} on {port}")
                if response.status == 400 and method == "POST":
                    STATS.refusal(path, content)
                return response.status
            except (ConnectionRefusedError, ConnectionResetError, http.client.RemoteDisconnected):
                # the server is restarting: a load balancer sends the request to the other one (refused
                # or reset before an answer: the stopping server never handed it to a worker; were it
                # done after all, the page's seen_status turns the repeat into a 409, never a double)
                with STATS.lock:
                    STATS.failovers += 1
                port = PORTS[(PORTS.index(port) + 1) % len(PORTS)]
                headers["Host"] = f"127.0.0.1:{port}"
        raise RuntimeError(f"{method} {path}: no server answered")


def race(*calls) -> list[int]:
    """Two people post at the same moment, one on each server."""
    barrier = threading.Barrier(len(calls))
    results = [0] * len(calls)

    def run(i, call):
        barrier.wait(30)
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    won = sum(1 for r in results if r == 302)
    with STATS.lock:
        key = "/".join(str(r) for r in sorted(results))
        STATS.races[key] = STATS.races.get(key, 0) + 1
        STATS.won += won
        STATS.lost += len(results) - won
    return results


# --- the run -------------------------------------------------------------------------------------------
def main() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or not redis_ok():
        print("soak_skipped: needs PostgreSQL (DATABASE_URL) and Redis (SOAK_REDIS_URL)")
        return
    started = time.perf_counter()
    # stopped from outside (timeout, Ctrl-C): still stop the servers and consumers and drop the database
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    media = Path(tempfile.mkdtemp(prefix="kt-soak-media-"))
    logs = Path(tempfile.mkdtemp(prefix="kt-soak-logs-"))
    queue = f"kt-soak-{os.getpid()}"
    os.environ.update({"SITE_URL": SITE, "DJANGO_SECRET_KEY": "soak-" + secrets.token_hex(24), "MEDIA_ROOT": str(media),
                       "REDIS_URL": REDIS_URL, "HUEY_NAME": queue, "HUEY_IMMEDIATE": "0",
                       "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_BEHIND_PROXY": "1", "AXES_ENABLED": "0",
                       "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost"})
    # One signing identity for every process (production refuses to start without one).
    from certificates.signing import generate_identity

    identity = Path(tempfile.mkdtemp(prefix="kt-soak-signing-"))
    generate_identity(identity / "key.pem", identity / "cert.pem", common_name="UBND tỉnh (soak)")
    os.environ.update({"CERTIFICATES_SIGNING_KEY": str(identity / "key.pem"),
                       "CERTIFICATES_SIGNING_CERT": str(identity / "cert.pem")})
    django_on_fresh_database(DB)
    collect_static()
    env = service_env(dict(os.environ))
    servers = [Server(port, env, logs) for port in PORTS]
    consumers = [Consumer(name, env, logs) for name in ("c1", "c2")]
    try:
        seed_started = time.perf_counter()
        world = seed()
        os.environ["SOAK_SEED_S"] = f"{time.perf_counter() - seed_started:.1f}"
        for consumer in consumers:
            consumer.start()
        for server in servers:
            server.start()
        setup_s = time.perf_counter() - started
        results = load(world, servers, consumers)
        drained = drain()
        report(world, results, drained, setup_s, time.perf_counter() - started, logs)
    finally:
        for process in servers + consumers:
            process.stop()
        from django.db import connections

        connections.close_all()
        drop_database(DB)
        clear_queue(queue)
        subprocess.run(["rm", "-rf", str(media), str(identity)], check=False)
        if not os.environ.get("SOAK_KEEP_LOGS"):
            subprocess.run(["rm", "-rf", str(logs)], check=False)
        else:
            print(f"soak_logs: {logs}")


def collect_static() -> None:
    """Production serves hashed static files (WhiteNoise's manifest): collect them, unless the
    collected manifest is newer than every source file (collecting takes ~20 s of CPU)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [p for p in (ROOT / "static").rglob("*") if p.is_file()] + [ROOT / "pyproject.toml"]
    if manifest.exists() and manifest.stat().st_mtime > max(p.stat().st_mtime for p in sources):
        return
    collect = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    if subprocess.run(collect, cwd=ROOT, env={**os.environ}, capture_output=True).returncode:
        # viewflow's bundled CSS names fonts it does not ship; no page of ours uses it
        subprocess.run([*collect, "-i", "viewflow"], cwd=ROOT, check=True, env={**os.environ})


def redis_ok() -> bool:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return False


def clear_queue(name: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{name}*"):
        client.delete(key)


def seed():
    """A province, UNITS units each with a dossier ready for the officer's "Hoàn tất" (documents,
    nominee and council result in place), four more ready to be sent (the calendar probes), the
    reviewers, two signers and an administrator; a session for each."""
    from types import SimpleNamespace

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from dossiers.models import Membership, Role, Unit
    from dossiers.services import council_record, document_upload
    from dossiers.setup import document_types, levels, provincial_campaign
    from workflows import services
    from workflows.walk import Actors, add_nominees, pdf, prepare

    lv = levels()
    province = Unit.objects.create(name="UBND tỉnh Lạng Sơn", level=lv["tinh"])
    stt = Unit.objects.create(name="Sở Thông tin và Truyền thông", level=lv["tinh"], parent=province)
    snv = Unit.objects.create(name="Sở Nội vụ", level=lv["tinh"], parent=province)
    today = timezone.localdate()
    campaign = provincial_campaign(province=province, appraising=stt, home_affairs=snv, plan_number="170/KH-SOAK",
                                   title="Soak", period=(today - dt.timedelta(days=120), today - dt.timedelta(days=1)),
                                   window=(today - dt.timedelta(days=1), today + dt.timedelta(days=30)))
    form = campaign.award_forms.get(code="bang-khen")
    User = get_user_model()

    def person(name, unit, role, **extra):
        user = User.objects.create(username=name, first_name=name, **extra)
        if unit is not None:
            title = {Role.UNIT_HEAD: "Giám đốc", Role.CHAIRMAN: "Phó Chủ tịch"}.get(role, "")
            Membership.objects.create(user=user, unit=unit, role=role, title=title,
                                      signs_for="CHỦ TỊCH" if role == Role.CHAIRMAN else "")
        return user

    def session(user) -> Browser:
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return Browser(user, store.session_key)

    types = document_types()
    units, probes = [], []
    for i in range(UNITS + 4):
        unit = Unit.objects.create(name=f"Sở ngành {i:02d}", level=lv["tinh"], parent=province)
        officer, head = person(f"canbo{i}", unit, Role.UNIT_OFFICER), person(f"thutruong{i}", unit, Role.UNIT_HEAD)
        dossier = services.dossier_create(campaign=campaign, award_form=form, unit=unit, actor=officer)
        (nominee,) = add_nominees(dossier, officer, collectives=[unit])
        for code in ("to-trinh", "bien-ban-hop-xet"):
            document_upload(dossier=dossier, actor=officer, file=pdf(f"{code}.pdf"), document_type=types[code])
        document_upload(dossier=dossier, actor=officer, file=pdf("bao-cao-07.pdf"),
                        document_type=types["bao-cao-thanh-tich"], nominee=nominee)
        council_record(dossier=dossier, actor=officer, held_on=today - dt.timedelta(days=1), members_total=7,
                       members_present=7, votes={nominee.pk: 7})
        entry = SimpleNamespace(dossier=dossier.pk, nominee=nominee.pk, officer=session(officer), head=session(head))
        if i < UNITS:
            units.append(entry)
        else:  # ready to be sent: a head's "Ký gửi" on a chosen server stamps the appraisal's due date
            prepare(dossier, Actors(officer=officer, head=head))
            probes.append(entry)
    admin = person("quantri", None, None, is_superuser=True, is_staff=True)
    return SimpleNamespace(
        form=form.pk, units=units, probes=probes, admin=session(admin),
        appraisers=[session(person(f"thamdinh{i}", stt, Role.APPRAISER)) for i in (1, 2)],
        home_affairs=[session(person(f"noivu{i}", snv, Role.HOME_AFFAIRS)) for i in (1, 2)],
        signers=[session(person(f"chutich{i}", province, Role.CHAIRMAN)) for i in (1, 2)])


def status_of(pk: int) -> str:
    from dossiers.models import Dossier

    return Dossier.objects.filter(pk=pk).values_list("status", flat=True).get()


def journey(world, entry, stop: threading.Event) -> None:
    """One dossier from "Hoàn tất" to "awaiting decision", by its unit and the reviewers."""
    from dossiers.models import DossierStatus as S

    pk = entry.dossier
    page = f"/ho-so/{pk}/"
    entry.officer.request("GET", page)
    entry.officer.request("POST", f"/ho-so/{pk}/hoan-tat/", {"seen_status": S.DRAFT})
    entry.head.request("GET", page)
    entry.head.request("POST", f"/ho-so/{pk}/gui/", {"seen_status": S.REPORTS_COMPLETE})
    for seen, (first, second) in ((S.SUBMITTED, world.appraisers), (S.APPRAISED, world.home_affairs)):
        if stop.is_set() or status_of(pk) != seen:
            return
        first.request("GET", "/viec-can-lam/")
        first.request("GET", f"/ho-so/{pk}/tham-dinh/")
        from dossiers.models import Document

        documents = Document.objects.filter(dossier_id=pk, is_current=True).values_list("pk", flat=True)
        posted = {"action": "approve", "seen_status": seen, "comment": "Đạt", **{f"verdict_{d}": "ok" for d in documents}}
        race(lambda u=first: u.request("POST", f"/ho-so/{pk}/tham-dinh/", posted, port=PORTS[0]),
             lambda u=second: u.request("POST", f"/ho-so/{pk}/tham-dinh/", posted, port=PORTS[1]))
    entry.officer.request("GET", page)


def sign_awaiting(world, number: int) -> int:
    """Both signers sign the dossiers awaiting a decision at the same moment, one on each server."""
    from dossiers.models import Dossier, DossierStatus, Nominee

    awaiting = list(Dossier.objects.filter(status=DossierStatus.AWAITING_DECISION).values_list("pk", flat=True))
    if not awaiting:
        return 0
    nominees = list(Nominee.objects.filter(dossier_id__in=awaiting).values_list("pk", flat=True))
    today = dt.date.today().isoformat()

    def posted(n):
        return {"award_form": world.form, "dossier": awaiting, "award": nominees, "number": f"{n}/QĐ-SOAK",
                "signed_on": today}

    a, b = world.signers
    a.request("GET", "/quyet-dinh/", port=PORTS[0])
    a.request("POST", "/quyet-dinh/", posted(number), port=PORTS[1])        # "Ký quyết định…": what will be signed
    race(lambda: a.request("POST", "/quyet-dinh/", {**posted(number), "action": "sign"}, port=PORTS[0]),
         lambda: b.request("POST", "/quyet-dinh/", {**posted(number + 1), "action": "sign"}, port=PORTS[1]))
    return len(awaiting)


def calendar_change(world) -> dict:
    """The administrator declares a day off on server A; then each server stamps a due date (a head
    sends a dossier there) until both agree with the new calendar."""
    from dossiers import calendar
    from dossiers.models import DossierStatus
    from workflows.deadlines import expected_due
    from workflows.flows import ACTIVE
    from workflows.models import DossierTask

    today = dt.date.today()
    day = calendar.add_working_days(today, 2)            # inside every open appraisal's span
    world.admin.request("POST", "/han-xu-ly/lich-lam-viec/", {"day": day.isoformat(), "kind": "off",
                                                             "note": "Nghỉ bù (soak)"}, port=PORTS[0])
    changed_at = time.perf_counter()
    agreed = {}
    probes = list(world.probes)
    for port in PORTS:
        while port not in agreed and probes and time.perf_counter() - changed_at < 60:
            entry = probes.pop(0)
            entry.head.request("POST", f"/ho-so/{entry.dossier}/gui/", {"seen_status": DossierStatus.REPORTS_COMPLETE},
                               port=port)
            task = DossierTask.objects.filter(dossier_id=entry.dossier, status__in=ACTIVE).first()
            if task is not None and task.step == "appraisal" and task.due_at == expected_due(task, calendar.current()):
                agreed[port] = time.perf_counter() - changed_at
    return {"day": day, "propagation_s": max(agreed.values()) if len(agreed) == len(PORTS) else float("inf"),
            "agreed": agreed}


def load(world, servers, consumers) -> dict:
    from certificates.models import Decision, RenderStatus

    stop = threading.Event()
    queue = list(world.units)
    queue_lock = threading.Lock()
    events = {}
    begin = time.perf_counter()

    def worker():
        while not stop.is_set():
            with queue_lock:
                if not queue:
                    return
                entry = queue.pop(0)
            try:
                journey(world, entry, stop)
            except Exception as exc:  # noqa: BLE001 - counted and shown: the user gave up on this dossier
                with STATS.lock:
                    STATS.client_errors.append(f"dossier {entry.dossier}: {exc!r}")

    def browser():   # pages nobody posts from: the inbox, home, dashboard, a dossier
        users = [*world.appraisers, *world.home_affairs, *world.signers]
        while not stop.is_set():
            user = random.choice(users)
            user.request("GET", random.choice(["/", "/viec-can-lam/", "/thong-ke/", "/han-xu-ly/"]))
            time.sleep(0.2)

    def signer():
        number = 1
        while not stop.wait(12):
            if sign_awaiting(world, number):
                number += 2

    monitor_stop = threading.Event()
    connections_seen = []

    def monitor():
        import psycopg

        with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
            while not monitor_stop.is_set():
                row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                   "AND application_name = %s", [APP_NAME]).fetchone()
                connections_seen.append(row[0])
                monitor_stop.wait(0.25)

    threads = [threading.Thread(target=worker) for _ in range(USERS)]
    threads += [threading.Thread(target=browser), threading.Thread(target=signer)]
    watcher = threading.Thread(target=monitor)
    watcher.start()
    for t in threads:
        t.start()
    # the faults, at fixed points of the run
    time.sleep(LOAD_SECONDS * 0.3)
    events["restart_at_s"] = round(time.perf_counter() - begin, 1)
    servers[1].stop(signal.SIGTERM)
    servers[1].start()
    events["restart_done_s"] = round(time.perf_counter() - begin, 1)
    deadline = time.monotonic() + LOAD_SECONDS * 0.2
    while time.monotonic() < deadline and not Decision.objects.filter(render_status=RenderStatus.RUNNING).exists():
        time.sleep(0.2)
    events["render_running_at_kill"] = Decision.objects.filter(render_status=RenderStatus.RUNNING).exists()
    events["kill_at_s"] = round(time.perf_counter() - begin, 1)
    consumers[0].stop(signal.SIGKILL)
    time.sleep(3)
    consumers[0].start()
    events["calendar"] = calendar_change(world)
    events["calendar_at_s"] = round(time.perf_counter() - begin, 1)
    remaining = LOAD_SECONDS - (time.perf_counter() - begin)
    if remaining > 0:
        time.sleep(remaining)
    stop.set()
    for t in threads:
        t.join(120)
    sign_awaiting(world, 901)                             # whatever reached the decision step meanwhile
    events["load_s"] = round(time.perf_counter() - begin, 1)
    monitor_stop.set()
    watcher.join(10)
    events["connections_max"] = max(connections_seen or [0])
    return events


def drain() -> dict:
    from certificates.models import Decision, RenderStatus

    deadline = time.monotonic() + DRAIN_SECONDS
    while time.monotonic() < deadline:
        if not Decision.objects.exclude(render_status__in=[RenderStatus.DONE, RenderStatus.FAILED]).exists():
            break
        time.sleep(0.5)
    return {"stuck": Decision.objects.exclude(render_status=RenderStatus.DONE).count(),
            "decisions": Decision.objects.count()}


def invariant_violations() -> list[str]:
    from certificates.models import Certificate, RegisterCounter
    from dossiers.models import STEP_AT_STATUS, Dossier, DossierEvent, DossierStatus
    from workflows.deadlines import deadlines_disagreeing
    from workflows.flows import ACTIVE
    from workflows.models import REVISION, DossierTask

    problems = []
    open_tasks: dict[int, list[str]] = {}
    for dossier_id, step in DossierTask.objects.filter(status__in=ACTIVE, flow_task_type="HUMAN").values_list(
            "dossier_id", "step"):
        open_tasks.setdefault(dossier_id, []).append(step)
    events: dict[int, list[tuple[str, str]]] = {}
    for dossier_id, before, after in (DossierEvent.objects.exclude(to_status="").order_by("dossier_id", "pk")
                                      .values_list("dossier_id", "from_status", "to_status")):
        events.setdefault(dossier_id, []).append((before, after))
    for pk, status in Dossier.objects.values_list("pk", "status"):
        tasks = open_tasks.get(pk, [])
        if status in STEP_AT_STATUS or status == DossierStatus.RETURNED:
            expected = REVISION if status == DossierStatus.RETURNED else STEP_AT_STATUS[status]
            if tasks != [expected]:
                problems.append(f"dossier {pk} ({status}): open tasks {tasks}")
        elif tasks:
            problems.append(f"dossier {pk} ({status}): closed but open tasks {tasks}")
        chain = events.get(pk, [])
        if not chain or chain[-1][1] != status:
            problems.append(f"dossier {pk}: status {status}, last event {chain[-1] if chain else None}")
        for (_b1, a1), (b2, a2) in zip(chain, chain[1:]):
            if b2 != a1:
                problems.append(f"dossier {pk}: doubled or broken transition {b2}->{a2} after ->{a1}")
    numbers = sorted(Certificate.objects.values_list("register_number", flat=True))
    if numbers != list(range(1, len(numbers) + 1)):
        problems.append(f"register numbers not 1..{len(numbers)}: {numbers[:10]}…")
    counter = RegisterCounter.objects.values_list("last", flat=True).first() if numbers else None
    if numbers and counter is not None and counter != len(numbers):
        problems.append(f"register counter {counter} != {len(numbers)} certificates")
    problems += [f"task {t.pk} due {t.due_at} should be {right}" for t, right in deadlines_disagreeing()]
    return problems


def calendar_query_ms() -> float:
    from django.db import connection

    from dossiers import calendar
    from dossiers.models import CalendarDay

    for year in range(2016, 2027):   # a decade of overrides: ~6 entries a year
        for day in (dt.date(year, 4, 29), dt.date(year, 5, 4), dt.date(year, 9, 3), dt.date(year, 12, 31),
                    dt.date(year, 1, 2), dt.date(year, 2, 17)):
            CalendarDay.objects.get_or_create(date=day, defaults={"is_working": False, "note": "bench"})
    times = []
    for _ in range(200):
        start = time.perf_counter()
        calendar.current()
        times.append((time.perf_counter() - start) * 1000)
    CalendarDay.objects.filter(note="bench").delete()
    connection.close()
    return statistics.median(times)


def report(world, events, drained, setup_s, total_s, logs) -> None:
    violations = invariant_violations()
    budget = len(PORTS) * WORKERS * THREADS + 2 * (CONSUMER_WORKERS + 1)
    calendar = events["calendar"]
    print(f"soak_requests: {STATS.requests}")
    print(f"soak_5xx: {STATS.errors_5xx}")
    print(f"soak_409: {STATS.conflicts_409}")
    print(f"soak_failovers: {STATS.failovers}")
    print(f"soak_conflicts_won: {STATS.won}")
    print(f"soak_conflicts_lost: {STATS.lost}")
    print(f"soak_invariant_violations: {len(violations)}")
    print(f"soak_calendar_propagation_s: {calendar['propagation_s']:.2f}")
    print(f"soak_pg_connections_max: {events['connections_max']}")
    print(f"soak_pg_connections_budget: {budget}")
    print(f"soak_stuck_renders: {drained['stuck']}")
    print(f"soak_decisions: {drained['decisions']}")
    print(f"calendar_query_ms: {calendar_query_ms():.3f}")
    print(f"soak_setup_s: {setup_s:.1f} (seeding {os.environ.get('SOAK_SEED_S')} s)")
    print(f"soak_seconds: {total_s:.1f}")
    print(f"soak_events: restart {events['restart_at_s']}-{events['restart_done_s']} s, consumer killed at "
          f"{events['kill_at_s']} s (render running: {events['render_running_at_kill']}), calendar change "
          f"{calendar['day']:%d/%m/%Y} at {events['calendar_at_s']} s, load {events['load_s']} s")
    for line in violations[:10]:
        print(f"  violation: {line}")
    print(f"soak_answers: {dict(sorted(STATS.by_status.items()))}; races {STATS.races}")
    for key, count in sorted(STATS.refusals.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  400 x{count}: {key}")
    print(f"soak_client_errors: {len(STATS.client_errors)}")
    for line in STATS.client_errors[:3]:
        print(f"  client error: {line}")
    for sample in STATS.samples_5xx:
        print(f"  5xx: {sample}")
    if STATS.errors_5xx:
        os.environ["SOAK_KEEP_LOGS"] = "1"


if __name__ == "__main__":
    main()
