"""One settings module, configured from the environment (docs/api-conventions.md, "Set-up").

Business rules (fees, periods, SLA targets) are NOT here: they are rows in the
database, editable in the admin.
"""
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

DEBUG = env.bool("AFTERSALES_DEBUG", default=False)
DATA_DIR = Path(env.str("AFTERSALES_DATA_DIR", default="./var")).resolve()
# A fresh clone serves the demo without any configuration; the generated key lives in the
# data directory so sessions survive restarts. Set AFTERSALES_SECRET_KEY in production.
SECRET_KEY = env.str("AFTERSALES_SECRET_KEY", default="")
if not SECRET_KEY:
    from django.core.management.utils import get_random_secret_key

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(get_random_secret_key())
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env.list("AFTERSALES_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("AFTERSALES_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",  # serves the API docs (Swagger UI) from our static files, not a CDN
    "django_htmx",
    "template_partials",
    "simple_history",
    "aftersales.core",
    "aftersales.network",
    "aftersales.customers",
    "aftersales.catalog",
    "aftersales.devices",
    "aftersales.contracts",
    "aftersales.inventory",
    "aftersales.tickets",
    "aftersales.billing",
    "aftersales.portal",
    "aftersales.reports",
    "aftersales.notifications",
    "aftersales.telephony",
    "aftersales.campaigns",
    "aftersales.imports",
    "aftersales.demo",
    "aftersales.console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "aftersales.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "aftersales.core.replica.ReportsReplicaMiddleware",
    "aftersales.core.middleware.EdgeMiddleware",
]

# Deployment (API.md "Set-up"): switch these on behind HTTPS; `aftersales check --deploy`
# is clean with them set.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("AFTERSALES_SECURE_COOKIES", default=False)
SECURE_HSTS_SECONDS = env.int("AFTERSALES_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("AFTERSALES_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("AFTERSALES_HSTS_PRELOAD", default=SECURE_HSTS_SECONDS > 0)
SECURE_SSL_REDIRECT = env.bool("AFTERSALES_SSL_REDIRECT", default=False)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
if env.bool("AFTERSALES_BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (core.middleware): own scripts only, inline ones by nonce.
CSP_ENABLED = env.bool("AFTERSALES_CSP", default=True)
CSP_POLICY = env.str("AFTERSALES_CSP_POLICY", default=(
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'; "
    "object-src 'none'"))
# Bodies: JSON and forms up to 2.5 MB (Django's default), uploads up to 25 MB; above: 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("AFTERSALES_MAX_BODY_BYTES", default=2_621_440)
MULTIPART_MAX_BYTES = env.int("AFTERSALES_MAX_UPLOAD_BYTES", default=26_214_400)

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"
AUTH_USER_MODEL = "network.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aftersales.notifications.context_processors.alert_bell",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{DATA_DIR / 'aftersales.sqlite3'}"
DATABASES = {"default": env.db_url("AFTERSALES_DATABASE_URL", default=_default_sqlite)}
PG_OPTIONS = "-c jit=off -c join_collapse_limit=4"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
    # BEGIN so two writers queue instead of failing half-way (our "select_for_update").
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # Browser tests use a live server in another thread: it needs a file, not :memory:.
    DATABASES["default"].setdefault("TEST", {"NAME": str(DATA_DIR / "test.sqlite3")})
else:
    # persistent connections (one per worker thread, checked before reuse)
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("AFTERSALES_CONN_MAX_AGE", default=600))
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # JIT compilation costs more than it saves on the app's short indexed queries (measured:
    # the SLA report 407 → 80 ms with it off); reports on a replica may switch it back on.
    # A list row joins up to eight tables (select_related); with the default join collapse
    # limit of 8 the planner searches every join order of all of them: 37–53 ms of planning
    # for a 1 ms ticket-list query. Four keeps it to ~1.7 ms and still reorders small groups.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault(
        "options", env.str("AFTERSALES_PG_OPTIONS", default=PG_OPTIONS))
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A streaming replica for the reports (docs/scaling.md); absent: everything on the primary.
if env.str("AFTERSALES_REPLICA_DATABASE_URL", default=""):
    DATABASES["replica"] = env.db_url("AFTERSALES_REPLICA_DATABASE_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", 600)
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("options", PG_OPTIONS)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["aftersales.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache_url("AFTERSALES_CACHE_URL", default="locmemcache://aftersales")
}

# Staff passwords: at least 10 characters, not a common one, not all digits, not like the
# username or name (checked when staff are created and when a password is set).
_pv = "django.contrib.auth.password_validation."
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": _pv + "UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "name", "email")}},
    {"NAME": _pv + "MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": _pv + "CommonPasswordValidator"},
    {"NAME": _pv + "NumericPasswordValidator"},
]
# Sign-in lockout (console, admin and API token alike): this many wrong passwords for one
# username, or from one address, within the window lock further tries until it ends.
AUTHENTICATION_BACKENDS = ["aftersales.core.auth.ThrottledModelBackend"]
LOGIN_FAILURE_LIMIT = env.int("AFTERSALES_LOGIN_FAILURE_LIMIT", default=5)
LOGIN_IP_FAILURE_LIMIT = env.int("AFTERSALES_LOGIN_IP_FAILURE_LIMIT", default=20)
LOGIN_LOCKOUT_SECONDS = env.int("AFTERSALES_LOGIN_LOCKOUT_SECONDS", default=900)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"

