"""Tremplin settings: one module, driven by environment variables.

Every variable has a safe embedded default for development and tests (SQLite, in-memory channel
layer, console e-mail, tasks run immediately). With DJANGO_ENV=production the defaults that are
unsafe on the internet are refused at start-up instead of silently used.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
import dj_email_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DJANGO_ENV = os.environ.get("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test" or "PYTEST_VERSION" in os.environ

DEFAULT_SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET_KEY)
DEBUG = env_bool("DEBUG", not PRODUCTION and not TESTING)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    problems = []
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 50:
        problems.append("SECRET_KEY must be set to a random value of at least 50 characters")
    if DEBUG:
        problems.append("DEBUG must be off")
    if not ALLOWED_HOSTS:
        problems.append("ALLOWED_HOSTS must name the site's host names")
    if problems:
        raise ImproperlyConfigured(
            "Refusing to start with DJANGO_ENV=production: " + "; ".join(problems) + "."
        )

INSTALLED_APPS = [
    "accounts",
    "cms",
    "marketplace",
    "mentoring",
    "search",
    "messaging",
    "programmes",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.apps.UsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.locales",
    "wagtail",
    "modelcluster",
    "taggit",
    "axes",
    "csp",
    # For its templates and static files: the API docs load Swagger UI from the site itself.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "daphne",
    "channels",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A view that cannot reach the database answers 503 (errors in the middleware below reach
    # handler500, which does the same); near the top, so its process_exception runs last.
    "config.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.StripNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PrivateResponsesMiddleware",
    "config.ratelimit.ApiRateLimitMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes must come last so that it sees the outcome of every authentication attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.site_meta",
                "messaging.context_processors.unread",
            ],
        },
    },
]

# --- Data -----------------------------------------------------------------------------------

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server's reader threads work while a request writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, except that a Redis outage is a cache miss, not a 500.
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "tremplin"),
            # A stopped Redis refuses at once; one that hangs must not hold a worker for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Pub/sub delivered every message in our measurements where the list-based layer dropped
    # 12-15 % under load; redis-py 8's 5 s socket timeout races the layer's own blocking read,
    # hence no socket timeout and a large pool (shared/notes/realtime-and-servers.md).
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis's pub/sub layer, which also tells sockets when it reconnected.
            "BACKEND": "config.channel_layer.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": None, "max_connections": 10000}],
                "prefix": os.environ.get("CHANNEL_PREFIX", "tremplin"),
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
# Indices are "<prefix>-<type>" aliases: two sites can share one Elasticsearch cluster.
SEARCH_INDEX_PREFIX = os.environ.get("SEARCH_INDEX_PREFIX", "tremplin")

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if env_bool("TASKS_IN_WORKER", PRODUCTION)
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# --- E-mail ---------------------------------------------------------------------------------

EMAIL_URL = os.environ.get("EMAIL_URL", "consolemail://")
_email = dj_email_url.parse(EMAIL_URL)
EMAIL_BACKEND = _email.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
# `file:///var/tmp/mail` writes each message to a file in that folder (the browser tests read
# them there). dj-email-url drops the path's leading slash; the folder is the URL's whole path.
EMAIL_FILE_PATH = urlsplit(EMAIL_URL).path or None
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Tremplin <no-reply@tremplin.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where contact-form submissions go when the form page names no recipient.
STAFF_EMAIL = os.environ.get("STAFF_EMAIL", "contact@tremplin.example")

# --- Accounts -------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # AxesBackend only refuses locked-out log-ins; ModelBackend checks the password.
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:settings"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3
EMAIL_VERIFICATION_TIMEOUT = 60 * 60 * 24 * 7
# auth.W004: e-mail is unique case-insensitively by a database constraint
# (accounts_user_email_ci_unique), which the check cannot see.
# security.W019: X-Frame-Options is SAMEORIGIN, not DENY, because Wagtail's live preview shows our
# own pages in a frame of the admin; frame-ancestors 'self' in the CSP says the same.
SILENCED_SYSTEM_CHECKS = ["auth.W004", "security.W019"]
TERMS_VERSION = os.environ.get("TERMS_VERSION", "2026-11")

# Five wrong passwords for one account from one address lock that pair out for 15 minutes; the
# lock-out is per (username, IP) so that an attacker cannot lock a user out from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.login_throttle.login_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.login_throttle.client_ip"
# How many reverse proxies we run in front of the app (nginx in docker-compose: 1; add one for
# a load balancer in front of it). Client addresses are read from X-Forwarded-For accordingly.
TRUSTED_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1" if PRODUCTION else "0"))
AXES_VERBOSE = False
# Every failure is logged (who, address, when; deleted with the account, in its data export), so
# that failures spread over many addresses are seen: LOGIN_ALARM_FAILURES of them on one account
# within LOGIN_ALARM_WINDOW tell its owner and the administrators, once per window
# (accounts.login_throttle). Nobody is locked out by it.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
LOGIN_ALARM_FAILURES = int(os.environ.get("LOGIN_ALARM_FAILURES", "10"))
LOGIN_ALARM_WINDOW = timedelta(hours=24)


def env_rate(name, default):
    """A limit written "count/seconds", e.g. RATE_LIMIT_API=120/60."""
    count, _slash, seconds = os.environ.get(name, default).partition("/")
    return int(count), int(seconds)


# Requests answered 429 with Retry-After beyond these (config/ratelimit.py). Per client address
# for the forms, on top of axes's lock-out per (e-mail, address); generous, because many people
# share one address (a cybercafé, a mobile operator's NAT). The API counts per user, or per
# address for anonymous callers, reads and writes alike.
RATE_LIMITS = {
    "login": env_rate("RATE_LIMIT_LOGIN", "30/300"),
    "signup": env_rate("RATE_LIMIT_SIGNUP", "10/3600"),
    "password_reset": env_rate("RATE_LIMIT_PASSWORD_RESET", "10/900"),
    "password_reset_per_email": env_rate("RATE_LIMIT_PASSWORD_RESET_PER_EMAIL", "3/3600"),
    "verification": env_rate("RATE_LIMIT_VERIFICATION", "10/900"),
    "verification_per_email": env_rate("RATE_LIMIT_VERIFICATION_PER_EMAIL", "3/3600"),
    "api": env_rate("RATE_LIMIT_API", "120/60"),
    # Messages one person may send (socket, page and API alike).
    "messaging": env_rate("RATE_LIMIT_MESSAGING", "20/10"),
}

# --- Languages and time ---------------------------------------------------------------------

LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", "Français"),
    ("ar", "العربية"),
    ("en", "English"),
]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Africa/Casablanca"

# --- Static and media -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Applicants' documents: never under MEDIA_ROOT, never served by the web server.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private-media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Wagtail --------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = "Tremplin"
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILIMAGES_FORMAT_CONVERSIONS = {"png": "webp", "jpeg": "webp"}
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif"]
WAGTAILEMBEDS_RESPONSIVE_HTML = True
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {
        "WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea",
        "OPTIONS": {
            "features": ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]
        },
    }
}

# --- Security -------------------------------------------------------------------------------

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "SAMEORIGIN"  # Wagtail's preview frames our own pages.
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # The containers' health checks call the API over plain HTTP from inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]

# Public pages load nothing from elsewhere; video embeds are the one exception editors need.
# The admin is left out: Wagtail's editor relies on inline styles.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [
            SELF,
            "https://www.youtube-nocookie.com",
            "https://www.youtube.com",
            "https://player.vimeo.com",
        ],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

# Periodic commands, run every minute by `manage.py run_scheduler` (make run, compose).
SCHEDULED_COMMANDS = [
    "publish_scheduled",
    "expire_mentorship_requests",
    "send_session_reminders",
    ["search_index", "--retry"],
    "send_message_digests",
    "send_event_reminders",
]

# --- Messaging ------------------------------------------------------------------------------

# Someone who has not read a message this many minutes after it came gets one e-mail digest.
MESSAGING_DIGEST_MINUTES = int(os.environ.get("MESSAGING_DIGEST_MINUTES", "30"))
# Threads (each with its own database connection) per ASGI process for the chat sockets'
# database work (messaging/consumers.py).
CHAT_DATABASE_THREADS = int(os.environ.get("CHAT_DATABASE_THREADS", "8"))

# --- Mentoring ------------------------------------------------------------------------------

# The host part of the iCalendar UIDs of sessions: stable across deployments of one site.
CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "tremplin.example")
# After this many hours before a session, only the mentor may cancel it.
MENTORING_CANCEL_CUTOFF_HOURS = int(os.environ.get("MENTORING_CANCEL_CUTOFF_HOURS", "12"))
# Weights of the soft criteria of mentoring.matching (hard constraints are not weighted).
MENTORING_MATCH_WEIGHTS = {
    "expertise": 40,  # share of the business's needs the mentor knows
    "sector": 20,
    "region": 15,
    "experience": 10,  # grows with years, up to 15
    "load": 15,  # free room left: a mentor with space is preferred to a busy one
}

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

SITE_DESCRIPTION = _("Start, grow and fund your business: mentors, partners and opportunities.")
