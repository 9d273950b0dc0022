"""API login: a token for a username and password, then `Authorization: Bearer <token>`; or, for the
operations the same-origin web app calls (the volunteers' offline queue), the browser's login session
with its CSRF token in `X-CSRFToken`.

A token opens the API while it has been used (or issued) within API_TOKEN_IDLE_DAYS and was issued
after its owner's password was last set; both are checked in the one statement that reads it.

The password is checked through django.contrib.auth.authenticate with the request, so django-axes
counts failures and locks the account exactly as on the login page.
"""

import functools
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.db.models.sql import Query
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from loudong.accounts import tokens, two_factor
from loudong.accounts.models import ApiToken, User, token_idle_days
from loudong.api.errors import ErrorOut
from loudong.lib.shanghai import SHANGHAI
from loudong.lib.sql import prepared_cursor

# Writing last_used_at on every call would make each read a write; once a minute is enough to tell.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class PresentedToken:
    """A bearer token not read yet: POST /requests reads it in the statement of the submission's
    checks (loudong.api.requests.checked), one round trip fewer on the busiest call. A body the schema
    refuses is then answered 422 before the token is read (it reveals nothing the published schema
    does not); everything else is answered as on every call, 401 first."""

    token: str


@dataclass(frozen=True)
class TokenQuery:
    """The token's user as parts of a statement: its columns (the user's fields, the token's id and
    whether its last use is older than TOUCH_EVERY), a FROM naming the user `u`, and a WHERE, with
    their parameters."""

    columns: str
    source: str
    condition: str
    column_params: list
    condition_params: list

    def sql(self) -> str:
        return f"SELECT {self.columns} FROM {self.source} WHERE {self.condition}"


class BearerToken(HttpBearer):
    def __init__(self, *, read_with_submission: bool = False) -> None:
        """`read_with_submission`: the operation reads the token itself (PresentedToken)."""
        super().__init__()
        self.read_with_submission = read_with_submission

    def authenticate(self, request: HttpRequest, token: str) -> User | PresentedToken | None:
        """The token's active user, read with the token in one plain statement (every API call pays
        this, so no query building; prepared on PostgreSQL). The token must have been used or issued
        since the idle cut-off, and issued since the password was set."""
        if not token:
            return None
        if self.read_with_submission:
            return PresentedToken(token)
        now = timezone.now()
        query = token_query(token, now)
        with prepared_cursor() as cursor:
            cursor.execute(query.sql(), [*query.column_params, *query.condition_params])
            row = cursor.fetchone()
        return token_user(request, token, row, now)


def token_query(token: str, now: object) -> TokenQuery:
    quote, adapt = connection.ops.quote_name, connection.ops.adapt_datetimefield_value
    return TokenQuery(
        _token_columns(),
        f"{quote(User._meta.db_table)} u JOIN {quote(ApiToken._meta.db_table)} t ON t.user_id = u.id",
        "t.key_hash = %s AND u.is_active AND COALESCE(t.last_used_at, t.created_at) >= %s "
        "AND (u.password_changed_at IS NULL OR t.created_at >= u.password_changed_at)",
        [adapt(now - TOUCH_EVERY)],
        [ApiToken.hash(token), adapt(now - timedelta(days=token_idle_days()))],
    )


def token_user(request: HttpRequest, token: str, row: tuple | None, now: object) -> User | None:
    """The user of a row read by `token_query` (its columns first), touching the token once a
    TOUCH_EVERY; None for no row, when an ended token is deleted and that audited."""
    if row is None:
        tokens.end_if_ended(token, http=request)
        return None
    *values, token_id, token_stale = _user_rows([row[: len(_USER_FIELDS) + 2]])[0]
    found = User.from_db(connection.alias, [f.attname for f in _USER_FIELDS], values)
    if token_stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    request.user = found
    return found


