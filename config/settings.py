"""Settings: one module, every value from the environment (documented in .env.example), or from a
`.env` file beside manage.py (DJANGO_ENV_FILE names another; the real environment always wins)."""

import datetime as dt
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str, load_env_file

BASE_DIR = Path(__file__).resolve().parent.parent
if os.environ.get("DJANGO_ENV_FILE", "x"):
    load_env_file(os.environ.get("DJANGO_ENV_FILE") or BASE_DIR / ".env")
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY is required when DJANGO_DEBUG=0")
    SECRET_KEY = "dev-only-insecure-key"
# The environment's development flag (the test runner turns settings.DEBUG off; this stays): demo data
# with the published password only then.
DEMO_DATA_ALLOWED = DEBUG
# The demo loader keeps the PDFs it makes here and reads them back the next time the same page is made.
DEMO_RENDER_CACHE_DIR = Path(env_str("DEMO_RENDER_CACHE_DIR", str(VAR_DIR / "cache" / "demo-pdf")))
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
_site = urlparse(SITE_URL)
if _site.scheme not in ("http", "https") or not _site.hostname:
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r}: use an absolute http(s) URL such as https://khenthuong.langson.gov.vn")
if not DEBUG and _site.scheme != "https":
    raise ImproperlyConfigured(f"SITE_URL={SITE_URL!r} must be https:// when DJANGO_DEBUG=0")
# Browsers send Origin: https://<SITE_URL host>; behind a TLS-terminating proxy Django itself sees http,
# so the public origin is trusted explicitly (plus any other listed in CSRF_TRUSTED_ORIGINS).
CSRF_TRUSTED_ORIGINS = [f"{_site.scheme}://{_site.netloc}", *env_list("CSRF_TRUSTED_ORIGINS")]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "rules.apps.AutodiscoverRulesConfig",
    "viewflow",
    "viewflow.workflow",
    "huey.contrib.djhuey",
    "outbox",
    "dossiers",
    "workflows",
    "certificates",
    "criteria",
    "precheck",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "register",
    "imports",
    "ops",
]

MIDDLEWARE = [
    "ops.requestid.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Production serves static files itself (WhiteNoise, hashed names); development: runserver does.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "dossiers.rules.AuthorityMiddleware",  # roles and delegations read once per request
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.SessionIdleMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
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
# Connections (README "Deploy", connection budget): DATABASE_CONN_MAX_AGE seconds a connection is kept
# open after a request (default 0 with DJANGO_DEBUG=1, 60 in production), always 0 under the
# development server (it runs each request in a new thread: a kept connection would outlive it);
# DATABASE_POOL_MAX > 0 uses Django's psycopg pool instead (per process, at most that many).
_DEV_SERVER = len(sys.argv) > 1 and sys.argv[1] in ("runserver", "run_all")
_conn_max_age = 0 if _DEV_SERVER else env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60)
_pool_max = env_int("DATABASE_POOL_MAX", 0)
_database_url = env_str("DATABASE_URL")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=_conn_max_age,
                                                  conn_health_checks=True)}
    if _pool_max > 0 and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections, Django does not
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env_int("DATABASE_POOL_MIN", 0),
            "max_size": _pool_max,
            "timeout": env_int("DATABASE_POOL_TIMEOUT", 10),
            "max_idle": env_int("DATABASE_POOL_MAX_IDLE", 60),
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            "CONN_HEALTH_CHECKS": True,
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
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username or client
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    # Stricter than Django's 0.7: "canbo12345" for user "canbo" is refused.
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"max_similarity": 0.6}},
    {"NAME": "ops.passwords.UsernameInPasswordValidator"},
    {"NAME": "ops.passwords.MinimumLengthValidator",
     "OPTIONS": {"min_length": max(10, env_int("PASSWORD_MIN_LENGTH", 10))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# collectstatic keeps only the hashed copies (the pages name no other) and compresses neither source maps
# (14 of the 31 MB collected; no browser fetches them unless its developer tools are open) nor what is already
# compressed: brotli at its best quality over the rest takes seconds, not minutes.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "xz", "br",
                                       "woff", "woff2", "map")
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "config.staticfiles.AppDirectoriesFinder",  # every app's static files but viewflow's (unused)
]
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or str(VAR_DIR / "media"))
MEDIA_URL = "/media/"

UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 20) * 1024 * 1024
# Let Django stream large uploads to disk; the service enforces the limit with a clear message.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A full disk while a large upload is received is reported to the upload view (a clear message).
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "dossiers.uploadhandlers.TemporaryFileUploadHandlerReportingDiskErrors",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Deep checks of uploads (dossiers/inspection.py): zip bombs in Word files, image sizes, PDF objects.
UPLOAD_DOCX_MAX_UNCOMPRESSED_BYTES = env_int("UPLOAD_DOCX_MAX_UNCOMPRESSED_MB", 200) * 1024 * 1024
UPLOAD_DOCX_MAX_RATIO = env_int("UPLOAD_DOCX_MAX_RATIO", 100)
UPLOAD_IMAGE_MAX_PIXELS = env_int("UPLOAD_IMAGE_MAX_MEGAPIXELS", 40) * 1_000_000
UPLOAD_PDF_MAX_OBJECTS = env_int("UPLOAD_PDF_MAX_OBJECTS", 200_000)
# Optional virus scan by clamd (a Unix socket, or host and port). Configured: fails closed.
CLAMD_SOCKET = env_str("CLAMD_SOCKET")
CLAMD_HOST = env_str("CLAMD_HOST")
CLAMD_PORT = env_int("CLAMD_PORT", 3310)
CLAMD_TIMEOUT = env_int("CLAMD_TIMEOUT", 30)

_storage_backend = env_str("STORAGE_BACKEND", "local")
if _storage_backend == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "file_overwrite": False,
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
    # Production: WhiteNoise serves collectstatic's output with hashed names (cached for a year) and
    # gzip/brotli copies. Development and tests: plain files from the finders, no manifest needed.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "config.staticfiles.StaticFilesStorage"},
}

# Background work: Huey. SQLite storage on one machine, Redis when REDIS_URL is set.
_redis_url = env_str("REDIS_URL")
HUEY = {
    "name": env_str("HUEY_NAME", "khenthuong"),
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "results": False,
    "utc": True,
    "consumer": {"workers": env_int("HUEY_WORKERS", 2), "worker_type": "thread"},
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
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 14)  # delivered messages are kept this long (admin, audit)
# Pre-check assistant (precheck/): every uploaded PDF is read in the queue (text layer; Tesseract OCR
# with PRECHECK_OCR_LANG for scanned pages, rasterised at PRECHECK_OCR_DPI, at most PRECHECK_OCR_MAX_PAGES
# pages per document, each program stopped after its timeout). A read that fails is retried through the
# outbox; after PRECHECK_MAX_ATTEMPTS the document shows "kiểm tra không thành công" with a retry button.
PRECHECK_OCR_LANG = env_str("PRECHECK_OCR_LANG", "vie")
PRECHECK_OCR_DPI = env_int("PRECHECK_OCR_DPI", 300)
PRECHECK_OCR_MAX_PAGES = env_int("PRECHECK_OCR_MAX_PAGES", 30)
PRECHECK_OCR_TIMEOUT = env_int("PRECHECK_OCR_TIMEOUT", 120)
PRECHECK_TEXT_TIMEOUT = env_int("PRECHECK_TEXT_TIMEOUT", 60)
PRECHECK_MAX_ATTEMPTS = env_int("PRECHECK_MAX_ATTEMPTS", 3)
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
# Where people report an accessibility problem (the statement page, /kha-nang-tiep-can/).
ACCESSIBILITY_CONTACT_EMAIL = env_str("ACCESSIBILITY_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)

# Sessions end after SESSION_IDLE_MINUTES without a request (config.middleware.SessionIdleMiddleware
# renews the expiry at most once a minute), and at once on every device when the password changes
# (Django's session auth hash).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
SESSION_COOKIE_HTTPONLY = True
# Secure by default when DEBUG is off (manage.py check --deploy --fail-level WARNING is clean).
_https = not DEBUG
SESSION_COOKIE_SECURE = _https
CSRF_COOKIE_SECURE = _https
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", _https)
# Load balancers probe over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000 if _https else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload token only consents; the domain enters browsers' lists when someone submits it.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
# Trust X-Forwarded-Proto only when a proxy that sets it (and strips it from clients) is in front.
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = env_bool("DJANGO_USE_X_FORWARDED_HOST", False)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from our static files, never inline.
# Style attributes stay allowed ('unsafe-inline' for style-src only): they cannot run code.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Accounts: django-axes locks out a username, and separately a client address, after
# AXES_FAILURE_LIMIT failed logins, for AXES_COOLOFF_MINUTES (templates/registration/lockout.html
# says until when). Every failure is logged (logger "axes" and the admin's "Access failures").
# Unlock: admin > Axes > Access attempts (delete), or `manage.py axes_reset_username <name>`.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = env_list("AXES_LOCKOUT_PARAMETERS", "username,ip_address")
AXES_LOCKOUT_CALLABLE = "ops.accounts.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = True
AXES_SENSITIVE_PARAMETERS = []  # log the username and client of a failure (the password never)
AXES_USERNAME_FORM_FIELD = "username"
# Behind DJANGO_BEHIND_PROXY the client address is the one the proxy appends to X-Forwarded-For.
if env_bool("DJANGO_BEHIND_PROXY", False):
    AXES_IPWARE_PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1)
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_HOURS", 24) * 3600

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line carries the request id (X-Request-ID, ops.requestid), "-" outside a request.
    "filters": {"request_id": {"()": "ops.requestid.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "khenthuong": {"level": "INFO"},
        "axes": {"level": "INFO"},  # every failed login, lockout and unlock
        "axes.apps": {"level": "WARNING"},
        "huey": {"level": "INFO", "propagate": False},  # the consumer logs through its own handler
    },
}

