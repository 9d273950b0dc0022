"""The write path of 双报到: confirming or declining a report-in, claiming and releasing a post.

Each action is `verb(obj, *, by, now=None, **fields)` (loudong.lib.actions), in one transaction,
refusing with `ActionRefused` and a Chinese message and changing nothing. The views write the
audit entries (they hold the request); the actions return what they changed.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from loudong.accounts.models import Grant, Role, User
from loudong.accounts.passwords import password_problems
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.partners.access import may_claim, may_manage
from loudong.partners.models import Post, PostClaim, ReportIn
from loudong.registry.models import Household, Member, Resident


@dataclass
class Account:
    """A login opened for the member at confirmation (a username and a first password)."""

    username: str
    password: str


@dataclass
class Confirmed:
    member: Member
    resident_created: bool
    member_created: bool
    grant: Grant | None = None  # the volunteer role given, when new
    user_created: User | None = None
    notes: list[str] = field(default_factory=list)  # what the admin should know, in Chinese


def _decidable(report: ReportIn, by: User) -> ReportIn:
    if not may_manage(by, report.community):
        raise ActionRefused("只有社区管理员可以处理报到。")
    locked = ReportIn.objects.select_for_update().get(pk=report.pk)
    if locked.status != ReportIn.Status.PENDING:
        raise ActionRefused(f"这条报到已经{locked.get_status_display()}，不能再处理。")
    return locked


def _resident_for(report: ReportIn, household: Household | None) -> tuple[Resident, bool]:
    """The registry's person this report-in is: the one with the phone, or the one of that name in
    the household; a new resident otherwise."""
    found = Q(phone=report.phone)
    if household is not None:
        found |= Q(household=household, name=report.name)
    resident = Resident.objects.filter(found, community=report.community).order_by("pk").first()
    if resident is not None:
        return resident, False
    resident = Resident.objects.create(
        community=report.community,
        household=household,
        name=report.name,
        phone=report.phone,
        workplace=report.workplace_name[:100],
    )
    return resident, True


@atomic_action
def confirm(
    report: ReportIn,
    *,
    by: User,
    household: Household | None = None,
    account: Account | None = None,
    now: datetime | None = None,
) -> Confirmed:
    """确认报到: the person becomes a member of the community's registry (组织关系 at their
    workplace), in the group serving their home, and a volunteer of it like any other."""
    report = _decidable(report, by)
    household = household or report.household
    if household is not None and household.community_id != report.community_id:
        raise ActionRefused("所选住户不在本社区。")
    resident, resident_created = _resident_for(report, household)
    if household is not None and resident.household_id is None:
        resident.household = household
        resident.save(update_fields=["household"])
    member = Member.objects.filter(resident=resident).first()
    member_created = member is None
    member = member or Member(community=report.community, resident=resident)
    member.registration = Member.Registration.OTHER
    member.registered_org = report.workplace_party_org
    member.employment = Member.Employment.WORKING
    serving = resident.household.stairwell.group if resident.household_id else None
    if serving is not None:
        member.group = serving
    member.save()
    done = Confirmed(member, resident_created, member_created)
    if member.group_id is None:
        done.notes.append("住址所在单元还没有楼栋党小组，暂未编入党小组")

    user = User.objects.filter(resident=resident).first()
    if user is None and account is not None:
        user = done.user_created = _open_account(account, resident)
    if user is None:
        done.notes.append(f"{resident.name}还没有账号，开通账号后才能在网上认领岗位")
    elif member.group_id is not None:
        grant, created = Grant.objects.get_or_create(
            user=user, role=Role.VOLUNTEER, community=report.community, group=member.group
        )
        done.grant = grant if created else None

    report.status = ReportIn.Status.CONFIRMED
    report.member = member
    report.household = household
    report.decided_by, report.decided_at = by, now or timezone.now()
    report.save(update_fields=["status", "member", "household", "decided_by", "decided_at"])
    return done


def _open_account(account: Account, resident: Resident) -> User:
    username = account.username.strip()
    if not username:
        raise ActionRefused("请填写登录用的用户名。")
    if User.objects.filter(username__iexact=username).exists():
        raise ActionRefused(f"用户名 {username} 已被使用，请换一个。")
    user = User(username=username, display_name=resident.name, resident=resident)
    if problems := password_problems(account.password, user):
        raise ActionRefused("初始密码不合格：" + "；".join(problems))
    user.set_password(account.password)
    user.save()
    return user


@atomic_action
def decline(report: ReportIn, *, by: User, reason: str, now: datetime | None = None) -> ReportIn:
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise ActionRefused("请写明未通过的原因，报到的党员会看到。")
    if len(reason) > 200:
        raise ActionRefused("原因请控制在 200 字以内。")
    report = _decidable(report, by)
    report.status, report.decline_reason = ReportIn.Status.DECLINED, reason
    report.decided_by, report.decided_at = by, now or timezone.now()
    report.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    return report


@atomic_action
def claim(post: Post, *, member: Member | None, now: datetime | None = None) -> PostClaim:
    """认领: one of the post's free slots, for the member themselves."""
    post = Post.objects.select_for_update().get(pk=post.pk)  # claims of one post, one at a time
    if member is None:
        raise ActionRefused("您还没有党员档案，请先到社区报到。")
    if not post.active:
        raise ActionRefused("这个岗位已停止认领。")
    if not may_claim(member, post):
        raise ActionRefused(f"这个岗位是{post.group.name}的，只有本小组党员可以认领。")
    if post.claims.holding().filter(member=member).exists():
        raise ActionRefused("您已经认领了这个岗位。")
    if post.claims.holding().count() >= post.slots:
        raise ActionRefused("这个岗位的名额已满。")
    return PostClaim.objects.create(post=post, member=member, claimed_at=now or timezone.now())


@atomic_action
def release(post_claim: PostClaim, *, member: Member | None, now: datetime | None = None) -> PostClaim:
    """退出岗位: the holder gives the slot back."""
    locked = PostClaim.objects.select_for_update().get(pk=post_claim.pk)
    if member is None or locked.member_id != member.pk:
        raise ActionRefused("只能退出自己认领的岗位。")
    if locked.released_at is not None:
        raise ActionRefused("您已经退出了这个岗位。")
    locked.released_at = now or timezone.now()
    locked.save(update_fields=["released_at"])
    return locked
