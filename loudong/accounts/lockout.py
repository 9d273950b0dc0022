"""Login locks as a community admin sees them, and lifting one.

django-axes locks a username at one address (AXES_LOCKOUT_PARAMETERS: username and address together)
after AXES_FAILURE_LIMIT wrong passwords within the cool-off time. A lock is the sum of the
recent failures recorded for that pair (one AccessAttempt row per user agent), as axes counts them.
"""

from dataclasses import dataclass
from datetime import datetime

from axes.conf import settings as axes_settings
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from axes.utils import reset
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.access import people_of
from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, User


@dataclass(frozen=True)
class Lock:
    user: User
    ip_address: str | None
    failures: int
    last_failure: datetime
    unlock_at: datetime


def locks(community_id: int, now: datetime | None = None) -> list[Lock]:
    """The usernames of the community's people locked now, at each address, newest first."""
    now = now or timezone.now()
    cool_off = get_cool_off()
    people = {u.username: u for u in people_of([community_id])}
    recent = AccessAttempt.objects.filter(username__in=list(people))
    if cool_off is not None:
        recent = recent.filter(attempt_time__gte=now - cool_off)
    pairs = (
        recent.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=axes_settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    return [
        Lock(
            user=people[p["username"]],
            ip_address=p["ip_address"],
            failures=p["failures"],
            last_failure=p["last"],
            unlock_at=p["last"] + cool_off if cool_off is not None else p["last"],
        )
        for p in pairs
    ]


def unlock(lock: Lock, *, community_id: int, by: User, http: HttpRequest | None = None) -> int:
    """Lift the lock (the failures of that username at that address); audited. How many records
    were removed."""
    removed = (
        reset(ip=lock.ip_address, username=lock.user.username)
        if lock.ip_address
        else reset(username=lock.user.username)
    )
    record(
        http,
        AuditEntry.Action.UPDATE,
        lock.user,
        actor=by,
        community_id=community_id,
        object_type="user",
        detail={"what": "解除登录锁定", "被锁定的地址": lock.ip_address or "", "失败次数": lock.failures},
    )
    return removed
