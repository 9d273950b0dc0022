"""Loudong settings: one file, configured by environment variables.

LOUDONG_DATA_DIR   where the SQLite database, uploads and the secret key live (default ./var)
DATABASE_URL       e.g. postgres://user@127.0.0.1:5432/loudong (default: SQLite in the data dir)
LOUDONG_DEBUG      "1" for development
LOUDONG_SECRET_KEY secret key (default: generated once into the data dir; with PostgreSQL it must be set,
                   the same on every node)
LOUDONG_SECRET_KEY_FALLBACKS  earlier secret keys, comma-separated, still accepted while rotating
LOUDONG_HOSTS      comma-separated allowed host names (default: localhost names)
LOUDONG_TASKS      "immediate" runs background work inline (tests); default is the database queue
LOUDONG_PUBLIC_URL the address residents reach, printed in QR codes (default http://127.0.0.1:8000)
LOUDONG_REQUEST_MIN_FILL_SECONDS  a public request sent sooner after its form opened is refused as a bot (default 3)
LOUDONG_SIGN_IN_MIN_FILL_SECONDS  the same for an activity's sign-in form, a single short screen (default 2)
LOUDONG_PROXY_HOPS how many reverse proxies of ours stand in front of the app (default 0: the client is
                   REMOTE_ADDR and X-Forwarded-For is ignored; 1 behind one nginx or Caddy that appends
                   the client's address to X-Forwarded-For). Read by loudong.lib.clients only.
LOUDONG_IMAGE_MAX_PIXELS  the most pixels an uploaded image may have (default 40000000); refused
                   from its header, before it is decoded
LOUDONG_NUMERIC_QR_LINKS_UNTIL  an ISO date (2027-06-30): until that day (Shanghai, included) the QR links
                   printed before tokens (/ask/b/12/, /ask/g/3/) redirect to the building's or group's
                   token link; a member's old card link (/ask/m/7/) only says the card is old. Empty
                   (the default): every numeric link is refused (404). Reprint boards and cards first.
LOUDONG_ROSTER_MAX_UNPACKED_MB  the most a roster workbook (.xlsx, .ods: zip files) may unpack to (default
                   200); larger, or packed suspiciously tightly, it is refused before it is read
LOUDONG_ROSTER_MAX_ROWS  the most rows one roster file may have (default 200000); more is refused
                   before anything is imported
LOUDONG_AUDIT_RETENTION_DAYS  days the audit log is kept (default and least 184: six months, 网络安全法
                   第二十一条); `loudong worker` removes older entries, the only deletion the database allows
LOUDONG_HTTPS      "1" when the site is reached over HTTPS: plain http is redirected to https, cookies are
                   sent over https only, and browsers are told to use https only (HSTS). With
                   LOUDONG_PROXY_HOPS >= 1 the proxy's X-Forwarded-Proto says whether the request came by
                   https (the proxy must set it, overwriting the client's); with 0, gunicorn itself must
                   serve TLS. Unset for development and tests (plain http).
LOUDONG_HSTS_SECONDS  how long browsers keep to https (default 31536000, one year, when LOUDONG_HTTPS=1;
                   start with 300 for a trial). Subdomains are included.
LOUDONG_HSTS_PRELOAD  "1" adds the preload directive (only for a domain its owner submits to the browsers'
                   preload list: a decision for the apex domain, not one application)
LOUDONG_SESSION_IDLE_MINUTES  a signed-in session ends after this many minutes without a request (default 30)
LOUDONG_SESSION_MAX_HOURS     and at the latest this many hours after the login (default 12)
LOUDONG_API_TOKEN_IDLE_DAYS  an API token unused for this many days no longer opens the API (default 30;
                   counted from its last use, or its issue); `loudong worker` removes such tokens and
                   audits it. A token also ends when its owner's password is set again, or when revoked
LOUDONG_REQUEST_CONTACT_RETENTION_DAYS  days after a request is finished (已办结, 不予受理, 已合并) that its
                   contact fields (name, phone, room, household and resident links, 我也遇到 phones) are
                   kept; then `loudong worker` anonymises them, keeping everything the figures count
                   (default 1095: three years)
LOUDONG_SENT_MESSAGE_RETENTION_DAYS  days a sent outbox message (with its address) and a read inbox
                   message are kept (default 90); messages not sent yet are kept until sent
LOUDONG_TASK_RESULT_DAYS  days a finished background task (successful or failed: roster imports, outbox
                   deliveries) is kept in the task queue's table (default 7); waiting ones are kept
LOUDONG_IDEMPOTENCY_TTL_HOURS  hours an API Idempotency-Key replays its first answer; the key, its
                   answer and the intake rows placed (the public form's and the API's submissions, once
                   they are requests) are deleted after it (default 24)
LOUDONG_HEALTH_WORKER_MAX_AGE  seconds since a `loudong worker` was last seen after which /healthz answers
                   503 (default 180)
LOUDONG_SQLITE_SYNCHRONOUS  NORMAL (default) or FULL: SQLite's PRAGMA synchronous. With WAL, NORMAL may
                   lose the last transactions committed before a power loss (never corrupts); FULL syncs
                   the WAL at every commit and loses none, for slower writes (README "备份与恢复")
LOUDONG_REQUIRE_2FA "1": admins and overseers must log in with a code from an authenticator on their
                   phone (TOTP) or a recovery code, and are sent to enrol right after their password
                   until they have. Default off: anyone may enrol from 账号安全, and whoever has
                   enrolled is asked for the code at every login either way
DATABASE_REPLICA_URL  a PostgreSQL streaming replica of DATABASE_URL (postgres://user@replica:5432/loudong):
                   the dashboards, the lists and exports behind them, the work report, the residents',
                   members' and audit log's exports and the stats API read from it, their raw SQL
                   included (loudong.lib.replica); every write, and every read inside a transaction,
                   stays on DATABASE_URL. Unset (the default): everything uses DATABASE_URL
LOUDONG_PGBOUNCER  "1" when DATABASE_URL (and DATABASE_REPLICA_URL) go through PgBouncer in transaction
                   pooling (deploy/pgbouncer/pgbouncer.ini): no server-side cursors, connections kept
                   for good. Run `loudong migrate` once before: it sets jit and parallel workers on the
                   database itself (README "PgBouncer 连接池")
DATABASE_DIRECT_URL  with LOUDONG_PGBOUNCER=1, the same database at PostgreSQL itself, not PgBouncer
                   (postgres://loudong@127.0.0.1:5432/loudong): `loudong backup` and `loudong restore`
                   run pg_dump and pg_restore there; without it they refuse to run through PgBouncer
LOUDONG_S3_BUCKET  uploads (photos, drafts, policy documents, roster files) go to this bucket of an
                   S3-compatible object storage (MinIO, 阿里云 OSS, 腾讯云 COS) instead of the data dir,
                   so several app servers and workers share them (README "对象存储"). Then also:
LOUDONG_S3_ENDPOINT_URL  the storage's address, e.g. http://127.0.0.1:9000 (required with the bucket)
LOUDONG_S3_ACCESS_KEY_ID, LOUDONG_S3_SECRET_ACCESS_KEY  its credentials (required with the bucket)
LOUDONG_S3_REGION  the bucket's region (default us-east-1, what MinIO expects)
LOUDONG_S3_ADDRESSING_STYLE  path (default: endpoint/bucket/name) or virtual (bucket.endpoint/name,
                   what OSS and COS require)
"""