# Certificates (certificates/): the signing identity (PEM files), rendering processes, and whether to
# render in the web process right after commit instead of in the Huey consumer. Without a key and
# certificate a self-signed demo identity is generated on first use in var/signing/ — only with
# DJANGO_DEBUG=1 or CERTIFICATES_DEMO_IDENTITY=1 (tests); production refuses to start without them
# (several servers would otherwise sign with several identities).
CERTIFICATES_SIGNING_KEY = env_str("CERTIFICATES_SIGNING_KEY") or None
CERTIFICATES_SIGNING_CERT = env_str("CERTIFICATES_SIGNING_CERT") or None
CERTIFICATES_DEMO_IDENTITY = env_bool("CERTIFICATES_DEMO_IDENTITY", DEBUG)
CERTIFICATES_SIGNING_DIR = Path(env_str("CERTIFICATES_SIGNING_DIR") or VAR_DIR / "signing")  # the demo identity
# Or the key in a PKCS#11 token / HSM (certificates/signing.py): the module (.so), the token by label or
# slot number, the key by label (and/or id in hex), its certificate on the token (by label, default the
# key's) or in a file; the user PIN from the environment or, better, a file readable by the service only.
CERTIFICATES_PKCS11_MODULE = env_str("CERTIFICATES_PKCS11_MODULE") or None
CERTIFICATES_PKCS11_TOKEN_LABEL = env_str("CERTIFICATES_PKCS11_TOKEN_LABEL") or None
CERTIFICATES_PKCS11_SLOT = env_int("CERTIFICATES_PKCS11_SLOT", -1)
CERTIFICATES_PKCS11_KEY_LABEL = env_str("CERTIFICATES_PKCS11_KEY_LABEL") or None
CERTIFICATES_PKCS11_KEY_ID = env_str("CERTIFICATES_PKCS11_KEY_ID") or None
CERTIFICATES_PKCS11_CERT_LABEL = env_str("CERTIFICATES_PKCS11_CERT_LABEL") or None
CERTIFICATES_PKCS11_CERT_FILE = env_str("CERTIFICATES_PKCS11_CERT_FILE") or None
CERTIFICATES_PKCS11_PIN = env_str("CERTIFICATES_PKCS11_PIN") or None
CERTIFICATES_PKCS11_PIN_FILE = env_str("CERTIFICATES_PKCS11_PIN_FILE") or None
# Hash on the server and have the token sign the digest (CKM_ECDSA, CKM_RSA_PKCS): works with tokens that
# lack the hash-and-sign mechanisms (SoftHSM2 has no CKM_ECDSA_SHA256). 0: the token hashes.
CERTIFICATES_PKCS11_RAW_MECHANISM = env_bool("CERTIFICATES_PKCS11_RAW_MECHANISM", True)
if CERTIFICATES_PKCS11_MODULE:
    if not Path(CERTIFICATES_PKCS11_MODULE).is_file():
        raise ImproperlyConfigured(f"CERTIFICATES_PKCS11_MODULE={CERTIFICATES_PKCS11_MODULE!r} is not a file "
                                   "(e.g. /usr/lib/softhsm/libsofthsm2.so or the token vendor's module)")
    if not (CERTIFICATES_PKCS11_TOKEN_LABEL or CERTIFICATES_PKCS11_SLOT >= 0):
        raise ImproperlyConfigured("CERTIFICATES_PKCS11_MODULE needs CERTIFICATES_PKCS11_TOKEN_LABEL or "
                                   "CERTIFICATES_PKCS11_SLOT")
    if not (CERTIFICATES_PKCS11_KEY_LABEL or CERTIFICATES_PKCS11_KEY_ID):
        raise ImproperlyConfigured("CERTIFICATES_PKCS11_MODULE needs CERTIFICATES_PKCS11_KEY_LABEL or "
                                   "CERTIFICATES_PKCS11_KEY_ID")
    if CERTIFICATES_PKCS11_PIN_FILE and not Path(CERTIFICATES_PKCS11_PIN_FILE).is_file():
        raise ImproperlyConfigured(f"CERTIFICATES_PKCS11_PIN_FILE={CERTIFICATES_PKCS11_PIN_FILE!r} is not a file")
