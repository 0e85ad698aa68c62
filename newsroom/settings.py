"""
Settings for newsroom.

Every per-environment value comes from the environment (see README.md,
"Configuration"). With DEBUG off, SECRET_KEY is required.
"""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsroom.headers import file_security_headers

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env(name, default=None, *, required=False):
    """Return the environment variable ``name``, or ``default``."""
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(
                f"The {name} environment variable is required. See README.md, "
                f"'Configuration'."
            )
        return default
    return value


def env_bool(name, default=False):
    value = env(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(
        f"{name}={value!r} is not a boolean: use 1/0, true/false, yes/no or on/off."
    )


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = env(name)
    if value is None:
        return default
    try:
        number = int(value.replace("_", ""))
    except ValueError:
        number = -1
    if number <= 0:
        raise ImproperlyConfigured(f"{name}={value!r} is not a positive whole number.")
    return number


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set and DEBUG is off. Set SECRET_KEY to a long random "
            "value, for example the output of: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
    SECRET_KEY = "insecure-development-key-only-used-with-DEBUG-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
NEWSROOM_NAME = env("NEWSROOM_NAME", "Newsroom")

INSTALLED_APPS = [
    # Django's admin, with a site that logs whom it turns away.
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "reversion",
    "axes",
    # Background work (email, fetching sources, renditions): Django's Tasks
    # framework, stored in the database, run by `manage.py db_worker`.
    "django_tasks_db",
    "entities",
    "media",
    "articles",
    "desk",
    # Cited sources kept: captures (WARC), the safe fetcher, rot and drift.
    "sources",
    # The newsroom's own profile: about, methodology, team, funding.
    "masthead",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused (413) before it is read.
    "newsroom.middleware.RequestSizeLimitMiddleware",
    # Cached public pages are answered here, before sessions and the rest.
    "articles.caching.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses any login while the account or IP is locked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (newsroom/lockout.py): five failed logins lock the pair of username
# and client address for an hour; an address that fails as ten usernames
# within a day is locked for every username for a day. `manage.py
# axes_reset_username NAME` or `axes_reset_ip IP` unlocks.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "newsroom.lockout.LockoutHandler"
AXES_CLIENT_IP_CALLABLE = "newsroom.lockout.client_address"
AXES_LOCKOUT_CALLABLE = "newsroom.lockout.lockout_response"
# Every failure is logged: the log is what counts the usernames an address
# tried (and what an administrator reads in the admin).
AXES_ENABLE_ACCESS_FAILURE_LOG = True
NEWSROOM_LOCKOUT_ADDRESS_USERNAMES = 10
NEWSROOM_LOCKOUT_ADDRESS_HOURS = 24
AXES_VERBOSE = False

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "django.template.context_processors.csp",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so a writer waits for the lock
    # (up to the timeout) instead of failing half way with "database is locked".
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
    ),
}
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    try:
        default_db = dj_database_url.parse(DATABASE_URL, conn_max_age=60)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid URL: {exc}") from exc
    default_db["CONN_HEALTH_CHECKS"] = True
    if default_db["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when the database is unreachable: readers get a 503 at once.
        default_db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
else:
    VAR_DIR.mkdir(exist_ok=True)
    default_db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": VAR_DIR / "newsroom.sqlite3",
        "CONN_MAX_AGE": 60,
    }
if default_db["ENGINE"] == "django.db.backends.sqlite3":
    default_db.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DATABASES = {"default": default_db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, otherwise local memory. Each process
# holds at most NEWSROOM_PAGE_MEMORY_MB of pages in its own memory (the least
# recently read go first; articles/pagecache.py).
REDIS_URL = env("REDIS_URL")
PAGE_MEMORY = {
    "BACKEND": "articles.pagecache.PageMemoryCache",
    "LOCATION": "pages",
    "OPTIONS": {"MAX_BYTES": int(env("NEWSROOM_PAGE_MEMORY_MB", "64")) * 2**20},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsroom",
        },
        # Each process keeps its own copy of the hottest pages it read from
        # Redis; their keys name the public generation, so never stale.
        "pages": PAGE_MEMORY,
    }
else:
    CACHES = {"default": PAGE_MEMORY}

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"