import os
import secrets
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LOUDONG_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """LOUDONG_SECRET_KEY, or the key generated once into the data dir. Nodes that share a database
    (PostgreSQL) must share one key, or a login made on one is refused by the next and the public
    form's signed fields fail between them: such a node never generates a key of its own."""
    if key := os.environ.get("LOUDONG_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        if os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
            raise ImproperlyConfigured(
                "使用 PostgreSQL（多台服务器共用一个数据库）时，每台服务器必须设置同一个 LOUDONG_SECRET_KEY，"
                "例如 LOUDONG_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')。"
                " With PostgreSQL every node must set the same LOUDONG_SECRET_KEY; this node will not generate its own."
            )
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Key rotation: the new key in LOUDONG_SECRET_KEY, the old ones here (comma-separated) until the sessions
# and signed links made with them have expired.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("LOUDONG_SECRET_KEY_FALLBACKS", "").split(",") if k]
DEBUG = os.environ.get("LOUDONG_DEBUG") == "1"
PUBLIC_URL = os.environ.get("LOUDONG_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = os.environ.get("LOUDONG_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
# Read at request time, so a test can set them (0 for a browser test that fills a form at machine speed).
REQUEST_MIN_FILL_SECONDS = float(os.environ.get("LOUDONG_REQUEST_MIN_FILL_SECONDS", "3"))
SIGN_IN_MIN_FILL_SECONDS = float(os.environ.get("LOUDONG_SIGN_IN_MIN_FILL_SECONDS", "2"))

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "loudong.lib",
    "loudong.accounts",
    "loudong.registry",
    "loudong.groups",
    "loudong.policy",
    "loudong.feedback",
    "loudong.tickets",
    "loudong.notify",
    "loudong.outreach",
    "loudong.partners",
    "loudong.community_life.meetings",
    "loudong.community_life.activities",
    "loudong.community_life.blackboard",
    "loudong.community_life.honours",
    "loudong.hours",
    "loudong.projects",
    "loudong.stats",
    "loudong.demo",
    "loudong.api",
    "loudong.privacy",
    "loudong.worker",
    "loudong.ops",
    "loudong.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed the second factor
    "loudong.accounts.two_factor.TwoFactorMiddleware",  # no page but the code's until it has, where owed
    "django.contrib.messages.middleware.MessageMiddleware",
    "loudong.accounts.sessions.SessionLimitsMiddleware",  # after the user and messages are known
    "loudong.home.elder.ElderModeMiddleware",  # 长辈版: remembers ?elder= on the account and in a cookie
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "loudong.lib.nul.RefuseNulMiddleware",  # runs before any view or process_view reads the input
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
                "loudong.home.context.navigation",
                "loudong.home.elder.context",
            ],
        },
    },
]

