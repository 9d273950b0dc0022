"""The write path for hours: asking for a correction, deciding it, issuing a certificate.

Each action is `verb(obj, *, by, now=None, **fields)` (loudong.lib.actions): the member or the
correction acted on, the user who acts, the clock (timezone.now() unless the demo or a test gives
one) and the action's own fields. It runs in one transaction (`atomic_action`) and refuses with
`ActionRefused` and a Chinese message, changing nothing.

Who may do what (asked of loudong.hours.access, checked here next to the writes):
- ask for a correction: the volunteer for their own records (a member asks for themselves)
- approve / reject: a leader of the member's group or the community admin, never for themselves
- issue a certificate: a leader of the member's group or the community admin
"""

from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from loudong.accounts.models import User
from loudong.hours.access import may_decide, may_issue
from loudong.hours.ledger import Line, contents_of, ledger
from loudong.hours.models import Certificate, Correction
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.lib.pinyin import name_keys
from loudong.registry.models import Community, Member

MAX_MINUTES = 24 * 60
EARLIEST = date(2000, 1, 1)


def _clean(minutes: int, reason: str) -> str:
    if not 0 <= minutes <= MAX_MINUTES:
        raise ActionRefused("时长请填 0 到 1440 分钟之间的数。")
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise ActionRefused("请写明理由，审核的组长才知道为什么要改。")
    if len(reason) > 300:
        raise ActionRefused("理由请控制在 300 字以内。")
    return reason


def _own(by: User, member: Member) -> None:
    if not by.resident_id or by.resident_id != member.resident_id:
        raise ActionRefused("只能为自己的服务记录申请更正。")


@atomic_action
def ask_change(
    member: Member, *, by: User, line: Line, minutes: int, reason: str, now: datetime | None = None
) -> Correction:
    """更正时长: the volunteer asks to replace the minutes of one of their records."""
    _own(by, member)
    reason = _clean(minutes, reason)
    if line.member_id != member.pk or line.source_id is None or line.source == "manual":
        raise ActionRefused("补录的记录不能再申请更正，如有出入请联系组长。")
    if minutes == line.minutes:
        raise ActionRefused(f"新的时长和现在记录的 {line.minutes} 分钟一样，不用更正。")
    pending = Correction.objects.pending().filter(
        kind=Correction.Kind.CHANGE, source=line.source, source_id=line.source_id, member=member
    )
    if pending.exists():
        raise ActionRefused("这条记录已经有一个待审核的更正申请，请等组长审核。")
    try:
        with transaction.atomic():
            return Correction.objects.create(
                community_id=member.community_id, member=member, kind=Correction.Kind.CHANGE,
                source=line.source, source_id=line.source_id, served_on=line.served_on, content=line.content,
                original_minutes=line.minutes, minutes=minutes, reason=reason, requested_by=by,
                requested_at=now or timezone.now(),
            )  # fmt: skip
    except IntegrityError as error:  # the same ask sent twice at once
        raise ActionRefused("这条记录已经有一个待审核的更正申请，请等组长审核。") from error


@atomic_action
def ask_missing(
    member: Member,
    *,
    by: User,
    served_on: date,
    minutes: int,
    content: str,
    reason: str,
    now: datetime | None = None,
) -> Correction:
    """补录: the volunteer asks to add service no source recorded."""
    _own(by, member)
    reason = _clean(minutes, reason)
    if minutes == 0:
        raise ActionRefused("补录的时长不能为 0 分钟。")
    now = now or timezone.now()
    today = timezone.localdate(now)
    if served_on > today:
        raise ActionRefused("服务日期不能晚于今天。")
    if served_on < EARLIEST:
        raise ActionRefused("服务日期太早了，请核对。")
    content = " ".join(content.split())
    if not 2 <= len(content) <= 100:
        raise ActionRefused("请用 2 到 100 个字写明做了什么服务。")
    return Correction.objects.create(
        community_id=member.community_id, member=member, kind=Correction.Kind.MISSING, served_on=served_on,
        content=content, minutes=minutes, reason=reason, requested_by=by, requested_at=now,
    )  # fmt: skip


@atomic_action
def decide(
    correction: Correction, *, by: User, approve: bool, note: str = "", now: datetime | None = None
) -> Correction:
    """通过 / 不通过. An approval replaces the source's minutes for the record's key."""
    locked = Correction.objects.select_for_update().select_related("member").get(pk=correction.pk)
    if not may_decide(by, locked.member):
        raise ActionRefused("只有本组组长或社区管理员可以审核，自己的申请请由他人审核。")
    if locked.status != Correction.Status.PENDING:
        raise ActionRefused(f"这个申请已经{locked.get_status_display()}，不能再审核。")
    note = " ".join(note.split())
    if not approve and len(note) < 2:
        raise ActionRefused("不通过时请写明原因，志愿者才知道怎么办。")
    if len(note) > 300:
        raise ActionRefused("审核意见请控制在 300 字以内。")
    locked.status = Correction.Status.APPROVED if approve else Correction.Status.REJECTED
    locked.decided_by, locked.decided_at, locked.decision_note = by, now or timezone.now(), note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return locked


def certificate_prefix(community: Community) -> str:
    """Initials of the community's name without 社区: 西湖新村社区 → XHXC."""
    name = community.name.removesuffix("社区") or community.name
    return name_keys(name)[1].upper()[:6] or "LD"


@atomic_action
def issue_certificate(
    member: Member, *, by: User, start: date, end: date, now: datetime | None = None
) -> tuple[Certificate, bool]:
    """The certificate of this member and period; (certificate, created). An issued one is
    returned as it was, so a re-print carries the same number and totals."""
    if not may_issue(by, member):
        raise ActionRefused("只有本组组长或社区管理员可以出具证明。")
    if start > end:
        raise ActionRefused("起始日期不能晚于截止日期。")
    today = timezone.localdate(now or timezone.now())
    if end > today:
        raise ActionRefused("截止日期不能晚于今天：证明只能记录已经完成的服务。")
    existing = Certificate.objects.filter(member=member, period_start=start, period_end=end).first()
    if existing is not None:
        return existing, False
    # The community row is the lock that keeps numbers sequential under concurrent issues.
    community = Community.objects.select_for_update().get(pk=member.community_id)
    lines = ledger([community.pk], start, end, member_ids=[member.pk])
    minutes = sum(line.minutes for line in lines)
    if minutes <= 0:
        raise ActionRefused("这段时间没有服务时长记录，不能出具证明。")
    year = today.year
    serial = (Certificate.objects.filter(community=community, year=year).aggregate(m=Max("serial"))["m"] or 0) + 1
    resident = member.resident
    certificate = Certificate.objects.create(
        community=community, member=member, year=year, serial=serial,
        number=f"{certificate_prefix(community)}-{year}-{serial:04d}",
        period_start=start, period_end=end, minutes=minutes, record_count=len(lines),
        contents=contents_of(lines), person_name=resident.name, id_number_masked=resident.id_number_masked,
        group_name=member.group.name if member.group_id else "", issuer=f"{community.name}党组织",
        issued_on=today, issued_by=by, issued_by_name=str(by)[:40],
    )  # fmt: skip
    return certificate, True
