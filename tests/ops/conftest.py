"""Real processes in production mode (DJANGO_DEBUG=0): `manage.py` commands, gunicorn, a Huey
consumer, each with a clean environment built here (nothing inherited from the test run but PATH)."""

import http.client
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
PY = sys.executable
SITE_HOST = "khenthuong.example.vn"


def signing_identity(folder: Path) -> tuple[Path, Path]:
    from certificates.signing import generate_identity

    key, cert = folder / "key.pem", folder / "cert.pem"
    if not key.exists():
        generate_identity(key, cert, common_name="UBND tinh (test)")
    return key, cert


def production_env(tmp: Path, **extra) -> dict:
    """The documented required variables only (README "Deploy"), SQLite in `tmp` unless given."""
    tmp.mkdir(parents=True, exist_ok=True)
    key, cert = signing_identity(tmp)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
        "DJANGO_ENV_FILE": "",                       # no .env from the developer's checkout
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": f"{SITE_HOST},127.0.0.1",
        "SITE_URL": f"https://{SITE_HOST}",
        "CERTIFICATES_SIGNING_KEY": str(key),
        "CERTIFICATES_SIGNING_CERT": str(cert),
        "SQLITE_PATH": str(tmp / "db.sqlite3"),
        "MEDIA_ROOT": str(tmp / "media"),
        "STATIC_ROOT": str(tmp / "static"),
        "HUEY_SQLITE_PATH": str(tmp / "huey.sqlite3"),
        "BACKUP_DIR": str(tmp / "backups"),
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


def manage(env: dict, *args, check=True, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run([PY, str(BASE / "manage.py"), *args], cwd=BASE, env=env, capture_output=True,
                            text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} -> {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def request(port, method, path, *, headers=None, body=None, timeout=10):
    """One HTTP request to 127.0.0.1:port; returns (status, headers as dict of lists, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": SITE_HOST, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        heads = {}
        for name, value in response.getheaders():
            heads.setdefault(name.lower(), []).append(value)
        return response.status, heads, data
    finally:
        conn.close()


class Process:
    """A server or consumer started for a test, its output kept in a file, stopped with SIGTERM (then
    SIGKILL) by its own pid."""

    def __init__(self, args, env, log: Path):
        self.log = log
        self._out = open(log, "wb")
        self.proc = subprocess.Popen(args, cwd=BASE, env=env, stdout=self._out, stderr=subprocess.STDOUT)

    def output(self) -> str:
        self._out.flush()
        return self.log.read_text(errors="replace")

    def wait_http(self, port, path="/healthz", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"process exited {self.proc.returncode}:\n{self.output()[-4000:]}")
            try:
                status, _h, _b = request(port, "GET", path, timeout=2)
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"no answer on port {port} within {timeout} s:\n{self.output()[-4000:]}")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._out.close()


def gunicorn(env: dict, port: int, log: Path, **extra) -> Process:
    env = {**env, "PORT": str(port), "BIND_ADDRESS": "127.0.0.1", "WEB_WORKERS": "1", "WEB_THREADS": "2", **extra}
    return Process([str(Path(PY).parent / "gunicorn"), "-c", "config/gunicorn.conf.py", "config.wsgi"], env, log)


def consumer(env: dict, log: Path) -> Process:
    return Process([PY, str(BASE / "manage.py"), "run_huey", "--workers", "1"], env, log)


@pytest.fixture
def prod_tmp(tmp_path):
    return tmp_path / "prod"
