"""The one settings module of Msem.

Everything that differs between a developer's laptop, CI and a production
deployment comes from environment variables, named like Django's own settings
where one exists (DATABASE_URL, SECRET_KEY, DEBUG, EMAIL_HOST …) and prefixed
with MSEM_ for the product's own. Defaults are safe for the embedded mode
(one machine, SQLite); production sets DEBUG=false and the variables that
`manage.py check --deploy` asks for.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MSEM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, not {value!r}") from error


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a number of seconds, not {value!r}") from error


def env_rate(name: str, default: str) -> str:
    """A limit "hits/seconds" (10/3600: ten an hour), checked now rather than at the first request it limits."""
    value = os.environ.get(name) or default
    hits, _slash, seconds = value.partition("/")
    if not (hits.strip().isdigit() and seconds.strip().isdigit() and int(seconds) > 0):
        raise ImproperlyConfigured(f"{name} must be hits/seconds, e.g. 10/3600, not {value!r}")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Embedded/development mode: one random key kept on disk, so sessions
    # survive a restart of `make run` without anyone having to invent a key.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
# Old keys still accepted when checking signatures (sessions, payment and quote links) while a new key is rolled out.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "msem.platform.admin_config.MsemAdminConfig",
    # Before django_tasks_db: its `db_worker` command, which outlives a database outage, replaces the stock one.
    "msem.platform",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    # django-tasks-db, its admin section named in French and English (msem/platform/task_results_app.py).
    "msem.platform.task_results_app.TaskResultsConfig",
    # Domain apps
    "msem.schools",
    "msem.accounts",
    "msem.audit",
    "msem.inquiries",
    "msem.mailing",
    "msem.catalog",
    "msem.quotes",
    "msem.payments",
    "msem.sales",
    "msem.connector4807",
    # Demo data
    "msem.demo",
    # UI apps
    "msem.backoffice",
    "msem.public_site",
    "msem.api",
]

MIDDLEWARE = [
    # Outermost: drops the body of a HEAD's response once everything else has written it.
    "msem.platform.http_methods.HeadWithoutBodyMiddleware",
    "msem.platform.request_context.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "msem.platform.security_headers.ContentSecurityPolicyMiddleware",
    # After the two above, so that their refusals carry the security headers too.
    "msem.platform.http_methods.RefuseTraceMiddleware",
    "msem.api.https_only.HttpsOnlyApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "msem.accounts.language.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "msem.accounts.session_limits.SessionLimitsMiddleware",
    "msem.accounts.temporary_password.TemporaryPasswordMiddleware",
    "msem.platform.no_store.NoStoreMiddleware",
    "msem.platform.security_events.AuthorizationFailuresMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "msem.platform.database_unavailable.DatabaseUnavailableMiddleware",
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
                "msem.backoffice.context_processors.shell",
            ],
            # {% url %} with its addresses kept per process: the same tag, about 55 µs less each time.
            # |date with French's first of the month, "1er sept." (msem/platform/first_of_month.py).
            "builtins": ["msem.platform.templatetags.cached_url", "msem.platform.templatetags.dates"],
        },
    },
]

# --- Cache ----------------------------------------------------------------
# In each process's memory: it holds what may be a minute old (the dashboard's figures) and what only
# the code and the translations decide (the back office's menu per school, language, page and role),
# never sessions or counters, so the processes need not share it. 200 schools' menus in two languages
# fit in the entries below.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": env_int("MSEM_CACHE_MAX_ENTRIES", 20000)},
    }
}

# --- Database -------------------------------------------------------------
# SQLite by default (embedded mode); PostgreSQL in production via DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'msem.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60))}
# How long an SQLite writer waits for the write lock before giving up ("database is locked").
SQLITE_BUSY_SECONDS = env_int("MSEM_SQLITE_BUSY_SECONDS", 20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # Kept open like PostgreSQL's (CONN_MAX_AGE): opening the file and running the pragmas below
    # cost 1.2 ms per request, a tenth of an inbox page (docs/performance.md, "SQLite's connection").
    # Tests use a file too, so that a worker started as a real process sees their data.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two
        # writers queue on the busy timeout instead of failing halfway with
        # "database is locked" when one of them upgrades a read lock.
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_SECONDS,
        "init_command": (
            "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
            f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000};"
        ),
    }
else:
    # Kept as dj-database-url read them from DATABASE_URL's query: libpq's own options, among them
    # sslmode, sslrootcert and the client certificate (sslcert, sslkey) that can replace the password.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters sent apart from the SQL, and a statement run 5 times on a connection prepared: PostgreSQL
    # then plans it once, not at each page (the inbox's rows took 0.9 ms to plan; docs/performance.md,
    # "Prepared statements"). A pooler in transaction mode (PgBouncer's pool_mode=transaction) cannot
    # follow prepared statements: set MSEM_PG_PREPARED_STATEMENTS=false behind one.
    if env_bool("MSEM_PG_PREPARED_STATEMENTS", True):
        DATABASES["default"]["OPTIONS"].update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions ------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
# ASVS 6.2: at least 10 characters (ASVS asks 8), no composition rules, not one of
# Django's 20,000 common passwords, not mostly the user's name or our trade's words.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "msem.accounts.password_validation.ContextWordsValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "msem.accounts.pwned_passwords.PwnedPasswordValidator"},
]
# Breached passwords (ASVS 6.2.12): Have I Been Pwned's range API, sent only 5 hex digits of the
# SHA-1. Empty turns the check off (the default with DEBUG on: no third party during development).
# A failure to reach it accepts the password and logs a warning (msem/accounts/pwned_passwords.py).
MSEM_PWNED_PASSWORDS_URL = os.environ.get(
    "MSEM_PWNED_PASSWORDS_URL", "" if DEBUG else "https://api.pwnedpasswords.com"
).rstrip("/")
MSEM_PWNED_PASSWORDS_TIMEOUT_SECONDS = env_float("MSEM_PWNED_PASSWORDS_TIMEOUT_SECONDS", 2)
# A session ends after an hour without activity, and ten hours after login in any case.
MSEM_SESSION_IDLE_MINUTES = env_int("MSEM_SESSION_IDLE_MINUTES", 60)
MSEM_SESSION_MAX_HOURS = env_int("MSEM_SESSION_MAX_HOURS", 10)
SESSION_COOKIE_AGE = MSEM_SESSION_MAX_HOURS * 60 * 60
LOGIN_URL_PATH = "/backoffice/login/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A refused CSRF token is a security event: logged, then Django's own 403 page.
CSRF_FAILURE_VIEW = "msem.platform.security_events.csrf_failure"

# Failed logins: at most this many per address (and ten times as many per IP)
# within the window, then the login form refuses to check passwords.
MSEM_LOGIN_FAILURES_PER_ADDRESS = env_int("MSEM_LOGIN_FAILURES_PER_ADDRESS", 5)
MSEM_LOGIN_FAILURE_WINDOW_MINUTES = env_int("MSEM_LOGIN_FAILURE_WINDOW_MINUTES", 15)
# Who must log in with a second factor, a code from an authenticator app (ASVS 6.3.3): `everyone`,
# `managers` (of any school, and the platform administrators) or `nobody`. Anyone may turn it on.
# Production requires it of everyone; the demo of `make run` (DEBUG on) of nobody.
MSEM_TWO_FACTOR_REQUIRED = os.environ.get("MSEM_TWO_FACTOR_REQUIRED", "").strip().lower() or (
    "nobody" if DEBUG else "everyone"
)
if MSEM_TWO_FACTOR_REQUIRED not in {"everyone", "managers", "nobody"}:
    raise ImproperlyConfigured(
        f"MSEM_TWO_FACTOR_REQUIRED must be everyone, managers or nobody, not {MSEM_TWO_FACTOR_REQUIRED!r}"
    )
# How many reverse proxies in front of the app append to X-Forwarded-For.
# 0 means REMOTE_ADDR is the client (no header is trusted).
MSEM_TRUSTED_PROXY_COUNT = env_int("MSEM_TRUSTED_PROXY_COUNT", 0)

# The inbox's indexes carry the filtered columns (INCLUDE) on PostgreSQL; SQLite builds them without.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
# Day before month and a 24-hour clock in English too (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "msem_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail ---------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # STARTTLS, usually on port 587
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # TLS from the first byte, usually on port 465
# A client certificate (PEM; the key may be in the certificate's file) authenticates Msem to an SMTP
# relay that asks for one, instead of a password (ASVS 13.2.1). Read again at every connection.
EMAIL_SSL_CERTFILE = os.environ.get("EMAIL_SSL_CERTFILE") or None
EMAIL_SSL_KEYFILE = os.environ.get("EMAIL_SSL_KEYFILE") or None
# The CA that signed the relay's certificate when it is a private one; the system's CAs otherwise.
MSEM_EMAIL_SSL_CAFILE = os.environ.get("MSEM_EMAIL_SSL_CAFILE") or None
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL are exclusive: set one of them.")
if (EMAIL_SSL_CERTFILE or EMAIL_SSL_KEYFILE or MSEM_EMAIL_SSL_CAFILE) and not (EMAIL_USE_TLS or EMAIL_USE_SSL):
    # Without TLS they would be silently ignored and the relay reached in clear.
    raise ImproperlyConfigured("EMAIL_SSL_* and MSEM_EMAIL_SSL_CAFILE need EMAIL_USE_TLS or EMAIL_USE_SSL.")
if EMAIL_SSL_KEYFILE and not EMAIL_SSL_CERTFILE:
    raise ImproperlyConfigured("EMAIL_SSL_KEYFILE needs EMAIL_SSL_CERTFILE.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# The address after each school's name on its e-mails. Not a "no-reply": those e-mails ask the client
# to reply (Reply-To is the school's), and a no-reply sender beside "reply to this e-mail" reads as spam.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Msem <ecoles@msem.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Without an SMTP host, e-mails are written to this directory (one .eml file
# per message) instead of being sent: the embedded mode's mailbox.
EMAIL_FILE_PATH = Path(os.environ.get("MSEM_MAIL_DIR", VAR_DIR / "mail"))
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.filebased.EmailBackend"
)

# --- Background work --------------------------------------------------------
# A queue per kind of waiting, each served by its own workers (docs/deployment.md):
# "mail" sends e-mails, "connector4807" talks to 4807 (which may hang for its whole
# timeout), "default" has the chores. A hung 4807 then holds only the workers of its
# queue, never the clients' acknowledgements. A worker of every queue ("*") stays valid.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "mail", "connector4807"],
    }
}

# --- Security ---------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the web processes directly, over plain HTTP. The API is not
    # redirected either: it refuses plain HTTP (msem/api/https_only.py).
    SECURE_REDIRECT_EXEMPT = [r"^health/", r"^api/"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # The __Host- prefix (ASVS 3.3.3): the browser keeps such a cookie only if it came over HTTPS,
    # for this host alone (no Domain) and the whole site; a sibling subdomain cannot plant or overwrite it.
    if SESSION_COOKIE_SECURE:
        SESSION_COOKIE_NAME = "__Host-sessionid"
        LANGUAGE_COOKIE_NAME = "__Host-msem_language"
    if CSRF_COOKIE_SECURE:
        CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# --- Product settings -------------------------------------------------------
# The public address of this deployment (https), in every link it gives: e-mails, and the
# contact form's code for schools' websites. `check --deploy` refuses a local or plain-HTTP one.
MSEM_BASE_URL = os.environ.get("MSEM_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# The demo school and its logins exist only where this is on (`make run`).
MSEM_DEMO = env_bool("MSEM_DEMO", DEBUG)

# One JSON object per line in production (request id and school on each line,
# see msem/platform/json_logs.py); a readable line on a developer's terminal.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be plain or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "msem.platform.json_logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {"()": "msem.platform.json_logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Outbox -------------------------------------------------------------------
# How long a worker may hold an e-mail it is sending before another worker
# considers it dead and sends the e-mail again.
MSEM_OUTBOX_LEASE_SECONDS = env_int("MSEM_OUTBOX_LEASE_SECONDS", 120)
MSEM_OUTBOX_MAX_ATTEMPTS = env_int("MSEM_OUTBOX_MAX_ATTEMPTS", 10)
MSEM_OUTBOX_RETRY_BASE_SECONDS = env_int("MSEM_OUTBOX_RETRY_BASE_SECONDS", 30)
MSEM_OUTBOX_RETRY_MAX_SECONDS = env_int("MSEM_OUTBOX_RETRY_MAX_SECONDS", 3600)
# One delivery run stops after this long and hands over to a fresh run.
MSEM_OUTBOX_RUN_SECONDS = env_int("MSEM_OUTBOX_RUN_SECONDS", 50)
# Rows a worker claims at once (one lease, outcomes written together).
MSEM_OUTBOX_BATCH_SIZE = env_int("MSEM_OUTBOX_BATCH_SIZE", 25)

# --- Health (/health/) -----------------------------------------------------------
# The scheduler queues a heartbeat every minute: older than this, the workers
# (or the scheduler) are down.
MSEM_HEALTH_HEARTBEAT_MAX_AGE = env_int("MSEM_HEALTH_HEARTBEAT_MAX_AGE", 180)
# A due e-mail or sale push waiting longer than this: the workers do not keep up.
MSEM_HEALTH_OUTBOX_MAX_DELAY_SECONDS = env_int("MSEM_HEALTH_OUTBOX_MAX_DELAY_SECONDS", 600)

# --- Intake (contact form and API) -------------------------------------------------
# An acknowledgement is an automatic e-mail to an address typed by anyone:
# at most this many per recipient per day, whatever the school.
MSEM_ACKNOWLEDGEMENTS_PER_RECIPIENT_PER_DAY = env_int("MSEM_ACKNOWLEDGEMENTS_PER_RECIPIENT_PER_DAY", 3)
# Submissions accepted per client IP, per school and per client address ("hits/seconds").
# A forgotten password: the link lives an hour; the requests are throttled per IP and per address.
PASSWORD_RESET_TIMEOUT = 3600
# An invitation to choose one's first password lives longer: it waits for a seasonal secretary to open it.
MSEM_INVITATION_HOURS = env_int("MSEM_INVITATION_HOURS", 72)
MSEM_PASSWORD_RESET_LIMIT_PER_IP = env_rate("MSEM_PASSWORD_RESET_LIMIT_PER_IP", "10/3600")
MSEM_PASSWORD_RESET_LIMIT_PER_EMAIL = env_rate("MSEM_PASSWORD_RESET_LIMIT_PER_EMAIL", "3/3600")
MSEM_INTAKE_LIMIT_PER_IP = env_rate("MSEM_INTAKE_LIMIT_PER_IP", "10/3600")
MSEM_INTAKE_LIMIT_PER_SCHOOL = env_rate("MSEM_INTAKE_LIMIT_PER_SCHOOL", "600/3600")
MSEM_INTAKE_LIMIT_PER_RECIPIENT = env_rate("MSEM_INTAKE_LIMIT_PER_RECIPIENT", "5/86400")
# A human needs at least this long to fill the form; faster is a robot.
MSEM_FORM_MIN_FILL_SECONDS = env_int("MSEM_FORM_MIN_FILL_SECONDS", 3)
# A form left open longer than this must be sent again.
MSEM_FORM_MAX_AGE_SECONDS = env_int("MSEM_FORM_MAX_AGE_SECONDS", 24 * 3600)

# Requests that look like a robot's wait in the quarantine this many days, then go.
MSEM_QUARANTINE_DAYS = env_int("MSEM_QUARANTINE_DAYS", 14)
# PostgreSQL: a school with this many dossiers gets a trigram index of its own, so that its
# free-text search does not grow with the other schools' dossiers (msem/inquiries/search_indexes.py).
MSEM_SCHOOL_SEARCH_INDEX_MIN_DOSSIERS = env_int("MSEM_SCHOOL_SEARCH_INDEX_MIN_DOSSIERS", 20000)
# At most this many a day per school: beyond, a flood, dropped.
MSEM_QUARANTINE_PER_SCHOOL_PER_DAY = env_int("MSEM_QUARANTINE_PER_SCHOOL_PER_DAY", 200)
# A message with more links than this is held in the quarantine.
MSEM_QUARANTINE_MAX_LINKS = env_int("MSEM_QUARANTINE_MAX_LINKS", 3)

# --- Payments -------------------------------------------------------------------
# Stripe Checkout is offered when a secret key is set; its webhook signing secret
# verifies what Stripe tells us. MSEM_STRIPE_API_BASE points the official client
# elsewhere (a local server speaking Stripe's protocol, in tests).
MSEM_STRIPE_SECRET_KEY = os.environ.get("MSEM_STRIPE_SECRET_KEY", "")
MSEM_STRIPE_WEBHOOK_SECRET = os.environ.get("MSEM_STRIPE_WEBHOOK_SECRET", "")
MSEM_STRIPE_API_BASE = os.environ.get("MSEM_STRIPE_API_BASE", "")
# The sandbox "provider" lets anyone try the whole flow without real money: demo only.
MSEM_PAYMENT_SANDBOX = env_bool("MSEM_PAYMENT_SANDBOX", MSEM_DEMO)

# --- 4807 -------------------------------------------------------------------------
# The 4807 gateway Msem talks to; without it, the embedded mode (local catalogs,
# a local ledger of sales). Each school may have its own token (set by the
# platform's administrators); MSEM_4807_TOKEN is the default.
MSEM_4807_URL = os.environ.get("MSEM_4807_URL", "").rstrip("/")
MSEM_4807_TOKEN = os.environ.get("MSEM_4807_TOKEN", "")
MSEM_4807_CONNECT_TIMEOUT = env_float("MSEM_4807_CONNECT_TIMEOUT", 3)
MSEM_4807_READ_TIMEOUT = env_float("MSEM_4807_READ_TIMEOUT", 10)
MSEM_4807_PUSH_MAX_ATTEMPTS = env_int("MSEM_4807_PUSH_MAX_ATTEMPTS", 12)
MSEM_4807_RETRY_BASE_SECONDS = env_int("MSEM_4807_RETRY_BASE_SECONDS", 30)
MSEM_4807_RETRY_MAX_SECONDS = env_int("MSEM_4807_RETRY_MAX_SECONDS", 3600)
# How often the price lists are fetched again from 4807.
MSEM_4807_SYNC_MINUTES = env_int("MSEM_4807_SYNC_MINUTES", 60)
