"""建议名单: which members the platform proposes for an office, and why, read from the record.

`candidate_record` gathers what the record holds about one member (years in the party, retired or
working, hosting a 红色议事厅, the group meetings of the past year they attended, requests resolved
and residents' 满意 ratings); `score` turns it into points and the plain-language reasons shown
beside each name. Attendance and requests come from the apps that record them, through
`loudong.groups.elections.hooks`; a group that recorded no meetings in the year is said to have
none, so nobody reads a zero as a judgement.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from loudong.groups.elections.hooks import MeetingTally, meeting_tally, service_tally
from loudong.groups.models import BuildingGroup, Election, Venue
from loudong.registry.models import Member

PROPOSED = 3  # names on the 建议名单
YEARS_CAP = 40
ATTENDANCE_DAYS = 365  # the meetings that count: those of the year before the proposal


@dataclass(frozen=True)
class CandidateRecord:
    years_as_member: int | None  # None: 入党日期 not recorded
    retired: bool | None  # None: 在职/退休 not recorded
    venue_host: bool
    meetings: MeetingTally | None  # the past year's group meetings; None: meetings are not recorded
    requests_resolved: int
    satisfied_ratings: int


def candidate_record(member: Member, on: date | None = None) -> CandidateRecord:
    """The record as of `on` (today by default; the demo's past elections pass their own day)."""
    today = on or timezone.localdate()
    joined = member.joined_on
    years = None
    if joined:
        years = today.year - joined.year - ((today.month, today.day) < (joined.month, joined.day))
    retired = None
    if member.employment:
        retired = member.employment == Member.Employment.RETIRED
    hosting = Venue.objects.filter(host=member, consents__withdrawn_on__isnull=True)
    if on is not None:
        hosting = hosting.filter(Q(opened_on__isnull=True) | Q(opened_on__lte=on))
    hosts = hosting.exists()
    service = service_tally(member, on)
    return CandidateRecord(
        years_as_member=years,
        retired=retired,
        venue_host=hosts,
        meetings=meeting_tally(member, today - timedelta(days=ATTENDANCE_DAYS - 1), today),
        requests_resolved=service.resolved,
        satisfied_ratings=service.satisfied,
    )


def score(record: CandidateRecord) -> tuple[float, list[str]]:
    points = 0.0
    reasons = []
    if record.years_as_member is None:
        reasons.append("入党日期未登记")
    else:
        points += min(record.years_as_member, YEARS_CAP) * 0.5
        reasons.append(f"入党 {record.years_as_member} 年")
    if record.retired is None:
        reasons.append("在职/退休情况未登记")
    elif record.retired:
        points += 10
        reasons.append("已退休，平时时间较充裕")
    else:
        reasons.append("在职，平时时间较少")
    if record.venue_host:
        points += 15
        reasons.append("家中设有红色议事厅")
    meetings = record.meetings
    if meetings is None:
        reasons.append("会议记录尚未启用，参会次数暂按 0 计")
    elif meetings.held == 0:
        reasons.append("近一年党小组没有记录会议")
    else:
        points += 2 * meetings.attended
        reasons.append(f"近一年党小组开会 {meetings.held} 次，参加 {meetings.attended} 次")
    points += 3 * record.requests_resolved + 2 * record.satisfied_ratings
    reasons.append(f"办结点单 {record.requests_resolved} 件，居民评价满意 {record.satisfied_ratings} 次")
    return points, reasons


def may_stand(member: Member) -> bool:
    """预备党员 have no right to vote or stand for election (党章 第七条)."""
    return member.standing == Member.Standing.FULL


def electorate(group: BuildingGroup) -> list[Member]:
    members = Member.objects.filter(group=group).select_related("resident")
    return [m for m in members if may_stand(m)]


def eligible_for(group: BuildingGroup, office: str, member: Member) -> str:
    """Why a member may not stand for this office ('' when they may)."""
    if member.group_id != group.pk:
        return "不是本党小组的党员"
    if not may_stand(member):
        return "预备党员没有被选举权"
    if office == Election.Office.DEPUTY and member.pk == group.leader_id:
        return "现任组长不能同时担任副组长"
    return ""


def proposal(group: BuildingGroup, office: str, on: date | None = None) -> list[tuple[Member, float, list[str], bool]]:
    """Every eligible member with points and reasons, best first; the first PROPOSED are proposed."""
    ranked = []
    for member in electorate(group):
        if eligible_for(group, office, member):
            continue
        points, reasons = score(candidate_record(member, on))
        ranked.append((member, points, reasons))
    ranked.sort(key=lambda row: (-row[1], row[0].resident.name_pinyin, row[0].pk))
    return [(m, p, r, i < PROPOSED) for i, (m, p, r) in enumerate(ranked)]
