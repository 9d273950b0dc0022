"""API login: a token for a username and password, then `Authorization: Bearer <token>`.

The password is checked through django.contrib.auth.authenticate with the request, so django-axes
counts failures and locks the account exactly as on the login page.
"""

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.security import HttpBearer

from loudong.accounts.models import ApiToken, User
from loudong.api.errors import ErrorOut

# Writing last_used_at on every call would make each read a write; once a minute is enough to tell.
TOUCH_EVERY = timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token:
            return None
        found = ApiToken.objects.select_related("user").filter(key_hash=ApiToken.hash(token)).first()
        if found is None or not found.user.is_active:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class TokenIn(Schema):
    username: str
    password: str


class TokenOut(Schema):
    token: str


router = Router(tags=["登录"])


def locked_detail(request: HttpRequest) -> str:
    unlock_at = getattr(request, "loudong_unlock_at", None)
    if unlock_at is None:
        return "密码错误次数过多，账号已暂时锁定，请稍后再试"
    local = unlock_at.astimezone(ZoneInfo("Asia/Shanghai"))
    return f"密码错误次数过多，账号已暂时锁定，请在 {local:%H:%M} 之后再试"


@router.post("/auth/token", auth=None, response={200: TokenOut, 401: ErrorOut, 429: ErrorOut})
def issue_token(request: HttpRequest, credentials: TokenIn) -> Status:
    """Exchange a username and password for a bearer token (shown once; only its hash is kept)."""
    user = authenticate(request=request, username=credentials.username, password=credentials.password)
    if user is None:
        if getattr(request, "axes_locked_out", False):
            # Answer in JSON; left set, axes' middleware would replace this with its HTML page.
            request.axes_locked_out = False
            return Status(429, {"detail": locked_detail(request)})
        return Status(401, {"detail": "用户名或密码错误"})
    # What login() signals without a session: last login, axes' reset and the audit entry.
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return Status(200, {"token": ApiToken.issue(user)})
