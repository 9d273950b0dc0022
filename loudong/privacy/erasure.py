"""Erasing a person (个人信息保护法 §47): one atomic action over every domain's contribution
(loudong.lib.personal), audited, refused while the person holds an active role.

What each domain does is said in its `personal.py`: in short, the registry's record stays as
「已删除居民」 with nothing identifying left (so the counts kept on it stay whole: hours, sign-ins,
services), requests keep their text and figures without the contact fields, messages lose the
address, and the audit log's pseudonyms lose their values (loudong.accounts.audit).

Requests' contact fields alone, for the retention job as for an erasure:
`loudong.tickets.retention.anonymise_contact`.
"""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, User
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.lib.personal import ERASED_NAME, Person, contributions


def blockers(person: Person) -> list[str]:
    """What must end before the person may be erased, in Chinese; empty when nothing."""
    return [reason for c in contributions(person) if c.blockers for reason in c.blockers(person)]


@atomic_action
def erase_person(
    person: Person, *, by: User | None, now: datetime | None = None, http: HttpRequest | None = None, note: str = ""
) -> list[str]:
    """Remove or anonymise the person everywhere; the names of the parts that did. Refused, with
    what to end first, while they hold an active role."""
    reasons = blockers(person)
    if reasons:
        raise ActionRefused("还不能删除这位居民的个人信息：" + "；".join(reasons) + "。")
    done = []
    for contribution in contributions(person):
        if contribution.erase:
            contribution.erase(person)
            done.append(contribution.name)
    resident = person.resident
    what = f"{ERASED_NAME}（编号 {resident.pk}）" if resident is not None else "一件点单的联系人"
    record(
        http,
        AuditEntry.Action.DELETE,
        resident,
        actor=by,
        community_id=person.community_id,
        object_type="resident" if resident is not None else "request",
        object_repr=f"删除个人信息：{what}",
        detail={
            "范围": "本人全部信息" if person.whole else "一件点单",
            "清除": done,
            "note": note,
            "时间": timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return done
