"""API tokens' ends: revoked by their owner or a community admin, expired after the idle time, or
ended by a new password. Each end deletes the token and writes an audit entry naming why.

Who may see and end a token: its owner, and the admins of every community where the owner holds a
role. A token that no longer opens the API is never listed; `loudong worker` deletes such tokens
every hour (`end_expired`), and a call made with one deletes it at once (`end_if_ended`).
"""

from datetime import datetime

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.access import admin_community_ids, people_of
from loudong.accounts.audit import record
from loudong.accounts.models import ApiToken, ApiTokenQuerySet, AuditEntry, User, token_idle_days

REVOKED = "撤销"
PASSWORD_CHANGED = "密码已修改"


def idle_words() -> str:
    return f"超过 {token_idle_days()} 天未使用"


def manageable(user: User, now: datetime | None = None) -> ApiTokenQuerySet:
    """The live tokens the user may see and revoke: their own and their communities' people's."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    communities = admin_community_ids(user)
    mine = Q(user=user)
    if communities:
        mine |= Q(user__in=people_of(communities))
    return ApiToken.objects.live(now).filter(mine).select_related("user").order_by("-created_at", "-id")


def _community_id(token: ApiToken, by: User | None) -> int | None:
    """The community whose log gets the entry: the revoking admin's, where the owner holds a role;
    else the owner's first."""
    if by is not None and by.pk != token.user_id:
        owner_communities = [g.community_id for g in token.user.grants.order_by("id") if g.community_id]
        shared = [c for c in owner_communities if c in admin_community_ids(by)]
        if shared:
            return shared[0]
    return token.user.first_community_id()


def end(token: ApiToken, *, reason: str, by: User | None = None, http: HttpRequest | None = None) -> None:
    """Delete the token and record why (revoked, idle, password changed)."""
    record(
        http,
        AuditEntry.Action.DELETE,
        token,
        actor=by,
        community_id=_community_id(token, by),
        object_type="apitoken",
        detail={
            "reason": reason,
            "name": token.name,
            "创建时间": f"{timezone.localtime(token.created_at):%Y-%m-%d %H:%M}",
        },
    )
    token.delete()


def revoke(token: ApiToken, *, by: User, http: HttpRequest | None = None) -> None:
    end(token, reason=REVOKED, by=by, http=http)


def _why(token: ApiToken) -> str:
    changed = token.user.password_changed_at
    return PASSWORD_CHANGED if changed and token.created_at < changed else idle_words()


def end_if_ended(raw: str, http: HttpRequest | None = None) -> None:
    """A call was refused with this token: if it is one that has ended, delete it and say why."""
    for token in ApiToken.objects.ended().filter(key_hash=ApiToken.hash(raw)).select_related("user"):
        end(token, reason=_why(token) if token.user.is_active else "账号已停用", http=http)


def end_expired(now: datetime | None = None) -> int:
    """Delete every token that no longer opens the API, each audited; how many."""
    ended = list(ApiToken.objects.ended(now).select_related("user"))
    for token in ended:
        end(token, reason=_why(token) if token.user.is_active else "账号已停用")
    return len(ended)


def end_expired_job() -> str:
    count = end_expired()
    return f"删除了 {count} 个已失效的接口令牌" if count else ""


def end_on_password_change(sender: type, user: User, request: HttpRequest | None = None, **kwargs: object) -> None:
    """The password_changed signal: every token of the user ends now (the model's check already
    refuses them; this deletes them and writes it down)."""
    for token in ApiToken.objects.filter(user=user).select_related("user"):
        end(token, reason=PASSWORD_CHANGED, by=user, http=request)