# Media (uploaded images, their renditions, and any other file the apps
# store) go through Django's storage API: the file system under var/media by
# default, served at /media/ by the app (README, "Deployment": behind a web
# server in production); S3-compatible object storage when
# AWS_STORAGE_BUCKET_NAME is set, so that every app server shares them.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME")
MEDIA_ORIGIN = ""  # where the pages' images come from, for the CSP
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL")
    AWS_ACCESS_KEY_ID = env("AWS_ACCESS_KEY_ID")
    AWS_SECRET_ACCESS_KEY = env("AWS_SECRET_ACCESS_KEY")
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME")
    AWS_S3_CUSTOM_DOMAIN = env("AWS_S3_CUSTOM_DOMAIN")
    # Pages link the objects for years: plain URLs, not signed ones that
    # expire. The bucket (or the CDN in front of it) makes images/ and
    # renditions/ public (README, "Media in object storage").
    AWS_QUERYSTRING_AUTH = False
    AWS_S3_FILE_OVERWRITE = True  # names are content hashes: same name, same bytes
    DEFAULT_STORAGE = {"BACKEND": "newsroom.storage.MediaS3Storage"}
    if AWS_S3_CUSTOM_DOMAIN:
        MEDIA_ORIGIN = f"https://{AWS_S3_CUSTOM_DOMAIN}"
    elif AWS_S3_ENDPOINT_URL:
        MEDIA_ORIGIN = AWS_S3_ENDPOINT_URL.rstrip("/")
    else:
        # Amazon's own addresses name the bucket in the host.
        MEDIA_ORIGIN = f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Static files carry nosniff, and HTML or SVG ones a strict policy of their own.
WHITENOISE_ADD_HEADERS_FUNCTION = file_security_headers


# Uploads: the largest image file accepted, in bytes and in pixels (width
# times height, checked before the image is decoded).
NEWSROOM_UPLOAD_MAX_BYTES = env_int("NEWSROOM_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
NEWSROOM_UPLOAD_MAX_PIXELS = env_int("NEWSROOM_UPLOAD_MAX_PIXELS", 40_000_000)

# Security headers. HTTPS=on (production behind TLS) turns on the
# HTTPS-only settings; `make run` serves plain HTTP on 127.0.0.1.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The proxies in front of the site (addresses or networks), whose
# X-Forwarded-For names the client: by default, with HTTPS on, a proxy on
# this machine. Only the lockout reads it (newsroom/lockout.py).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1,::1" if HTTPS else "")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"TRUSTED_PROXIES: {_proxy!r} is not an IP address or network "
            "(for example 10.0.0.5 or 10.0.0.0/24)."
        ) from exc
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGIN_URL = "admin:login"
# Messages live in the session (staff only): no signed cookie to build on
# every public request.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Limits: a request body of at most 5 MB, files included (a long article with
# its inline forms fits easily), at most 5,000 form fields; the media
# library's upload pages take one image of up to NEWSROOM_UPLOAD_MAX_BYTES.
# Long texts are capped by their models (articles and entities).
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# Background work: Django's Tasks framework with the django-tasks project's
# database backend. Tasks are rows in the database; `manage.py db_worker`
# (any number of them, on any number of hosts) runs them. With no worker
# running nothing is lost: the work waits.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# Email (Django 6.1's MAILERS): an SMTP server when EMAIL_HOST is set;
# otherwise the console (the messages are printed in the log, as `make run`
# shows them).
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    _email_port = int(env("EMAIL_PORT", "587"))
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": _email_port,
                "username": env("EMAIL_HOST_USER", ""),
                "password": env("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", _email_port == 587),
                "timeout": 30,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