PGBOUNCER = os.environ.get("LOUDONG_PGBOUNCER") == "1"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'loudong.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if replica_url := os.environ.get("DATABASE_REPLICA_URL"):
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL（只读副本）只能与 PostgreSQL 的 DATABASE_URL 一起使用")
    # The dashboards, exports and the stats API read here (loudong.lib.replica); tests read the
    # test database through it (a second connection: it sees committed rows only).
    DATABASES["replica"] = dj_database_url.parse(replica_url, conn_max_age=60, conn_health_checks=True)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["loudong.lib.replica.ReplicaRouter"]
# PostgreSQL itself when DATABASE_URL goes through PgBouncer: pg_dump and pg_restore (`loudong
# backup`, `loudong restore`) set options for their whole session (search_path among them), which a
# pooled server connection would keep and pass on to the next client.
DATABASE_DIRECT = dj_database_url.parse(direct_url) if (direct_url := os.environ.get("DATABASE_DIRECT_URL")) else None
SQLITE_SYNCHRONOUS = os.environ.get("LOUDONG_SQLITE_SYNCHRONOUS", "NORMAL").strip().upper()
if SQLITE_SYNCHRONOUS not in {"NORMAL", "FULL"}:
    raise ImproperlyConfigured(
        f"LOUDONG_SQLITE_SYNCHRONOUS 只能是 NORMAL 或 FULL，现在是 {os.environ['LOUDONG_SQLITE_SYNCHRONOUS']!r}"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers and the one writer work at once; IMMEDIATE avoids lock upgrades that fail.
    # synchronous=NORMAL syncs the WAL at checkpoints only: a power loss may lose the last commits.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            f"PRAGMA journal_mode=WAL; PRAGMA synchronous={SQLITE_SYNCHRONOUS}; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-20000; PRAGMA mmap_size=268435456;"
        ),
    }
    # Keep each process's connection (gunicorn sync workers use one thread each): opening one runs the
    # pragmas, and closing the last one checkpoints the WAL with an fsync, ~12 ms a request when closed.
    DATABASES["default"]["CONN_MAX_AGE"] = None
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
else:
    # PostgreSQL. jit = off and max_parallel_workers_per_gather = 0 are the database's own settings,
    # set by `loudong migrate` (loudong.ops.database.DATABASE_SETTINGS), not startup options, which
    # PgBouncer refuses. No statement is prepared (psycopg's prepare_threshold None: a prepared
    # statement lives in one server session), and behind PgBouncer .iterator() reads without a
    # server-side cursor (one outside a transaction is WITH HOLD: it outlives the transaction).
    for db in DATABASES.values():
        db["ENGINE"] = "loudong.lib.postgresql"  # Django's, checking a kept connection only after it sat idle
        db.setdefault("OPTIONS", {})["prepare_threshold"] = None
        if PGBOUNCER:
            db["DISABLE_SERVER_SIDE_CURSORS"] = True
            # A client connection to PgBouncer holds no PostgreSQL process: keep it, and check it at
            # a request's first query, so that a restarted PgBouncer costs no failed request.
            db["CONN_MAX_AGE"] = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# At least 10 characters, letters and digits, not a common password, not like the username (等保 2.0
