"""Settings for 西昌学院研究生联合培养基地管理系统.

One file; every production difference comes from an environment variable
(see README.md, "Production"). With nothing set the project runs in
development mode on SQLite under var/.
"""

import os
from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from xcu_bases.env import database_from_url, env_bool, env_int, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = env_bool("DJANGO_DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-development-only-never-use-this-key-in-production-7f3a"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "生产模式必须设置 DJANGO_SECRET_KEY / DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "生产模式必须设置 DJANGO_ALLOWED_HOSTS / DJANGO_ALLOWED_HOSTS is required in production."
    )
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "xcu_bases",
    "applications",
    "agreements",
    "practice",
    "evaluation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_fsm",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a session 12 hours after its login, however active (ASVS 7.3.2).
    "xcu_bases.middleware.AbsoluteSessionLimitMiddleware",
    # Signed-in pages are personal data: Cache-Control: no-store.
    "xcu_bases.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xcu_bases.urls"
WSGI_APPLICATION = "xcu_bases.wsgi.application"

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
                "xcu_bases.context_processors.nav",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("DATABASE_URL", "sqlite:///var/db.sqlite3"), base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # An on-disk test database, so that tests with two threads writing at once
    # (concurrent approvals) exercise SQLite's real locking, as production does.
    # One file per test process, so that two test runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {
        # Wait for a concurrent writer instead of failing at once.
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # Keep PostgreSQL connections for a minute instead of one per request, checked before reuse
    # so a restarted server costs one failed request per worker at most (bench/README.md).
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "xcu_bases.User"
LOGIN_URL = "login"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username/address before any password check.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend behind the per-address limit (xcu_bases/throttle.py).
    "xcu_bases.throttle.AddressThrottledBackend",
]
# Login throttling (ASVS 6.3): 5 failures for one account from one address → 30 minutes'
# cool-off; never a permanent lock; a success clears the count. Attempts are kept in the DB
# (admin: Axes) and logged. A refused attempt checks no password: it neither counts nor
# extends the cool-off.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = True
# axes' own log lines, values escaped (our login log is xcu_bases.auth).
AXES_CLIENT_STR_CALLABLE = "xcu_bases.auth_log.client_str"
# Password spraying (issue 14): 20 failures from one address in 10 minutes, whatever the
# accounts → the same 30-minute cool-off for every login from that address (axes has one limit
# for all its combinations, so this one is ours: xcu_bases/throttle.py).
XCU_ADDRESS_FAILURE_LIMIT = 20
XCU_ADDRESS_FAILURE_WINDOW = timedelta(minutes=10)
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sessions end after 30 idle minutes: every request pushes the expiry forward.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Everyone gets Chinese (no LocaleMiddleware: a browser asking for English gets Chinese too).
# xcu_bases/locale fills what Django's zh_Hans catalog lacks (the password length message).
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
# Where `manage.py backup` writes (see README.md, "Backups"); it holds personal data.
BACKUP_DIR = Path(os.environ.get("XCU_BACKUP_DIR", VAR_DIR / "backups"))
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# PDFs are printed in this family (Debian: fonts-noto-cjk); checked at start-up.
PDF_CJK_FONT_FAMILY = os.environ.get("XCU_PDF_FONT_FAMILY", "Noto Serif CJK SC")

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "yjsc@xcc.edu.cn")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("DJANGO_EMAIL_TIMEOUT", 10)
EMAIL_SUBJECT_PREFIX = "【研究生联合培养基地】"
# Links in e-mails (and reminders sent from cron) need the site's address.
SITE_URL = os.environ.get("XCU_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Notification e-mails are sent after the transaction commits, in a background thread so a slow
# or dead mail server never holds up the person who clicked; off in tests (sent inline).
NOTIFY_EMAIL_IN_BACKGROUND = env_bool("XCU_NOTIFY_EMAIL_IN_BACKGROUND", default=True)
# School rule (学校规定, not the regulation's Art 24): Annex 3 is due within this many days of the
# end of the practice; the homes, the request page and the daily reminders say so.
XCU_ANNEX3_DUE_DAYS = env_int("XCU_ANNEX3_DUE_DAYS", 30)
if XCU_ANNEX3_DUE_DAYS < 1:
    raise ImproperlyConfigured(
        f"XCU_ANNEX3_DUE_DAYS={XCU_ANNEX3_DUE_DAYS} 须为正整数 / must be a positive number of days."
    )

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    if env_bool("DJANGO_BEHIND_PROXY", default=False):
        AXES_IPWARE_PROXY_COUNT = 1
        AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

SESSION_COOKIE_HTTPONLY = True
# Messages live in the session, not in a readable cookie: one of them carries a
# new base supervisor's initial password.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): only our own files; no inline scripts, handlers or styles
# in the templates; SVG data: URIs are Bootstrap's form-control icons.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One record, one line: control characters in a message are escaped (xcu_bases/logs.py).
    "formatters": {
        "plain": {
            "()": "xcu_bases.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # Its banner and per-attempt lines: our own login log (xcu_bases.auth) has each failure
        # and pause once, in Chinese, with escaped values.
        "axes": {"level": "ERROR"},
    },
}

SITE_NAME = "西昌学院研究生联合培养基地管理系统"