# Background work: with no broker configured, Celery runs tasks in-process (embedded mode).
BROKER_URL = env.str("AFTERSALES_BROKER_URL", default="")
CELERY_BROKER_URL = BROKER_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True  # at-least-once delivery: every task is safe to run twice
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The sweeps (escalations, backup devices, callbacks, unsent notifications) every minute:
# celery beat in production; `aftersales serve`'s in-process scheduler in embedded mode.
SWEEP_INTERVAL_SECONDS = env.int("AFTERSALES_SWEEP_INTERVAL_SECONDS", default=60)
CELERY_BEAT_SCHEDULE = {
    "sweeps": {"task": "aftersales.tickets.tasks.run_sweeps_task",
               "schedule": float(SWEEP_INTERVAL_SECONDS)},
    # leads, preventive visits, campaign progress, the yearly survey (idempotent)
    "followup": {"task": "aftersales.campaigns.tasks.run_followup_sweeps_task",
                 "schedule": float(SWEEP_INTERVAL_SECONDS)},
    # the monthly fault analysis to R&D and production (sent once per month)
    "reports": {"task": "aftersales.reports.tasks.run_report_sweeps_task",
                "schedule": 3600.0},
    # pending public bookings past their day (they hold a name, a phone, an address)
    "portal": {"task": "aftersales.portal.tasks.run_portal_sweeps_task",
               "schedule": 3600.0},
    # agreements and certificates about to end: reminded once each (network, issue 18)
    "network": {"task": "aftersales.notifications.tasks.send_expiry_reminders_task",
                "schedule": 3600.0},
}
EMBEDDED_SCHEDULER = env.bool("AFTERSALES_EMBEDDED_SCHEDULER", default=not BROKER_URL)

# Notifications: e-mail through EMAIL_BACKEND; SMS and WeChat through a small backend
# interface (the embedded default logs them). PUBLIC_URL builds the secret tracking links.
SMS_BACKEND = env.str("AFTERSALES_SMS_BACKEND",
                      default="aftersales.notifications.backends.LoggingSmsBackend")
WECHAT_BACKEND = env.str("AFTERSALES_WECHAT_BACKEND",
                         default="aftersales.notifications.backends.LoggingWeChatBackend")
