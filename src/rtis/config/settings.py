"""Django settings, read from RTIS_* environment variables through typed helpers."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from rtis.lib.env import (
    SettingError,
    env_bool,
    env_choice,
    env_database_url,
    env_date,
    env_int,
    env_list,
    env_secret,
    env_str,
    env_timezone,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# src/rtis/config -> repository root in a checkout; var/ holds the SQLite file and secrets.
REPO_DIR = PACKAGE_DIR.parent.parent
DEFAULT_SECRET_KEY = "rtis-insecure-default-key-change-me"

try:
    VAR_DIR = Path(env_str("RTIS_VAR_DIR", str(REPO_DIR / "var")))
    DEBUG = env_bool("RTIS_DEBUG", False)
    SECRET_KEY = env_secret("RTIS_SECRET_KEY", "RTIS_SECRET_KEY_FILE", DEFAULT_SECRET_KEY)
    ALLOWED_HOSTS = env_list("RTIS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
    TIME_ZONE = env_timezone("RTIS_TIME_ZONE", "Asia/Seoul")
    LANGUAGE_CODE = env_choice("RTIS_LANGUAGE", "ko", {"ko", "en"})
    DATABASE_URL = env_database_url(
        "RTIS_DATABASE_URL", f"sqlite:///{VAR_DIR / 'rtis.sqlite3'}"
    )
    SECURE = env_bool("RTIS_SECURE", False)
    # The day every page, reminder and report treats as today (a demo's or a test's fixed day);
    # unset: the date in TIME_ZONE. Read through rtis.config.clock, never directly.
    RTIS_TODAY = env_date("RTIS_TODAY")
except SettingError as exc:
    raise ImproperlyConfigured(str(exc)) from None

try:
    # Sign-in throttling (rtis.web.signin): per account and per client address.
    SIGNIN_MAX_FAILURES = env_int("RTIS_SIGNIN_MAX_FAILURES", 5, 1, 1000)
    SIGNIN_MAX_FAILURES_PER_ADDRESS = env_int("RTIS_SIGNIN_MAX_FAILURES_PER_ADDRESS", 20, 1, 100000)
    SIGNIN_LOCK_SECONDS = 60 * env_int("RTIS_SIGNIN_LOCK_MINUTES", 1, 1, 1440)
    SIGNIN_LOCK_MAX_SECONDS = 60 * env_int("RTIS_SIGNIN_LOCK_MAX_MINUTES", 60, 1, 10080)
    # A counter with no failure for this long starts again from zero.
    SIGNIN_RESET_SECONDS = 3600 * env_int("RTIS_SIGNIN_RESET_HOURS", 24, 1, 8760)
    # Addresses (or networks) of reverse proxies whose X-Forwarded-For is believed.
    TRUSTED_PROXIES = env_list("RTIS_TRUSTED_PROXIES", [])
    PASSWORD_MIN_LENGTH = env_int("RTIS_PASSWORD_MIN_LENGTH", 10, 8, 128)
    # Sessions: signed out after this much inactivity, and at the latest this long after sign-in.
    SESSION_IDLE_SECONDS = 60 * env_int("RTIS_SESSION_IDLE_MINUTES", 30, 1, 1440)
    SESSION_MAX_SECONDS = 3600 * env_int("RTIS_SESSION_MAX_HOURS", 8, 1, 720)
    SESSION_WARN_SECONDS = 60 * env_int("RTIS_SESSION_WARN_MINUTES", 5, 1, 60)
    CSP_REPORT_ONLY = env_bool("RTIS_CSP_REPORT_ONLY", False)
except SettingError as exc:
    raise ImproperlyConfigured(str(exc)) from None


DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while a writer commits; IMMEDIATE avoids lock upgrades mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rtis.orgs",
    "rtis.audit",
    "rtis.plans",
    "rtis.oversight",
    "rtis.tracking",
    "rtis.dashboards",
    "rtis.checks",
    "rtis.reports",
    "rtis.ingest",
    "rtis.rnd",
    "rtis.portal",
    "rtis.facilities",
    "rtis.lineage",
    "rtis.review",
    "rtis.grants",
    "rtis.refdata",
    "rtis.search",
    "rtis.ntis",
    "rtis.web",
    "rtis.apicache",
]

MIDDLEWARE = [
    "rtis.web.requestmemo.RequestMemoMiddleware",  # values computed once per request
    "django.middleware.security.SecurityMiddleware",
    "rtis.web.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rtis.web.middleware.ChosenLanguageMiddleware",
    "rtis.web.uploads.UploadProblemMiddleware",  # before CSRF, which reads the upload first
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rtis.web.sessions.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "rtis.config.urls"
WSGI_APPLICATION = "rtis.config.wsgi.application"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"  # web/views.py start: 내 업무 for officers and planners
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "rtis.tracking.context_processors.menu_counts",
                "rtis.web.sessions.session_context",
            ],
        },
    },
]

# The gate comes first: it refuses locked accounts and addresses before any backend checks a
# password, whichever door (login page, /admin/login/, a test client) called authenticate().
# Sign-in through the city's directory (LDAP) when RTIS_LDAP_SERVER_URI is set; local accounts
# (the ModelBackend) keep working next to it, e.g. for the admin. See docs/operations.md.
AUTHENTICATION_BACKENDS = [
    "rtis.web.signin.SignInGateBackend",
    "django.contrib.auth.backends.ModelBackend",
]
if env_str("RTIS_LDAP_SERVER_URI", ""):
    from rtis.config.directory import directory_settings

    try:
        globals().update(directory_settings(os.environ))
    except SettingError as exc:
        raise ImproperlyConfigured(str(exc)) from None
    AUTHENTICATION_BACKENDS.insert(1, "rtis.orgs.directory.DirectoryBackend")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Only needed for `collectstatic` behind a front web server; `rtis serve` uses the finders.
STATIC_ROOT = env_str("RTIS_STATIC_ROOT", "") or None
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Serve straight from the finders: `rtis serve` needs no collectstatic step on an intranet box.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = env_str("RTIS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("RTIS_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_choice("RTIS_EMAIL_PORT", "25", {"25", "465", "587", "1025"}))
DEFAULT_FROM_EMAIL = env_str("RTIS_EMAIL_FROM", "rtis@localhost")
# The site's address as readers reach it, for links in reminder mail (e.g. https://rtis.seoul.go.kr).
RTIS_BASE_URL = env_str("RTIS_BASE_URL", "").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "filters": {"one_line_refusals": {"()": "rtis.lib.logfilters.OneLineRefusals"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "rtis": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # A 403 is logged as one line (who was refused where), without PermissionDenied's trace.
        "django.request": {"level": "WARNING", "filters": ["one_line_refusals"]},
    },
}

SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
# Every response carries this policy (rtis.web.csp); no inline script or style anywhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

# api-fast: the public's plan reads answered from memory (rtis.apicache), per server process;
# 0 turns the cache off. One answer may take at most an eighth of it.
try:
    API_CACHE_BYTES = 1024 * 1024 * env_int("RTIS_API_CACHE_MB", 64, 0, 65536)
except SettingError as exc:
    raise ImproperlyConfigured(str(exc)) from None
API_CACHE_ANSWER_BYTES = API_CACHE_BYTES // 8
# An answer is kept at most this many seconds (a bound on staleness for writes made outside RTIS).
try:
    API_CACHE_SECONDS = env_int("RTIS_API_CACHE_SECONDS", 60, 1, 86400)
except SettingError as exc:
    raise ImproperlyConfigured(str(exc)) from None
# api-miss: the public's budget-lines and budget-summary computed in front of Django (a miss of
# the cache above, or every request when it is 0); RTIS_API_THIN=0 sends them all to Django.
try:
    API_THIN_READS = env_bool("RTIS_API_THIN", True)
except SettingError as exc:
    raise ImproperlyConfigured(str(exc)) from None