# 身份鉴别). Each says what is wrong in Chinese (loudong.accounts.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "loudong.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "loudong.accounts.passwords.LettersAndDigitsValidator"},
    {"NAME": "loudong.accounts.passwords.CommonPasswordValidator"},
    {"NAME": "loudong.accounts.passwords.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Five wrong passwords for one username from one address lock that username at that address for
# 15 minutes. Both together: by username alone, anyone could lock an admin out from elsewhere with
# five wrong passwords; by address alone, a whole community office behind one NAT address.
# Community admins see the locks of their people and lift them (/c/<code>/locks/).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# models.W040: the stats' covering index on open requests (INCLUDE columns) is for PostgreSQL; SQLite
# keeps its key columns only, which is what it needs.
# security.W021: HSTS preload is for the apex domain's owner to decide (LOUDONG_HSTS_PRELOAD).
SILENCED_SYSTEM_CHECKS = ["axes.W006", "models.W040", "security.W021"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "loudong.lib.clients.client_ip"
AUDIT_RETENTION_DAYS = int(os.environ.get("LOUDONG_AUDIT_RETENTION_DAYS") or 184)
API_TOKEN_IDLE_DAYS = int(os.environ.get("LOUDONG_API_TOKEN_IDLE_DAYS") or 30)
REQUEST_CONTACT_RETENTION_DAYS = int(os.environ.get("LOUDONG_REQUEST_CONTACT_RETENTION_DAYS") or 1095)
SENT_MESSAGE_RETENTION_DAYS = int(os.environ.get("LOUDONG_SENT_MESSAGE_RETENTION_DAYS") or 90)
TASK_RESULT_DAYS = int(os.environ.get("LOUDONG_TASK_RESULT_DAYS") or 7)
IDEMPOTENCY_TTL_HOURS = int(os.environ.get("LOUDONG_IDEMPOTENCY_TTL_HOURS") or 24)
PROXY_HOPS = int(os.environ.get("LOUDONG_PROXY_HOPS") or 0)
HEALTH_WORKER_MAX_AGE = int(os.environ.get("LOUDONG_HEALTH_WORKER_MAX_AGE") or 180)
# Read at request time (loudong.accounts.two_factor.must_use), so a test can turn it on.
REQUIRE_2FA = os.environ.get("LOUDONG_REQUIRE_2FA") == "1"
OTP_TOTP_ISSUER = "楼栋党小组"  # the name an authenticator shows above the code

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
S3_ADDRESSING_STYLES = {"path", "virtual"}


def _default_storage() -> dict:
    """Uploads on the local disk (MEDIA_ROOT), or in an S3-compatible bucket when LOUDONG_S3_BUCKET is set,
    so every app server and worker of one installation reads the same files. The bucket stays private:
    files are served only by our views, after their permission checks, never by a bucket URL."""
    bucket = os.environ.get("LOUDONG_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    required = ["LOUDONG_S3_ENDPOINT_URL", "LOUDONG_S3_ACCESS_KEY_ID", "LOUDONG_S3_SECRET_ACCESS_KEY"]
    if missing := [name for name in required if not os.environ.get(name, "").strip()]:
        raise ImproperlyConfigured(
            f"设置了 LOUDONG_S3_BUCKET（上传文件存入对象存储），还需要设置 {'、'.join(missing)}（README「对象存储」）"
        )
    style = os.environ.get("LOUDONG_S3_ADDRESSING_STYLE", "").strip().lower() or "path"
    if style not in S3_ADDRESSING_STYLES:
        raise ImproperlyConfigured(
            f"LOUDONG_S3_ADDRESSING_STYLE 只能是 path 或 virtual，现在是 {os.environ['LOUDONG_S3_ADDRESSING_STYLE']!r}"
        )
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": os.environ["LOUDONG_S3_ENDPOINT_URL"].strip(),
            "access_key": os.environ["LOUDONG_S3_ACCESS_KEY_ID"].strip(),
            "secret_key": os.environ["LOUDONG_S3_SECRET_ACCESS_KEY"].strip(),
            "region_name": os.environ.get("LOUDONG_S3_REGION", "").strip() or "us-east-1",
            "addressing_style": style,
            "signature_version": "s3v4",
            "default_acl": "private",
            # Never a public URL: a URL asked for anyway is signed and short-lived.
            "querystring_auth": True,
            "querystring_expire": 60,
            # As on the disk: a name already taken gets a new one instead of replacing that file.
            "file_overwrite": False,
            # A file read back (a roster, a photo) spills to a temporary file past this size.
            "max_memory_size": 5 * 1024 * 1024,
        },
    }


STORAGES = {
    "default": _default_storage(),
    # `loudong collectstatic` writes each file under a name with its hash, gzip and brotli beside it;
    # WhiteNoise serves the compressed one the browser accepts, cached for a year (the name changes
    # with the content). ECharts: 1,034 KB → 271 KB (brotli).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG  # development serves the files as they are edited
WHITENOISE_KEEP_ONLY_HASHED_FILES = True  # pages name the hashed files only: half the files to compress
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMAGE_MAX_PIXELS = int(os.environ.get("LOUDONG_IMAGE_MAX_PIXELS") or 40_000_000)
# Old numeric QR links (/ask/b/<number>/) answer until this Shanghai date; None: refused already.
NUMERIC_QR_LINKS_UNTIL = (
    date.fromisoformat(os.environ["LOUDONG_NUMERIC_QR_LINKS_UNTIL"])
    if os.environ.get("LOUDONG_NUMERIC_QR_LINKS_UNTIL")
    else None
)
ROSTER_MAX_UNPACKED_MB = int(os.environ.get("LOUDONG_ROSTER_MAX_UNPACKED_MB") or 200)
ROSTER_MAX_ROWS = int(os.environ.get("LOUDONG_ROSTER_MAX_ROWS") or 200_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("LOUDONG_TASKS") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

SESSION_COOKIE_AGE = 14 * 24 * 3600
SESSION_COOKIE_HTTPONLY = True
# A signed-in session ends after this idle time and at the latest this long after the login
# (loudong.accounts.sessions); read at request time.
SESSION_IDLE_MINUTES = int(os.environ.get("LOUDONG_SESSION_IDLE_MINUTES") or 30)
SESSION_MAX_HOURS = int(os.environ.get("LOUDONG_SESSION_MAX_HOURS") or 12)
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# HTTPS (等保 2.0 通信传输). Off by default: development and the tests use plain http.
HTTPS = os.environ.get("LOUDONG_HTTPS") == "1"
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probed over plain http from inside (load balancer, deploy/smoke)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("LOUDONG_HSTS_SECONDS") or 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and os.environ.get("LOUDONG_HSTS_PRELOAD") == "1"
# The scheme is taken from a proxy's header only when our own proxies stand in front (as the client's
# address in loudong.lib.clients); otherwise anyone could claim https.
if PROXY_HOPS >= 1:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Forms posted from the public address pass the CSRF origin check even when the proxy names the host
# differently.
_public = urlsplit(PUBLIC_URL)
CSRF_TRUSTED_ORIGINS = [f"{_public.scheme}://{_public.netloc}"] if _public.scheme and _public.netloc else []

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline or eval'd.
# Styles allow 'unsafe-inline' for the few style attributes computed from data (a group's colour on the
# site plan and the planning editor, the roster import's progress bar, the cards' positions on the
# printed sheet) and the pages' <style> blocks; no script can run from them.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
