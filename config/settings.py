"""Settings: one module, every value from the environment (documented in .env.example)."""

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "viewflow",
    "viewflow.workflow",
    "huey.contrib.djhuey",
    "outbox",
    "dossiers",
    "workflows",
    "certificates",
    "dossiers.criteria",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workflows.notifications.context",
                "workflows.views.nav_context",
            ],
        },
    },
]

# Database: SQLite (embedded default) or DATABASE_URL (PostgreSQL in production).
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "OPTIONS": {
                # Writers queue on BEGIN instead of failing with "database is locked" mid-way.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"

UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
# Let Django stream large uploads to disk; the service enforces the limit with a clear message.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

_storage_backend = env_str("STORAGE_BACKEND", "local")
if _storage_backend == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
elif _storage_backend == "local":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise ImproperlyConfigured(f"STORAGE_BACKEND={_storage_backend!r}: use 'local' or 's3'")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Background work: Huey. SQLite storage on one machine, Redis when REDIS_URL is set.
_redis_url = env_str("REDIS_URL")
HUEY = {
    "name": env_str("HUEY_NAME", "khenthuong"),
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "results": False,
    "utc": True,
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if _redis_url:
    HUEY.update({"huey_class": "huey.PriorityRedisHuey", "url": _redis_url})
else:
    HUEY.update(
        {
            "huey_class": "huey.SqliteHuey",
            "filename": env_str("HUEY_SQLITE_PATH", str(VAR_DIR / "huey.sqlite3")),
        }
    )
# Outbox (outbox/): side effects recorded with the action, delivered by a dispatcher (a Huey task every
# minute, a kick after each commit, or `manage.py drain_outbox`). A failed delivery is retried after
# BASE·2^(n-1) seconds, at most MAX; a dispatcher that dies gives its messages back after LEASE.
OUTBOX_KICK = env_bool("OUTBOX_KICK", True)
OUTBOX_RETRY_BASE_SECONDS = env_int("OUTBOX_RETRY_BASE_SECONDS", 5)
OUTBOX_RETRY_MAX_SECONDS = env_int("OUTBOX_RETRY_MAX_SECONDS", 60)
OUTBOX_LEASE_SECONDS = env_int("OUTBOX_LEASE_SECONDS", 300)
# Tamper-evident history (dossiers/audit.py): the consumer verifies the hash chains every N minutes
# (≤ 60; the result is the last AuditCheck row, shown by the readiness endpoint).
AUDIT_VERIFY_MINUTES = env_int("AUDIT_VERIFY_MINUTES", 30)
# Deadlines (workflows/deadlines.py): the scan runs in the consumer every DEADLINE_SCAN_MINUTES.
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 2)
LATE_EXTENSION_DAYS = env_int("LATE_EXTENSION_DAYS", 3)
DEADLINE_SCAN_MINUTES = env_int("DEADLINE_SCAN_MINUTES", 5)

_email_url = env_str("EMAIL_URL")
if _email_url:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    from urllib.parse import urlparse

    _mail = urlparse(_email_url)
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or 25
    EMAIL_HOST_USER = _mail.username or ""
    EMAIL_HOST_PASSWORD = _mail.password or ""
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "khenthuong@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and SITE_URL.startswith("https")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "khenthuong": {"level": "INFO"},
        "huey": {"level": "INFO", "propagate": False},  # the consumer logs through its own handler
    },
}

# Certificates (certificates/): the signing identity (PEM files; empty: a self-signed demo identity
# generated on first use in var/signing/), rendering processes, and whether to render in the web
# process right after commit instead of in the Huey consumer.
CERTIFICATES_SIGNING_KEY = env_str("CERTIFICATES_SIGNING_KEY") or None
CERTIFICATES_SIGNING_CERT = env_str("CERTIFICATES_SIGNING_CERT") or None
CERTIFICATES_RENDER_WORKERS = env_int("CERTIFICATES_RENDER_WORKERS", 2)
CERTIFICATES_RENDER_INLINE = env_bool("CERTIFICATES_RENDER_INLINE", False)
# Honest rendering (certificates/tasks.py): the renderer beats every HEARTBEAT seconds; a render without a
# beat for STALL seconds (or whose process is gone) is re-queued by the sweeper; a chunk that takes longer
# than CHUNK_TIMEOUT fails the attempt; after MAX_ATTEMPTS failed attempts the decision shows "failed".
CERTIFICATES_RENDER_CHUNK_SIZE = env_int("CERTIFICATES_RENDER_CHUNK_SIZE", 50)  # certificates per stored chunk
CERTIFICATES_RENDER_HEARTBEAT_SECONDS = env_int("CERTIFICATES_RENDER_HEARTBEAT_SECONDS", 5)
CERTIFICATES_RENDER_STALL_SECONDS = env_int("CERTIFICATES_RENDER_STALL_SECONDS", 60)
CERTIFICATES_RENDER_CHUNK_TIMEOUT = env_int("CERTIFICATES_RENDER_CHUNK_TIMEOUT", 300)
CERTIFICATES_RENDER_MAX_ATTEMPTS = env_int("CERTIFICATES_RENDER_MAX_ATTEMPTS", 3)
CERTIFICATES_RENDER_RETRY_SECONDS = env_int("CERTIFICATES_RENDER_RETRY_SECONDS", 10)
