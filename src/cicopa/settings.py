"""One settings module, driven by environment variables (documented in the README).

Every variable is read through a small typed helper that fails loudly on a bad value.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cicopa import devsettings

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = devsettings.data_dir()
# What `cicopa demo` kept in this data folder (debug on, a secret key): read for the variables not set.
DEVELOPMENT_SETTINGS = devsettings.read(DATA_DIR)


def _raw(name: str) -> str | None:
    """A variable's value; set but empty counts as unset, and an unset one may come from DEVELOPMENT_SETTINGS."""
    return os.environ.get(name) or DEVELOPMENT_SETTINGS.get(name)


def env_str(name: str, default: str = "") -> str:
    return _raw(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    raw = _raw(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = _raw(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = _raw(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def languages(codes: list[str]) -> list[tuple[str, object]]:
    """(code, English name) of each language of CICOPA_LANGUAGES; English must be one (the default)."""
    from babel import Locale, UnknownLocaleError

    known = {"en": _("English"), "fr": _("French"), "es": _("Spanish")}
    out: list[tuple[str, object]] = []
    for code in dict.fromkeys(c.strip() for c in codes if c.strip()):
        try:
            english = Locale.parse(code, sep="-").english_name
        except (ValueError, UnknownLocaleError):
            raise ImproperlyConfigured(f"CICOPA_LANGUAGES: {code!r} is not a language code CLDR knows") from None
        out.append((code, known.get(code, english)))
    if "en" not in dict(out):
        raise ImproperlyConfigured("CICOPA_LANGUAGES must include en, the default language")
    return out


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or networks (CIDR)."""
    entries = env_list(name, [])
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(f"{name} must list IP addresses or networks, not {entry!r}") from None
    return entries


def env_url(name: str, *, schemes: tuple[str, ...]) -> str:
    """An address with one of `schemes`, such as redis://127.0.0.1:6379/0; empty when unset."""
    raw = env_str(name)
    if raw and ("://" not in raw or raw.split("://", 1)[0].lower() not in schemes):
        starts = ", ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(f"{name} must be an address starting with one of {starts}, not {raw!r}")
    return raw


DEBUG = env_bool("CICOPA_DEBUG", False)

SECRET_KEY = env_str("CICOPA_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("CICOPA_SECRET_KEY must be set when CICOPA_DEBUG is off")
    SECRET_KEY = "development-only-secret-key-not-for-production-use-0123456789abcdef"

ALLOWED_HOSTS = env_list("CICOPA_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CICOPA_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("CICOPA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",  # installed whichever backend runs the queue: its table is the default queue
    "cicopa.core",
    "cicopa.registry",
    "cicopa.statistics",
    "cicopa.exchange",
    "cicopa.clearing",
    "cicopa.knowledge",
    "ninja",  # installed, the API docs serve Swagger UI's files from the package, not from a CDN (after ours:
    # core's ninja/swagger.html comes first)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cicopa.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cicopa.core.middleware.HeadAsGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cicopa.core.middleware.ApiLanguageMiddleware",  # after LocaleMiddleware: the API's own choice of language
    "cicopa.core.middleware.ApiBodyLimitMiddleware",  # in the client's language, before anything reads the body
    "cicopa.core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cicopa.core.middleware.ApiAuthorizationMiddleware",
    "cicopa.core.middleware.RememberLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cicopa.urls"
WSGI_APPLICATION = "cicopa.wsgi.application"

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
                "cicopa.core.context_processors.navigation",
                "cicopa.core.context_processors.notifications",
                "cicopa.core.context_processors.languages",
                # after Django's csrf processor: a page made for the page cache holds no reader's token
                "cicopa.core.pagecache.csrf_placeholder",
            ],
        },
    }
]

# A connection is kept for CICOPA_DB_CONN_MAX_AGE seconds, on SQLite too: SQLite's page cache belongs to its
# connection, and one opened per request read the search index from the operating system's cache every time
# (about 20 ms more for a search on a million organisations, through the server: bench/through_server.py).
# Safe under gunicorn: its sync workers serve one request at a time each, on their own connection, opened after
# the fork (`cicopa serve` closes the master's before forking); Django closes a connection left broken or inside
# a transaction at the end of its request; the development server closes every connection after each request's
# thread. The limit still lets a worker see a database file replaced under it (a restored backup) within a
# minute.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("CICOPA_DATABASE_URL", f"sqlite:///{DATA_DIR / 'cicopa.sqlite3'}"),
        conn_max_age=env_int("CICOPA_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,  # a reused connection that the server dropped is replaced, not failed on
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while one writer works; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "registry:home"
LOGOUT_REDIRECT_URL = "registry:home"

# The reverse proxies in front of the platform (addresses or networks): from them, and only from them, the
# client's address is read from X-Forwarded-For (see core/clients.py).
CICOPA_TRUSTED_PROXIES = env_networks("CICOPA_TRUSTED_PROXIES")

# Failed logins: five tries per username and client address, then an hour's pause for that pair only, so
# that nobody can lock an account for everyone else.
AXES_FAILURE_LIMIT = env_int("CICOPA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "cicopa.core.clients.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_VERBOSE = False

# "default": in the database, so that every worker and machine counts the same requests (password resets);
# the table is made by `cicopa migrate` (core's post_migrate).
# "pages": public pages cached for anonymous readers (core/pagecache.py), for CICOPA_PAGE_CACHE_SECONDS (0:
# none). In files under CICOPA_DATA_DIR that every worker of the machine shares (each keeping its own in memory,
# five workers made each page five times over after every write), unless CICOPA_CACHE_URL names a Redis server
# that every machine shares. Either way a write makes every page cached before it stale at once, everywhere:
# the key holds the generation of the public data, kept in the database.
CICOPA_PAGE_CACHE_SECONDS = env_int("CICOPA_PAGE_CACHE_SECONDS", 600)
CICOPA_CACHE_URL = env_url("CICOPA_CACHE_URL", schemes=("redis", "rediss", "unix"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cicopa_cache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DATA_DIR / "page-cache",
        "TIMEOUT": CICOPA_PAGE_CACHE_SECONDS,
        # 100 MB of disk at most (a profile or the dashboard, with their maps, keeps 90 to 100 KB compressed, a page
        # of results 7 KB); beyond, a third of them, drawn at random, are dropped
        "OPTIONS": {"MAX_ENTRIES": 1000},
    },
}
if CICOPA_CACHE_URL:
    try:
        import redis  # noqa: F401  (Django's RedisCache needs it: pip install 'cicopa[redis]')
    except ImportError:
        raise ImproperlyConfigured(
            "CICOPA_CACHE_URL names a Redis server, but the redis package is missing: pip install 'cicopa[redis]'"
        ) from None
    CACHES["pages"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CICOPA_CACHE_URL,
        "TIMEOUT": CICOPA_PAGE_CACHE_SECONDS,
        "KEY_PREFIX": "cicopa",
        # a Redis server that hangs costs a request a second at most: then the page is made as without a cache
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }

LANGUAGE_CODE = "en"
# The platform's content is written in English, French and Spanish; the pages can be read in more languages, each
# added by its translation catalogue (locale/<code>/LC_MESSAGES) and its code here (README, "Adding a language").
LANGUAGES = languages(env_list("CICOPA_LANGUAGES", ["en", "fr", "es"]))
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("CICOPA_TIME_ZONE", "UTC")
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Without collectstatic (tests, `cicopa serve` right after install) whitenoise finds files in the apps.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"

# Uploads: imports are read in memory up to this size and refused above it.
CICOPA_MAX_UPLOAD_BYTES = env_int("CICOPA_MAX_UPLOAD_MB", 20) * 1024 * 1024
# A form or JSON body without files: the longest texts (a description of 10,000 characters, four bytes each at
# most) fit many times over, a body of megabytes meant to bloat the database and its audit log does not.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = CICOPA_MAX_UPLOAD_BYTES

EMAIL_BACKEND = env_str(
    "CICOPA_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("CICOPA_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("CICOPA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("CICOPA_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("CICOPA_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("CICOPA_EMAIL_TLS", False)
DEFAULT_FROM_EMAIL = env_str("CICOPA_FROM_EMAIL", "noreply@cicopa.localhost")
# E-mails are sent by the background worker while it holds the e-mail's row (core/notifications.py): a mail
# server that stops answering must not hold it, and on SQLite every other write, for ever.
EMAIL_TIMEOUT = env_int("CICOPA_EMAIL_TIMEOUT", 10)

# Background work (core/background.py): Django's task framework. By default the queue is a table of the
# platform's database and `cicopa worker` runs it; CICOPA_TASKS_URL=redis://... puts it in Redis instead (RQ),
# for several worker machines.
CICOPA_TASKS_URL = env_str("CICOPA_TASKS_URL")
if CICOPA_TASKS_URL:
    if not CICOPA_TASKS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CICOPA_TASKS_URL must be a redis:// address, not {CICOPA_TASKS_URL!r}")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    # A task may run for ten minutes (an import) before RQ deems it stuck.
    RQ_QUEUES = {"default": {"URL": CICOPA_TASKS_URL, "DEFAULT_TIMEOUT": 600}}
    TASKS = {"default": {"BACKEND": "cicopa.core.background_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A database worker that has not said it is alive for this long is taken for dead: the task it was running is
# put back in the queue for another worker (core/background.py, recover_orphaned_tasks).
CICOPA_TASK_LEASE_SECONDS = env_int("CICOPA_TASK_LEASE_SECONDS", 60)
if CICOPA_TASK_LEASE_SECONDS < 1:
    raise ImproperlyConfigured("CICOPA_TASK_LEASE_SECONDS must be at least 1")
# The hour (0-23, in CICOPA_TIME_ZONE) from which `cicopa worker` sends the day's notification digests; "off"
# when cron runs `cicopa send_digests` instead.
_digest_hour = env_str("CICOPA_DIGEST_HOUR", "7").strip().lower()
if _digest_hour == "off":
    CICOPA_DIGEST_HOUR: int | None = None
elif _digest_hour.isdigit() and 0 <= int(_digest_hour) <= 23:
    CICOPA_DIGEST_HOUR = int(_digest_hour)
else:
    raise ImproperlyConfigured(f"CICOPA_DIGEST_HOUR must be an hour from 0 to 23 or off, not {_digest_hour!r}")

# Production hardening: `cicopa check --deploy` passes when CICOPA_DEBUG is off.
SECURE_HSTS_SECONDS = env_int("CICOPA_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_SSL_REDIRECT = env_bool("CICOPA_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("CICOPA_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client_errors_in_one_line": {"()": "cicopa.core.logs.ClientErrorsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["client_errors_in_one_line"]}},
    "root": {"handlers": ["console"], "level": env_str("CICOPA_LOG_LEVEL", "WARNING")},
    # Django's own console handler (on in debug) printed each of its records a second time, as they also
    # reach the root's; its level follows CICOPA_LOG_LEVEL too.
    "loggers": {"django": {"handlers": [], "level": "NOTSET"}},
}

# Directory search: ranking is bounded to this many best candidates per query.
CICOPA_SEARCH_RANK_LIMIT = env_int("CICOPA_SEARCH_RANK_LIMIT", 2000)
# ... and results are counted up to this many ("10,000+").
CICOPA_SEARCH_COUNT_LIMIT = env_int("CICOPA_SEARCH_COUNT_LIMIT", 10000)
# The library's search counts its facets over this many first results.
CICOPA_LIBRARY_FACET_SAMPLE = env_int("CICOPA_LIBRARY_FACET_SAMPLE", 2000)
# Recommendations: their recipients that have not answered are reminded this many days before the follow-up date.
CICOPA_RECOMMENDATION_REMINDER_DAYS = env_int("CICOPA_RECOMMENDATION_REMINDER_DAYS", 14)