_USER_FIELDS = User._meta.concrete_fields
CSRF_REFUSED = "网页登录调用接口时须在请求头 X-CSRFToken 中带上本站的 CSRF 令牌；请刷新页面后重试"


def session_user(request: HttpRequest) -> User | None:
    """The user the browser's session is logged in as, once the second factor is passed where it is
    owed (the login page logs nobody in before that; this covers sessions from before enrolment). An
    ended session was logged out already (loudong.accounts.sessions)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or two_factor.owes_code(user):
        return None
    return user


def csrf_passes(request: HttpRequest) -> bool:
    """Django's own CSRF check (token in X-CSRFToken matching the cookie, same origin), which the
    API's views are exempt from."""
    return check_csrf(request) is None


class SessionLogin(APIKeyCookie):
    """The web app's calls: the login session's cookie, and for writes its CSRF token. A request with
    no logged-in session is left to the next method (and answered 401); one with a session but no
    valid CSRF token is refused (403)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only once a session is found

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = session_user(request)
        if user is None:
            return None
        if not csrf_passes(request):
            raise HttpError(403, CSRF_REFUSED)
        return user


# The operations the web app calls: a bearer token, else the browser's session.
TOKEN_OR_SESSION = [BearerToken(), SessionLogin()]


@functools.cache
def _token_columns() -> str:
    columns = ", ".join(f"u.{connection.ops.quote_name(f.column)}" for f in _USER_FIELDS)
    return f"{columns}, t.id, CASE WHEN t.last_used_at IS NULL OR t.last_used_at < %s THEN 1 ELSE 0 END"


def _user_rows(rows: list[tuple]) -> list[tuple]:
    """The rows with the database's values of the user's fields made Python's, as the ORM does
    (SQLite returns times as text)."""
    compiler = connection.ops.compiler("SQLCompiler")(Query(User), connection, connection.alias)
    converters = compiler.get_converters([f.get_col(User._meta.db_table) for f in _USER_FIELDS])
    return list(compiler.apply_converters(rows, converters)) if converters else rows


class TokenIn(Schema):
    username: str
    password: str
    name: str = Field("", max_length=100, description="令牌的名称，便于日后辨认和撤销；不填时用客户端的 User-Agent")
    code: str = Field("", description="两步验证：已绑定手机验证器的账号在此填写 6 位验证码或一个恢复码")


class TokenOut(Schema):
    token: str


router = Router(tags=["登录"])


def locked_detail(request: HttpRequest) -> str:
    unlock_at = getattr(request, "loudong_unlock_at", None)
    if unlock_at is None:
        return "密码错误次数过多，账号已暂时锁定，请稍后再试"
    local = unlock_at.astimezone(SHANGHAI)
    return f"密码错误次数过多，账号已暂时锁定，请在 {local:%H:%M} 之后再试"


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
def issue_token(request: HttpRequest, credentials: TokenIn) -> Status:
    """Exchange a username and password (and, with two-factor login, a code) for a bearer token
    (shown once; only its hash is kept)."""
    user = authenticate(request=request, username=credentials.username, password=credentials.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            # Answer in JSON; left set, axes' middleware would replace this with its HTML page.
            request.axes_locked_out = False
            return Status(429, {"detail": locked_detail(request)})
        return Status(401, {"detail": "用户名或密码错误"})
    # The password alone gives no token to an account with two-factor login, as it opens no page.
    if two_factor.has_phone(user):
        if two_factor.check(user, credentials.code, http=request).device is None:
            return Status(
                401, {"detail": "此账号已开启两步验证：请在 code 中填写手机验证器上的 6 位验证码或一个恢复码"}
            )
    elif two_factor.must_use(user):
        return Status(401, {"detail": "此账号须使用两步验证：请先在网页上登录并绑定手机验证器"})
    # What login() signals without a session: last login, axes' reset and the audit entry.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    name = credentials.name.strip() or request.headers.get("User-Agent", "").strip()[:100]
    return Status(200, {"token": ApiToken.issue(user, name)})
