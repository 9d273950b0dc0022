"""Security events: every login, failed login (a lockout among them) and logout is written to the
audit log with the account, the client's address and the outcome (never the password typed), and a
lockout remembers when the account opens again so the locked page can say so.

`password_changed` is ours: sent after a user's password was changed and saved, by the user on the
password page (loudong.home) or by an operator (`grant_role --password`), with `user` and `request`
(None from a command). Their API tokens end (loudong.accounts.tokens) and the change is audited; the
user's other browser sessions end by themselves (Django checks the session's password hash).
"""

from datetime import datetime

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import record, record_account_event
from loudong.accounts.models import AuditEntry, User

password_changed = Signal()  # sender=User, user=User, request=HttpRequest | None


def record_login(sender: type, request: HttpRequest, user: User, **kwargs: object) -> None:
    record_account_event(
        request,
        AuditEntry.Action.LOGIN,
        user,
        detail={"success": True},
        actor=user,
    )


def record_password_change(sender: type, user: User, request: HttpRequest | None = None, **kwargs: object) -> None:
    by_self = request is not None and request.user == user
    record_account_event(
        request,
        AuditEntry.Action.UPDATE,
        user,
        detail={"password": "本人修改" if by_self else "管理员重设"},
        actor=user if by_self else None,
    )


def record_logout(sender: type, request: HttpRequest, user: User | None, **kwargs: object) -> None:
    if user is None:  # the session had already ended
        return
    record_account_event(
        request,
        AuditEntry.Action.LOGOUT,
        user,
        detail={},
        actor=user,
    )


def record_login_failure(sender: str, credentials: dict, request: HttpRequest | None = None, **kwargs: object) -> None:
    username = str(credentials.get(User.USERNAME_FIELD) or "")[:150]
    # The account whose password was tried stands as the actor, so the admin finds every login
    # event of a person under one name; an unknown name is written as typed.
    user = User.objects.filter(username=username).first() if username else None
    detail: dict[str, object] = {"success": False}
    if request is not None and getattr(request, "axes_locked_out", False):
        detail["locked"] = True
    record(
        request,
        AuditEntry.Action.LOGIN,
        user,
        actor=user,
        community_id=user.first_community_id() if user else None,
        object_type="user",
        object_repr=str(user) if user else username,
        detail=detail,
    )


def remember_unlock_time(
    sender: str, request: HttpRequest, username: str | None = None, ip_address: str | None = None, **kwargs: object
) -> None:
    """The lock (of this username at this address) lasts the cool-off time from the last recorded
    failure (with axes' defaults a try while locked is recorded too), so the page can name the
    minute the account opens again."""
    cool_off = get_cool_off(request)
    if cool_off is None or not username:
        return
    attempts = AccessAttempt.objects.filter(username=username, ip_address=ip_address)
    last: datetime | None = attempts.aggregate(t=Max("attempt_time"))["t"]
    request.loudong_unlock_at = (last or timezone.now()) + cool_off