# A failed notification email is tried again after this many seconds, then
# twice as long each time (five attempts in all).
NEWSROOM_EMAIL_RETRY_SECONDS = int(env("NEWSROOM_EMAIL_RETRY_SECONDS", "60"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", f"{NEWSROOM_NAME} <newsroom@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Cache rendered public pages (on by default; off only to measure without it).
NEWSROOM_PAGE_CACHE = env_bool("NEWSROOM_PAGE_CACHE", True)
# Each process keeps the public generation current with a listener
# (PostgreSQL LISTEN/NOTIFY, or Redis pub/sub when REDIS_URL is set) instead
# of reading it on every request; a change is served everywhere within 0.5 s
# (articles/freshness.py). Off: every public request reads it.
NEWSROOM_GENERATION_LISTENER = env_bool("NEWSROOM_GENERATION_LISTENER", True)
# On PostgreSQL the stored page of an article is read with a statement
# prepared once per connection (articles/pages.py). Turn off behind a pooler
# that hands one server session to many clients (PgBouncer in transaction
# mode).
NEWSROOM_PREPARED_STATEMENTS = env_bool("NEWSROOM_PREPARED_STATEMENTS", True)

# Workflow: the person who tagged a claim may not rate it (DESIGN §5).
NEWSROOM_SEPARATE_TAGGING_AND_RATING = env_bool(
    "NEWSROOM_SEPARATE_TAGGING_AND_RATING", True
)

# Fetching cited sources (sources/fetching.py). The fetcher refuses every
# address that is not on the public web; NEWSROOM_FETCH_ALLOW_HOSTS (host
# names or addresses exactly as written in a URL, for example 127.0.0.1) and
# NEWSROOM_FETCH_ALLOW_PRIVATE (everything) lift that for tests and benchmarks
# that fetch from a local server: never in production.
NEWSROOM_FETCH_TIMEOUT = float(env("NEWSROOM_FETCH_TIMEOUT", "20"))
NEWSROOM_FETCH_MAX_BYTES = int(env("NEWSROOM_FETCH_MAX_BYTES", str(15 * 1024 * 1024)))
NEWSROOM_FETCH_MAX_REDIRECTS = int(env("NEWSROOM_FETCH_MAX_REDIRECTS", "5"))
NEWSROOM_FETCH_USER_AGENT = env(
    "NEWSROOM_FETCH_USER_AGENT",
    f"{NEWSROOM_NAME}-SourceArchiver/1.0 (+{SITE_URL}/methodology/)",
)
NEWSROOM_FETCH_OBEY_ROBOTS = env_bool("NEWSROOM_FETCH_OBEY_ROBOTS", True)
NEWSROOM_FETCH_ALLOW_PRIVATE = env_bool("NEWSROOM_FETCH_ALLOW_PRIVATE", False)
NEWSROOM_FETCH_ALLOW_HOSTS = env_list("NEWSROOM_FETCH_ALLOW_HOSTS", "")
# The certificate authorities fetches trust (a file); by default the usual ones.
NEWSROOM_FETCH_CA_BUNDLE = env("NEWSROOM_FETCH_CA_BUNDLE", "") or True
# A source with a new address is captured by the worker (off only in tests
# that are not about captures: their sources' addresses are made up).
NEWSROOM_SOURCE_CAPTURE_ON_SAVE = env_bool("NEWSROOM_SOURCE_CAPTURE_ON_SAVE", True)
# A failed capture is tried again after this many seconds, then twice as long
# each time, NEWSROOM_FETCH_ATTEMPTS attempts in all, then recorded as failed.
NEWSROOM_FETCH_RETRY_SECONDS = int(env("NEWSROOM_FETCH_RETRY_SECONDS", "60"))
NEWSROOM_FETCH_ATTEMPTS = int(env("NEWSROOM_FETCH_ATTEMPTS", "4"))
# check_sources: a source cited by published claims is checked every
# NEWSROOM_SOURCE_CHECK_DAYS divided by (1 + how many cite it), at least daily;
# one that no published claim cites, every NEWSROOM_SOURCE_CHECK_DAYS * 4.
NEWSROOM_SOURCE_CHECK_DAYS = float(env("NEWSROOM_SOURCE_CHECK_DAYS", "7"))
# Failed checks in a row (time-outs, errors) before a source counts as gone.
NEWSROOM_SOURCE_GONE_AFTER = int(env("NEWSROOM_SOURCE_GONE_AFTER", "3"))
# A PDF's main text (what its drift is measured on) is read from at most this
# many pages and characters ...
NEWSROOM_PDF_MAX_PAGES = int(env("NEWSROOM_PDF_MAX_PAGES", "200"))
NEWSROOM_PDF_MAX_CHARS = int(env("NEWSROOM_PDF_MAX_CHARS", "1000000"))
# ... by a process of its own given this much CPU time (and as much wall
# time) and memory: a hostile PDF costs no more, then has no text.
NEWSROOM_PDF_SECONDS = int(env("NEWSROOM_PDF_SECONDS", "10"))
NEWSROOM_PDF_MAX_MEMORY = int(env("NEWSROOM_PDF_MAX_MEMORY", str(512 * 1024 * 1024)))
# Optional: captured sources are also submitted to the Internet Archive's
# Save Page Now, and the archive address stored (both keys from
# https://archive.org/account/s3.php; off when unset).
WAYBACK_ACCESS_KEY = env("WAYBACK_ACCESS_KEY", "")
WAYBACK_SECRET_KEY = env("WAYBACK_SECRET_KEY", "")
WAYBACK_SAVE_URL = env("WAYBACK_SAVE_URL", "https://web.archive.org/save").rstrip("/")
# Seconds before asking whether a submitted capture is done (times the attempt).
WAYBACK_STATUS_SECONDS = int(env("WAYBACK_STATUS_SECONDS", "30"))
