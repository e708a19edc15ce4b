"""ArtChart settings: one module, driven by environment variables.

Profiles (``ARTCHART_PROFILE``):

* ``local`` (default) — the laptop and the demo. Serves on loopback only, so the
  TLS-related deploy checks are waived: traffic never leaves the machine.
* ``server`` — behind a TLS-terminating proxy or with its own certificate.
  Requires ``ARTCHART_SECRET_KEY``, ``ARTCHART_AUDIT_KEY`` and
  ``ARTCHART_ALLOWED_HOSTS``; ``artchart check --deploy`` is clean.

Every secret may be given directly (``ARTCHART_SECRET_KEY=…``) or as a file
(``ARTCHART_SECRET_KEY_FILE=/run/secrets/…``), as container platforms do.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from artchart.startup import SettingsProblem

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


# What is wrong with the environment, gathered so that one message names all of it.
PROBLEMS: list[str] = []
KEY_HINT = "e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"


def secret(name: str) -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE``."""
    if os.environ.get(name):
        return os.environ[name]
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            PROBLEMS.append(f"{name}_FILE names {path}, which cannot be read ({exc.strerror or exc}).")
    return ""


def require_strong(name: str, value: str, *, minimum: int = 32) -> None:
    """In the server profile a secret must be given, and long enough to be unguessable."""
    if any(problem.startswith(f"{name}_FILE ") for problem in PROBLEMS):
        return  # already named: its file cannot be read
    if not value:
        PROBLEMS.append(f"{name} is missing: set it (or {name}_FILE) to a random value, {KEY_HINT}.")
    elif len(value) < minimum or value.startswith("django-insecure"):
        PROBLEMS.append(f"{name} is too weak: use at least {minimum} random characters, {KEY_HINT}.")