# Trust list for signatures made elsewhere (a signer's own token, a unit's signed upload): the government
# CA roots as files (DER or PEM, .cer/.crt/.pem) in TRUST_DIR, plus any extra files listed.
SIGNATURES_TRUST_DIR = Path(env_str("SIGNATURES_TRUST_DIR") or BASE_DIR / "trust")
SIGNATURES_TRUST_FILES = env_list("SIGNATURES_TRUST_FILES")
# The one-time link to the draft a signer signs with their own token, and the session around it.
CERTIFICATES_TOKEN_SIGNING_MINUTES = env_int("CERTIFICATES_TOKEN_SIGNING_MINUTES", 30)
if CERTIFICATES_SIGNING_KEY or CERTIFICATES_SIGNING_CERT:
    for _name, _value in (("CERTIFICATES_SIGNING_KEY", CERTIFICATES_SIGNING_KEY),
                          ("CERTIFICATES_SIGNING_CERT", CERTIFICATES_SIGNING_CERT)):
        if not _value or not Path(_value).is_file():
            raise ImproperlyConfigured(f"{_name}={_value!r}: set both CERTIFICATES_SIGNING_KEY and "
                                       "CERTIFICATES_SIGNING_CERT to readable PEM files")
elif not (CERTIFICATES_DEMO_IDENTITY or CERTIFICATES_PKCS11_MODULE):
    raise ImproperlyConfigured(
        "CERTIFICATES_SIGNING_KEY and CERTIFICATES_SIGNING_CERT (PEM files) or CERTIFICATES_PKCS11_MODULE (a token) "
        "are required when DJANGO_DEBUG=0: "
        "decisions and certificates are signed with the province's key, never with a generated demo identity")
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

# REST API (api/): people by session, systems by client-credentials bearer tokens; problem details.
API_TOKEN_SECONDS = env_int("API_TOKEN_SECONDS", 3600)
API_RATE_CLIENT = env_str("API_RATE_CLIENT", "600/min")
API_RATE_TOKEN = env_str("API_RATE_TOKEN", "30/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ClientTokenAuthentication",
        "api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.HasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.ClientRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Khen thưởng API",
    "DESCRIPTION": ("Hồ sơ đề nghị khen thưởng, quyết định và khen thưởng. Hệ thống kết nối lấy mã truy cập "
                    "tại POST /api/v1/token/ (client credentials); lỗi trả về dạng application/problem+json."),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DossierStatusEnum": "dossiers.models.DossierStatus",
        "DecisionStatusEnum": "certificates.models.DecisionStatus",
        "EventKindEnum": "dossiers.models.EventKind",
        "NomineeKindEnum": "dossiers.models.NomineeKind",
        "StepEnum": "dossiers.models.Step",
        "UnitStepEnum": "api.serializers.UNIT_STEP_CHOICES",
    },
}
# Operations (ops/): /healthz, /readyz (a consumer heartbeat written every minute is fresh if younger
# than CONSUMER_HEARTBEAT_MAX_AGE seconds), `manage.py backup` / `restore`.
CONSUMER_HEARTBEAT_MAX_AGE = env_int("CONSUMER_HEARTBEAT_MAX_AGE", 180)
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
