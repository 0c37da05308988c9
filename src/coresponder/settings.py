"""The one settings module. Every value comes from the environment (see docs/configuration.md).

Safe defaults: a developer gets a working SQLite install with nothing set; production mode
(``COREPONDER_ENV=production``) refuses the settings that are only fit for a laptop.
"""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from coresponder.core.env import (
    ensure_private_dir,
    env_bool,
    env_int,
    env_list,
    env_secret,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent

ENVIRONMENT = env_str("COREPONDER_ENV", "development")
if ENVIRONMENT not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"COREPONDER_ENV must be development, test or production, not {ENVIRONMENT!r}"
    )
PRODUCTION = ENVIRONMENT == "production"
DATA_DIR = Path(env_str("COREPONDER_DATA_DIR", "var")).resolve()

DEBUG = env_bool("COREPONDER_DEBUG", False)
SECRET_KEY = env_secret("COREPONDER_SECRET_KEY", DATA_DIR, "secret_key")
AUDIT_HMAC_KEY = env_secret("COREPONDER_AUDIT_KEY", DATA_DIR, "audit_key")
ALLOWED_HOSTS = env_list(
    "COREPONDER_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("COREPONDER_CSRF_TRUSTED_ORIGINS", "")
TRUSTED_PROXIES = env_list("COREPONDER_TRUSTED_PROXIES", "")

# Demo mode is switched on only by `coresponder demo`, which leaves this marker in the data
# directory: it is not an environment setting, so it cannot be flipped on in production.
DEMO_MODE = (DATA_DIR / "demo-mode").exists() and not PRODUCTION
MFA_REQUIRED = env_bool("COREPONDER_MFA_REQUIRED", True) and not DEMO_MODE

# --- database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'coresponder.sqlite3'}")
_database = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    ensure_private_dir(DATA_DIR)
    _database["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Tests run on a file, as the product does: an in-memory database locks whole tables
    # between connections, so concurrent writers would fail there for a reason production
    # never meets.
    _database["TEST"] = {"NAME": str(DATA_DIR / "test-coresponder.sqlite3")}
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SQLITE_DISK_ENCRYPTION_ATTESTED = env_bool("COREPONDER_SQLITE_DISK_ENCRYPTION_ATTESTED", False)

# --- sessions, timeouts, lockout ------------------------------------------------------------
SESSION_IDLE_TIMEOUT = timedelta(minutes=env_int("COREPONDER_SESSION_IDLE_MINUTES", 30, minimum=1))
SESSION_ABSOLUTE_TIMEOUT = timedelta(
    hours=env_int("COREPONDER_SESSION_ABSOLUTE_HOURS", 12, minimum=1)
)
STEP_UP_MAX_AGE = timedelta(minutes=env_int("COREPONDER_STEP_UP_MINUTES", 5, minimum=1))
LOCKOUT_FAILURE_LIMIT = env_int("COREPONDER_LOCKOUT_FAILURES", 5, minimum=1)
LOCKOUT_WINDOW = timedelta(minutes=env_int("COREPONDER_LOCKOUT_WINDOW_MINUTES", 15, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_COOKIES = env_bool("COREPONDER_SECURE_COOKIES", PRODUCTION)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-coresponder" if SECURE_COOKIES else "coresponder_session"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SECURE_COOKIES else "csrftoken"

# --- security headers ---------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("COREPONDER_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("COREPONDER_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUSTED_PROXIES else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- production refusals ------------------------------------------------------------------
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("COREPONDER_DEBUG must be off when COREPONDER_ENV=production")
    if not SECURE_COOKIES:
        raise ImproperlyConfigured(
            "COREPONDER_SECURE_COOKIES must be on when COREPONDER_ENV=production"
        )
    if _database["ENGINE"].endswith("sqlite3") and not SQLITE_DISK_ENCRYPTION_ATTESTED:
        raise ImproperlyConfigured(
            "SQLite in production needs COREPONDER_SQLITE_DISK_ENCRYPTION_ATTESTED=true "
            "(the data directory is on an encrypted disk); otherwise set DATABASE_URL to "
            "PostgreSQL"
        )

# --- applications -------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "ninja",
    "coresponder.core",
    "coresponder.accounts",
    "coresponder.audit",
    "coresponder.calls",
    "coresponder.triage",
    "coresponder.cases",
    "coresponder.referrals",
    "coresponder.notifications",
    "coresponder.linkage",
    "coresponder.plans",
    "coresponder.conferences",
    "coresponder.training",
    "coresponder.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "coresponder.core.middleware.RequestContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "coresponder.accounts.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "coresponder.access.middleware.PolicyMiddleware",
]

ROOT_URLCONF = "coresponder.urls"
WSGI_APPLICATION = "coresponder.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coresponder.core.context_processors.shell",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "coresponder.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "coresponder.accounts.passwords.AgencyNameValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("COREPONDER_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# The installation's own agency, created by `coresponder init`; imports without --agency go here.
# The response policy every call is triaged with: a TOML file; empty means the shipped default.
TRIAGE_POLICY = env_str("COREPONDER_TRIAGE_POLICY", "")
# Hours within which a person is contacted again after a crisis or co-response encounter.
FOLLOW_UP_HOURS = env_int("COREPONDER_FOLLOW_UP_HOURS", 48, minimum=1)
# The frequent-caller rule: a person or place with at least this many calls in 12 months, or
# at least the second number in 6 months (defaults: more than 4 a year, or 2 or more in 6 months).
FREQUENT_CALLS_12_MONTHS = env_int("COREPONDER_FREQUENT_CALLS_12_MONTHS", 5, minimum=1)
FREQUENT_CALLS_6_MONTHS = env_int("COREPONDER_FREQUENT_CALLS_6_MONTHS", 2, minimum=1)
# The open-data export: every combination of the quasi-identifiers is shared by at least K
# released calls (k-anonymity); smaller groups are generalised, then suppressed or withheld.
OPEN_DATA_K = env_int("COREPONDER_OPEN_DATA_K", 11, minimum=2)
OPEN_DATA_QUASI_IDENTIFIERS = env_list(
    "COREPONDER_OPEN_DATA_QUASI_IDENTIFIERS", "location,category"
)
# Days a partner has to answer a sent referral before it shows as overdue on the worker's day.
REFERRAL_ANSWER_DAYS = env_int("COREPONDER_REFERRAL_ANSWER_DAYS", 5, minimum=1)
# Days a partner's signed link to one referral keeps working.
PARTNER_LINK_DAYS = env_int("COREPONDER_PARTNER_LINK_DAYS", 14, minimum=1)
# Days before a training certificate expires from which it is listed and supervisors reminded.
TRAINING_REMINDER_DAYS = env_int("COREPONDER_TRAINING_REMINDER_DAYS", 60, minimum=1)
# E-mail for notifications (no names or health information in them). Without a host, e-mail
# is off and notifications are in the product only.
EMAIL_HOST = env_str("COREPONDER_EMAIL_HOST", "")
EMAIL_PORT = env_int("COREPONDER_EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("COREPONDER_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("COREPONDER_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("COREPONDER_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str("COREPONDER_EMAIL_FROM", "coresponder@localhost")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.dummy.EmailBackend"
)
# A directory of the agency's own assessment instruments (TOML), next to the shipped ones.
INSTRUMENTS_DIR = env_str("COREPONDER_INSTRUMENTS_DIR", "")
DEFAULT_AGENCY_SLUG = env_str("COREPONDER_AGENCY_SLUG", "default")
DEFAULT_AGENCY_NAME = env_str("COREPONDER_AGENCY_NAME", "Default agency")
DEFAULT_AGENCY_TIME_ZONE = env_str("COREPONDER_AGENCY_TIME_ZONE", "UTC")
ACCOUNT_IDLE_LIMIT = timedelta(days=env_int("COREPONDER_ACCOUNT_IDLE_DAYS", 90, minimum=1))
SYSTEM_USE_NOTICE = env_str(
    "COREPONDER_SYSTEM_USE_NOTICE",
    "This is a restricted government information system. Use is monitored and recorded. "
    "Unauthorised use is prohibited and may be subject to criminal and civil penalties. "
    "By using this system you consent to monitoring and recording.",
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": sys.stderr}},
    "root": {"handlers": ["console"], "level": env_str("COREPONDER_LOG_LEVEL", "WARNING")},
}