def local_secret(path: Path) -> str:
    """A secret generated once and kept in ``var/secrets`` (local profile only).

    The audit key in particular must live outside the database, so that someone
    who can rewrite the database cannot recompute the audit chain.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


PROFILE = env("ARTCHART_PROFILE", "local")
if PROFILE not in {"local", "server"}:
    raise SettingsProblem(f"ARTCHART_PROFILE must be 'local' or 'server', not {PROFILE!r}.")
SERVER = PROFILE == "server"
TESTING = env_bool("ARTCHART_TESTING")

VAR_DIR = Path(env("ARTCHART_VAR_DIR", str(BASE_DIR / "var")))
SECRETS_DIR = VAR_DIR / "secrets"

SECRET_KEY = secret("ARTCHART_SECRET_KEY")
AUDIT_KEY = secret("ARTCHART_AUDIT_KEY")
# Encrypts TOTP secrets and keys the recovery-code hashes. Outside the database,
# so a copy of the database alone cannot produce second-factor codes. Several
# keys, comma-separated, rotate it: the first encrypts, every one decrypts.
MFA_KEY = secret("ARTCHART_MFA_KEY")
if SERVER:
    # Django's own deploy check wants 50 characters for the key that signs sessions.
    require_strong("ARTCHART_SECRET_KEY", SECRET_KEY, minimum=50)
    require_strong("ARTCHART_AUDIT_KEY", AUDIT_KEY)
    require_strong("ARTCHART_MFA_KEY", MFA_KEY.split(",")[0])
else:
    SECRET_KEY = SECRET_KEY or local_secret(SECRETS_DIR / "secret_key")
    AUDIT_KEY = AUDIT_KEY or local_secret(SECRETS_DIR / "audit_key")
    MFA_KEY = MFA_KEY or local_secret(SECRETS_DIR / "mfa_key")

DEBUG = env_bool("ARTCHART_DEBUG", False)

if SERVER:
    ALLOWED_HOSTS = env_list("ARTCHART_ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        PROBLEMS.append(
            "ARTCHART_ALLOWED_HOSTS is missing: set it to the host names the server answers to, "
            "comma-separated (e.g. artchart.example.org)."
        )
else:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
CSRF_TRUSTED_ORIGINS = env_list("ARTCHART_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First: its ``createsuperuser`` (which gives the account the admin role) replaces Django's,
    # and a command of an app listed earlier wins.
    "artchart.core",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "artchart.clients",
    "artchart.sso",
    "artchart.programs",
    "artchart.plans",
    "artchart.therapy",
    "artchart.artworks",
    "artchart.measures",
    "artchart.reports",
    "artchart.supervision",
    "artchart.supplies",
    "django_tasks",
    "django_tasks_db",
    # Last: the demo builder uses every app above and no app imports it.
    "artchart.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # While a client answers a measure on the therapist's tablet, nothing else of the record opens.
    "artchart.measures.middleware.HandoffMiddleware",
    "artchart.core.middleware.SessionLimitsMiddleware",
    # Django admin's operators set up a second factor before they reach anything.
    "artchart.core.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "artchart.sso.middleware.ProviderRecheckMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "artchart.core.middleware.SecurityHeadersMiddleware",
    "artchart.core.middleware.ReadAuditMiddleware",
    # Innermost: a read works out the viewer's relations to their clients once, however many panels ask.
    "artchart.core.middleware.AccessScopeMiddleware",
]

ROOT_URLCONF = "artchart.urls"
WSGI_APPLICATION = "artchart.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "artchart" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "artchart.core.context_processors.session_limits",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite by default, in WAL mode with synchronous=FULL so a committed change
# survives a power cut, and IMMEDIATE transactions so two writers queue on the
# lock instead of failing half-way with "database is locked".
SQLITE_PATH = Path(env("ARTCHART_SQLITE_PATH", str(VAR_DIR / "artchart.sqlite3")))
if env("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.parse(env("DATABASE_URL"), conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=FULL;PRAGMA foreign_keys=ON;PRAGMA busy_timeout=20000"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
# ModelBackend hashes a dummy password for unknown usernames (Django #20760), so
# the Argon2 work, and so the timing, is the same whether or not a user exists.
# The first backend refuses a password when the user's organization has turned
# local passwords off for single sign-on (admins excepted: break glass for IT);
# the last one signs in through the organization's OpenID Connect provider.
AUTHENTICATION_BACKENDS = [
    "artchart.sso.backends.LocalPasswordPolicyBackend",
    "django.contrib.auth.backends.ModelBackend",
    "artchart.sso.backends.OidcBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Sessions -----------------------------------------------------------------
# Inactivity logoff (HIPAA 164.312(a)(2)(iii)) after ARTCHART_IDLE_MINUTES, with
# a warning shown a minute or two before; and an absolute limit however busy.
IDLE_TIMEOUT_SECONDS = env_int("ARTCHART_IDLE_MINUTES", 15) * 60
IDLE_WARNING_SECONDS = min(120, IDLE_TIMEOUT_SECONDS // 2)
SESSION_ABSOLUTE_SECONDS = env_int("ARTCHART_SESSION_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

API_TOKEN_DAYS = env_int("ARTCHART_API_TOKEN_DAYS", 30)

# --- Sign-in: second factor and lockout --------------------------------------------
# Admins, supervisors and program administrators always need a second factor
# (artchart.core.mfa.MFA_REQUIRED_ROLES). This one switch, set by the operator
# rather than stored in the database, extends it to everyone: it is a policy a
# hospital's IT decides, and a setting cannot be switched off from the app itself.
MFA_REQUIRED_FOR_ALL = env_bool("ARTCHART_MFA_REQUIRED_FOR_ALL", False)
MFA_ISSUER = env("ARTCHART_MFA_ISSUER", "ArtChart")
# The lockout counts failed sign-ins (password or code) for one username from one
# source: the client's address, or a known device (a signed cookie set after a sign-in
# with the second factor, for ARTCHART_KNOWN_DEVICE_DAYS). From the
# ARTCHART_LOCKOUT_FAILURES-th failure on, each one pauses that pair for
# ARTCHART_LOCKOUT_FIRST_MINUTES, doubling every time up to ARTCHART_LOCKOUT_MAX_MINUTES;
# failures from elsewhere never pause the user where they are. One address failing for
# many usernames is paused the same way from its ARTCHART_LOCKOUT_ADDRESS_FAILURES-th
# failure (a known device is not). Failures are forgotten ARTCHART_LOCKOUT_FORGET_HOURS
# after the last one, or when the user signs in from that source.
LOCKOUT_FAILURES = env_int("ARTCHART_LOCKOUT_FAILURES", 5)
LOCKOUT_FIRST_MINUTES = env_int("ARTCHART_LOCKOUT_FIRST_MINUTES", 1)
LOCKOUT_MAX_MINUTES = env_int("ARTCHART_LOCKOUT_MAX_MINUTES", 60)
LOCKOUT_ADDRESS_FAILURES = env_int("ARTCHART_LOCKOUT_ADDRESS_FAILURES", 30)
LOCKOUT_FORGET_HOURS = env_int("ARTCHART_LOCKOUT_FORGET_HOURS", 24)
KNOWN_DEVICE_DAYS = env_int("ARTCHART_KNOWN_DEVICE_DAYS", 90)
# The client's address is the socket peer's (REMOTE_ADDR). Only when that peer is one of
# these proxies (addresses, comma-separated) is X-Forwarded-For believed: its right-most
# address that is not itself a trusted proxy. Audit events and the lockout both use it.
TRUSTED_PROXIES = env_list("ARTCHART_TRUSTED_PROXIES")

# --- E-mail ---------------------------------------------------------------------------
# Password-reset links and security notices go through the SMTP server the
# operator names. Without ARTCHART_SMTP_HOST mail is printed to the console:
# right for the local profile (nothing leaves the machine), and a server
# operator who wants password reset must set the host.
SMTP_HOST = env("ARTCHART_SMTP_HOST")
if SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = SMTP_HOST
    EMAIL_PORT = env_int("ARTCHART_SMTP_PORT", 587)
    EMAIL_HOST_USER = env("ARTCHART_SMTP_USER")
    EMAIL_HOST_PASSWORD = secret("ARTCHART_SMTP_PASSWORD")
    EMAIL_USE_TLS = env_bool("ARTCHART_SMTP_STARTTLS", True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ArtChart <artchart@localhost>")
PASSWORD_RESET_TIMEOUT = env_int("ARTCHART_PASSWORD_RESET_MINUTES", 60) * 60

# --- Single sign-on (OpenID Connect) ---------------------------------------------------
# Off unless the operator names the hospital's provider, ArtChart's client id and
# its secret. The provider is found by discovery (ISSUER/.well-known/openid-configuration).
# It is the only outbound connection sign-in makes, so the local profile (loopback
# only) accepts a provider on loopback alone; a real one needs the server profile.
OIDC_ISSUER = env("ARTCHART_OIDC_ISSUER").rstrip("/")
OIDC_RP_CLIENT_ID = env("ARTCHART_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = secret("ARTCHART_OIDC_CLIENT_SECRET")
# The claim that names the ArtChart account: compared with the username, or with
# the e-mail address when it is "email". Users are never created from it.
OIDC_CLAIM = env("ARTCHART_OIDC_CLAIM", "preferred_username")
OIDC_RP_SCOPES = env("ARTCHART_OIDC_SCOPES", "openid profile email")
OIDC_RP_SIGN_ALGO = env("ARTCHART_OIDC_SIGN_ALGO", "RS256")
# How often a signed-in session is checked with the provider (refresh token, else
# userinfo); an account disabled there ends its ArtChart sessions at that check.
OIDC_RECHECK_SECONDS = env_int("ARTCHART_OIDC_RECHECK_MINUTES", 15) * 60
OIDC_CREATE_USER = False
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
OIDC_AUTHENTICATION_CALLBACK_URL = "sso:callback"
if OIDC_ISSUER:
    from urllib.parse import urlsplit

    _issuer = urlsplit(OIDC_ISSUER)
    if SERVER and _issuer.scheme != "https":
        PROBLEMS.append("ARTCHART_OIDC_ISSUER must be an https:// address.")
    if not SERVER and _issuer.hostname not in ("127.0.0.1", "localhost", "::1"):
        PROBLEMS.append(
            "Single sign-on with a provider off this machine needs the server profile "
            "(ARTCHART_PROFILE=server): the local profile talks to loopback only."
        )
    if not (OIDC_RP_CLIENT_ID and OIDC_RP_CLIENT_SECRET):
        PROBLEMS.append(
            "ARTCHART_OIDC_ISSUER needs ARTCHART_OIDC_CLIENT_ID and ARTCHART_OIDC_CLIENT_SECRET (or its *_FILE)."
        )

# Forward every audit event to a syslog collector the operator runs, e.g.
# "udp://127.0.0.1:514" or "tcp://logs.example.org:6514" (behind stunnel for TLS).
AUDIT_SYSLOG = env("ARTCHART_AUDIT_SYSLOG")
if AUDIT_SYSLOG and not AUDIT_SYSLOG.startswith(("udp://", "tcp://")):
    PROBLEMS.append("ARTCHART_AUDIT_SYSLOG must look like udp://host:port or tcp://host:port.")
AGE_OF_MAJORITY = env_int("ARTCHART_AGE_OF_MAJORITY", 18)
# How long one "break the glass" emergency access lasts.
BREAK_GLASS_MINUTES = env_int("ARTCHART_BREAK_GLASS_MINUTES", 60)
# A note signed (or submitted) this many hours after its session is marked a late entry.
LATE_ENTRY_HOURS = env_int("ARTCHART_LATE_ENTRY_HOURS", 72)
# How far ahead a recurring series' sessions exist; a background task keeps it so.
SERIES_HORIZON_WEEKS = env_int("ARTCHART_SERIES_HORIZON_WEEKS", 26)

# --- Background tasks (django-tasks) -------------------------------------------------
# ``local`` runs a task at once in the process that enqueues it; ``server`` stores
# it in the database for ``artchart worker`` processes (django-tasks-db), so any
# number of stateless app processes may enqueue.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend" if SERVER else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default"],
    }
}
# Scheduled backups (``artchart backup --scheduled``): the folder, how many to keep, and the
# file holding the passphrase that encrypts them (kept apart from the backups).
BACKUP_DIR = env("ARTCHART_BACKUP_DIR")
BACKUP_KEEP = env_int("ARTCHART_BACKUP_KEEP", 14)
BACKUP_KEY_FILE = env("ARTCHART_BACKUP_KEY_FILE")
UPLOAD_MAX_BYTES = env_int("ARTCHART_UPLOAD_MAX_MB", 25) * 1024 * 1024
# Artwork photos: refused above these before the full decode (imaging.Limits).
ARTWORK_MAX_BYTES = UPLOAD_MAX_BYTES
ARTWORK_MAX_PIXELS = env_int("ARTCHART_ARTWORK_MAX_MEGAPIXELS", 50) * 1_000_000
# Photos filed from a session are shrunk (on the device, and again on the server for a browser
# without scripts) to this long side: the large thumbnail (imaging.derived.LARGE), which the
# analysis starts from and the artwork page shows. A practice that must keep what the camera took
# sets ARTCHART_ARTWORK_KEEP_ORIGINALS; the stored copy is then the full picture (still stripped
# of its metadata).
ARTWORK_STORED_LONG_SIDE = env_int("ARTCHART_ARTWORK_STORED_LONG_SIDE", 1280)
ARTWORK_KEEP_ORIGINALS = env_bool("ARTCHART_ARTWORK_KEEP_ORIGINALS", False)

# Measures: the practice's own instrument files (add-ons, score-only entries), beside the shipped ones.
MEASURES_INSTRUMENT_DIRS = [d for d in env("ARTCHART_INSTRUMENTS_DIR", "").split(",") if d.strip()]
MEASURES_LINK_DAYS = env_int("ARTCHART_MEASURE_LINK_DAYS", 7)
# Program figures for fewer clients than this are not shown, so no report singles a client out.
MEASURES_MIN_GROUP_SIZE = env_int("ARTCHART_MIN_GROUP_SIZE", 5)
MEASURES_NOTIFY_BY_EMAIL = env_bool("ARTCHART_RISK_ALERT_EMAIL", True)
# A risk alert left unacknowledged this long goes to the supervising and the site's on-call clinician
# (``artchart escalate_alerts``, run every few minutes by cron or a systemd timer).
RISK_ESCALATE_MINUTES = env_int("ARTCHART_RISK_ESCALATE_MINUTES", 240)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- Security headers -----------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SERVER:
    SECURE_SSL_REDIRECT = env_bool("ARTCHART_SSL_REDIRECT", True)
    if env_bool("ARTCHART_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-artchart-session"
    CSRF_COOKIE_NAME = "__Host-artchart-csrf"
else:
    # Local profile: loopback only, so no TLS. The deploy checks about HTTPS,
    # HSTS and secure cookies are waived for that reason alone.
    SILENCED_SYSTEM_CHECKS = [
        "security.W004",  # HSTS: no TLS on loopback
        "security.W008",  # SSL redirect: no TLS on loopback
        "security.W012",  # secure session cookie: no TLS on loopback
        "security.W016",  # secure CSRF cookie: no TLS on loopback
    ]

# --- Files ----------------------------------------------------------------------
MEDIA_ROOT = Path(env("ARTCHART_MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"  # client files are served only through views that check access
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"

# The witness of the audit chain's head, appended after every commit that writes audit
# events: an append-only file (a path, or file:///path) kept apart from the media folder,
# or "syslog" (the collector at ARTCHART_AUDIT_SYSLOG keeps it).
AUDIT_WITNESS = env("ARTCHART_AUDIT_WITNESS") or str(VAR_DIR / "audit" / "witness.log")
if AUDIT_WITNESS == "syslog":
    if not AUDIT_SYSLOG:
        raise RuntimeError(
            "ARTCHART_AUDIT_WITNESS=syslog needs ARTCHART_AUDIT_SYSLOG (udp://host:port or tcp://host:port)."
        )
else:
    _witness = AUDIT_WITNESS.removeprefix("file://")
    AUDIT_WITNESS = str(Path(_witness).resolve())
    if "://" in _witness or Path(AUDIT_WITNESS).is_relative_to(MEDIA_ROOT.resolve()):
        raise RuntimeError(
            "ARTCHART_AUDIT_WITNESS must be a file path (or file:///path) outside the media folder, or syslog."
        )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if SERVER
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not SERVER
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("ARTCHART_TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("ARTCHART_LOG_LEVEL", "WARNING")},
}

if PROBLEMS:
    raise SettingsProblem(
        f"ArtChart cannot start in the {PROFILE} profile:\n" + "\n".join(f"  - {problem}" for problem in PROBLEMS)
    )
