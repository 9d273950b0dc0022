"""Demo step: volunteer hours of demo-volunteer: corrections approved, pending and rejected, a
manual entry, and certificates issued by the leader.

The hours themselves come from the earlier steps (errands, visits, activities) through the
ledger; this step only asks and decides the way the pages do, through loudong.hours.actions.
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from loudong.accounts.models import User
from loudong.demo.context import DemoSite
from loudong.hours import actions
from loudong.hours.ledger import Line, ledger
from loudong.hours.models import Correction
from loudong.lib.actions import ActionRefused
from loudong.registry.models import Member

CHANGE_REASONS = (
    ("陪同老人去医院复查，来回加上排队三个多小时，办结时只填了一个小时。", 180, True, "核实属实，同意更正。"),
    ("帮忙搬家具，实际干了一个半小时，当时写少了。", 90, False, ""),
    ("那天走访聊得久一些，多算一点。", 90, False, "走访时长按实际记录，不因聊天时间长短调整。"),
)
MISSING = (
    (
        "帮邻居张奶奶代买降压药（电话求助，没有点单）",
        40,
        "张奶奶直接打电话给我，没有通过扫码点单。",
        True,
        "同意补录。",
    ),
    (
        "周五大扫除后帮忙清运楼道杂物",
        60,
        "当天没有登记在活动名单上。",
        False,
        "这次大扫除已按活动统一记录，不重复补录。",
    ),
)


def build_hours(site: DemoSite) -> None:
    volunteer, leader = site.users["demo-volunteer"], site.users["demo-leader"]
    member = Member.objects.select_related("resident", "group").get(resident_id=volunteer.resident_id)
    rng = site.main.rng("hours")
    today = timezone.localdate()
    # One read of the ledger (every source, the whole community) is the costly part: read this
    # year's lines once to choose the records to correct.
    lines = ledger([member.community_id], date(today.year, 1, 1), today, member_ids=[member.pk])
    _corrections(rng, volunteer, leader, member, lines, today)
    number = _certificate(leader, member, today)
    pending = Correction.objects.pending().filter(community_id=member.community_id).count()
    site.summary.append(
        f"  服务时长：{member.resident.name}（demo-volunteer）今年 {len(lines)} 次服务；"
        f"更正申请 {Correction.objects.filter(member=member).count()} 件（待审核 {pending} 件）；"
        + (f"已出具志愿服务记录证明 {number}" if number else "没有可出具证明的服务时长")
    )


def _corrections(
    rng: random.Random, volunteer: User, leader: User, member: Member, lines: list[Line], today: date
) -> None:
    # Ask to correct records from different sources where there are some: one approved, one still
    # pending (the leader's queue), one rejected.
    by_source: dict[str, list[Line]] = {}
    for line in lines:
        by_source.setdefault(line.source, []).append(line)
    chosen = [rng.choice(by_source[s]) for s in ("errand", "activity", "visit") if by_source.get(s)]
    for line, (reason, minutes, approve, note) in zip(chosen, CHANGE_REASONS, strict=False):
        new_minutes = minutes if minutes != line.minutes else minutes + 30
        correction = actions.ask_change(member, by=volunteer, line=line, minutes=new_minutes, reason=reason)
        _backdate(correction, line.served_on, rng)
        if note:
            actions.decide(correction, by=leader, approve=approve, note=note)
    for content, minutes, reason, approve, note in MISSING:
        served_on = max(today - timedelta(days=rng.randint(20, 120)), date(today.year, 1, 1))
        correction = actions.ask_missing(
            member, by=volunteer, served_on=served_on, minutes=minutes, content=content, reason=reason
        )
        _backdate(correction, served_on, rng)
        actions.decide(correction, by=leader, approve=approve, note=note)


def _backdate(correction: Correction, served_on: date, rng: random.Random) -> None:
    """Asked a few days after the service, as it would have been."""
    asked = timezone.now() - timedelta(days=max((timezone.localdate() - served_on).days - rng.randint(1, 5), 0))
    Correction.objects.filter(pk=correction.pk).update(requested_at=asked)


def _certificate(leader: User, member: Member, today: date) -> str | None:
    """This year's certificate up to the end of last month (last year's whole, in January)."""
    end = today.replace(day=1) - timedelta(days=1)
    try:
        certificate, _ = actions.issue_certificate(member, by=leader, start=date(end.year, 1, 1), end=end)
    except ActionRefused:
        return None  # no hours in that period: nothing to certify
    return certificate.number