PUBLIC_URL = env.str("AFTERSALES_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
# a TrueType CJK font (.ttf/.ttc) embedded in printed forms; empty: look for Debian's
PDF_FONT = env.str("AFTERSALES_PDF_FONT", default="")
# The providers (docs/integrations.md): endpoints and credentials from the environment only;
# each secret may instead be read from a file (…_FILE), e.g. a mounted container secret.
ALIYUN_SMS = {
    "endpoint": env.str("AFTERSALES_ALIYUN_SMS_ENDPOINT", default=""),
    "region": env.str("AFTERSALES_ALIYUN_SMS_REGION", default="cn-hangzhou"),
    "access_key_id": env.str("AFTERSALES_ALIYUN_ACCESS_KEY_ID", default=""),
    "access_key_secret": env.str("AFTERSALES_ALIYUN_ACCESS_KEY_SECRET", default=""),
    "access_key_secret_file": env.str("AFTERSALES_ALIYUN_ACCESS_KEY_SECRET_FILE", default=""),
    "sign_name": env.str("AFTERSALES_SMS_SIGN_NAME", default=""),
}
TENCENT_SMS = {
    "endpoint": env.str("AFTERSALES_TENCENT_SMS_ENDPOINT", default=""),
    "region": env.str("AFTERSALES_TENCENT_SMS_REGION", default="ap-guangzhou"),
    "app_id": env.str("AFTERSALES_TENCENT_SMS_APP_ID", default=""),
    "secret_id": env.str("AFTERSALES_TENCENT_SECRET_ID", default=""),
    "secret_key": env.str("AFTERSALES_TENCENT_SECRET_KEY", default=""),
    "secret_key_file": env.str("AFTERSALES_TENCENT_SECRET_KEY_FILE", default=""),
    "sign_name": env.str("AFTERSALES_SMS_SIGN_NAME", default=""),
}
WECHAT_OFFICIAL_ACCOUNT = {
    "api_base": env.str("AFTERSALES_WECHAT_API_BASE", default=""),
    "app_id": env.str("AFTERSALES_WECHAT_APP_ID", default=""),
    "app_secret": env.str("AFTERSALES_WECHAT_APP_SECRET", default=""),
    "app_secret_file": env.str("AFTERSALES_WECHAT_APP_SECRET_FILE", default=""),
    "server_token": env.str("AFTERSALES_WECHAT_SERVER_TOKEN", default=""),
}
# The secret path segment of the SMS delivery-receipt callback URLs (the providers do not
# sign their status reports); empty: receipts are refused.
SMS_RECEIPT_TOKEN = env.str("AFTERSALES_SMS_RECEIPT_TOKEN", default="")
# The call centre's screen-pop calls (POST /api/v1/telephony/calls): its own bearer token
# and the HMAC secret of its signature header; empty: the endpoint refuses every call.
TELEPHONY_TOKEN = env.str("AFTERSALES_TELEPHONY_TOKEN", default="")
TELEPHONY_SECRET = env.str("AFTERSALES_TELEPHONY_SECRET", default="")
TELEPHONY_MAX_SKEW_SECONDS = env.int("AFTERSALES_TELEPHONY_MAX_SKEW_SECONDS", default=300)

# Online payment on the portal (docs/portal.md): "" (none: the portal shows the other ways
# to pay) or "wechatpay" (WeChat Pay API v3, Native orders). Keys are files, never values
# in code; the base URL is the provider's API address (its sandbox while testing).
PAYMENT_PROVIDER = env.str("AFTERSALES_PAYMENT_PROVIDER", default="")
WECHATPAY = {
    "BASE_URL": env.str("AFTERSALES_WECHATPAY_BASE_URL", default=""),
    "MCHID": env.str("AFTERSALES_WECHATPAY_MCHID", default=""),
    "APPID": env.str("AFTERSALES_WECHATPAY_APPID", default=""),
    "SERIAL_NO": env.str("AFTERSALES_WECHATPAY_SERIAL_NO", default=""),
    "PRIVATE_KEY_FILE": env.str("AFTERSALES_WECHATPAY_PRIVATE_KEY_FILE", default=""),
    "PLATFORM_PUBLIC_KEY_FILE": env.str("AFTERSALES_WECHATPAY_PLATFORM_PUBLIC_KEY_FILE",
                                        default=""),
    "APIV3_KEY": env.str("AFTERSALES_WECHATPAY_APIV3_KEY", default=""),
}

# Inbound e-mail (`aftersales fetch_mail`): the service mailbox read over IMAP.
IMAP_HOST = env.str("AFTERSALES_IMAP_HOST", default="")
IMAP_PORT = env.int("AFTERSALES_IMAP_PORT", default=993)
IMAP_USER = env.str("AFTERSALES_IMAP_USER", default="")
IMAP_PASSWORD = env.str("AFTERSALES_IMAP_PASSWORD", default="")
IMAP_SSL = env.bool("AFTERSALES_IMAP_SSL", default=True)
IMAP_MAILBOX = env.str("AFTERSALES_IMAP_MAILBOX", default="INBOX")
MAIL_FETCH_INTERVAL_SECONDS = env.int("AFTERSALES_MAIL_FETCH_INTERVAL_SECONDS", default=600)
if IMAP_HOST:  # "e-mail read every 10 min"
    CELERY_BEAT_SCHEDULE["fetch_mail"] = {
        "task": "aftersales.tickets.tasks.fetch_mail_task",
        "schedule": float(MAIL_FETCH_INTERVAL_SECONDS)}

# Shared counters (rate limits, sign-in lockout): Redis when one is configured (its own URL,
# or the broker's when that is Redis), else the database. Never a process's memory.
_broker_redis = BROKER_URL if BROKER_URL.startswith(("redis://", "rediss://")) else ""
RATE_LIMIT_REDIS_URL = env.str("AFTERSALES_REDIS_URL", default="") or _broker_redis
RATE_LIMIT_PREFIX = env.str("AFTERSALES_RATE_LIMIT_PREFIX", default="aftersales:rl:")

# Public API rate limits (requests per window, per client IP and per ticket number).
PUBLIC_RATE_LIMIT_WINDOW_SECONDS = env.int("AFTERSALES_PUBLIC_RATE_WINDOW", default=60)
PUBLIC_RATE_LIMIT_PER_IP = env.int("AFTERSALES_PUBLIC_RATE_PER_IP", default=30)
PUBLIC_RATE_LIMIT_PER_TICKET = env.int("AFTERSALES_PUBLIC_RATE_PER_TICKET", default=10)
# Behind a reverse proxy every client has the proxy's address: name the header the proxy
# sets with the client's (e.g. HTTP_X_REAL_IP). Empty: REMOTE_ADDR.
PUBLIC_CLIENT_IP_HEADER = env.str("AFTERSALES_CLIENT_IP_HEADER", default="")
# Text messages a caller can cause (booking codes): per phone and per client address.
SMS_RATE_WINDOW_SECONDS = env.int("AFTERSALES_SMS_RATE_WINDOW", default=3600)
SMS_RATE_PER_PHONE = env.int("AFTERSALES_SMS_RATE_PER_PHONE", default=3)
SMS_RATE_PER_IP = env.int("AFTERSALES_SMS_RATE_PER_IP", default=10)
# A booking's confirmation code: valid this long, this many wrong tries.

EMAIL_BACKEND = env.str(
    "AFTERSALES_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("AFTERSALES_FROM_EMAIL", default="service@aftersales.local")

API_TOKEN_TTL_DAYS = env.int("AFTERSALES_API_TOKEN_TTL_DAYS", default=30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("AFTERSALES_LOG_LEVEL", default="INFO")},
}
