"""gunicorn settings for `make serve` and the systemd unit in README "Deploy".

Worker class gthread: WEB_WORKERS processes x WEB_THREADS threads each. Requests of one process run
in threads, so request code keeps no shared mutable state (issue 18.4). With persistent database
connections (DATABASE_CONN_MAX_AGE > 0) each thread keeps at most one connection: a web server holds
at most WEB_WORKERS x WEB_THREADS connections (the connection budget, README "Deploy")."""

import os
import sys
from pathlib import Path

# The same .env as Django's settings (environment wins), so PORT, WEB_WORKERS… may live there too.
_base = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(_base))
from config.env import load_env_file  # noqa: E402

if os.environ.get("DJANGO_ENV_FILE", "x"):
    load_env_file(os.environ.get("DJANGO_ENV_FILE") or _base / ".env")

bind = os.environ.get("GUNICORN_BIND") or f"{os.environ.get('BIND_ADDRESS', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
# Certificate batches render in the consumer; a request taking longer than this is killed and logged.
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (slow leaks in C libraries: WeasyPrint, Pango).
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Logs to stdout/stderr (journald under systemd). The access log carries the request id that Django
# logs on every line of the same request (X-Request-ID, ops.requestid).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'
# X-Forwarded-* is trusted from these addresses only (the reverse proxy); Django trusts
# X-Forwarded-Proto only with DJANGO_BEHIND_PROXY=1.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Keep uploads spooled by Django on disk, not in gunicorn's memory.
limit_request_line = 8190
# gunicorn's control socket defaults to ~/.gunicorn/gunicorn.ctl: one path for every server a user
# runs (several app servers on one machine would fight over it). Off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
