"""Every change to an election goes through here: open, nominate, start voting, vote, paper, close.

Rules (decided for the platform, shown to users on the election page):
- Who votes: the group's full members (正式党员) on the day the election opens, frozen as the roll
  (选民名单); 预备党员 have no vote under the party constitution.
- Secrecy: casting a vote marks the elector as having voted and adds one to a counter, in one
  transaction; no row links the two and neither carries a time. Every counter of the election is
  rewritten by each ballot (most by zero), so even PostgreSQL's row versions (xmin) show only that
  a ballot was counted, not for whom. Counts stay hidden until closing. (Out of scope: a database
  superuser reading dead row versions page by page, like someone watching the ballot box.)
- Quorum: more than half of the roll must have voted, on the phone or on paper; else no result.
- Winner: more votes than anyone else. A tie for the most votes starts a runoff among the tied
  (a new round with the same roll), recorded as its own election linked to the first.
- Result: the elected member takes the office; the user linked to them gets the leader role for
  the group; the previous holder's leader role is removed (they stay as a volunteer).

Each action is `verb(obj, *, by, now=None, http=None, **fields)` (loudong.lib.actions): the group,
election or candidate acted on, the user who acts (`by`, the audit entry's actor), the clock (`now`,
where a time is written) and `http`, the request if there is one, used only for the audit entry's
address. It runs in one transaction (`atomic_action`) and refuses with `ActionRefused` and a Chinese
message, changing nothing. Who may run an election (the admin) is checked by the pages.
"""

from datetime import datetime

from django.db.models import Case, F, IntegerField, Value, When
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, Grant, Role, User
from loudong.groups.elections.record import candidate_record, electorate, eligible_for, proposal, score
from loudong.groups.models import BuildingGroup, Candidate, Election, Elector
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.registry.models import Member


@atomic_action
def open_election(group: BuildingGroup, *, by: User, office: str, http: HttpRequest | None = None) -> Election:
    group = BuildingGroup.objects.select_for_update().get(pk=group.pk)
    if Election.objects.filter(group=group, office=office).exclude(stage=Election.Stage.CLOSED).exists():
        raise ActionRefused(f"{group.name}的{Election.Office(office).label}选举正在进行，请先结束它。")
    roll = electorate(group)
    if not roll:
        raise ActionRefused(f"{group.name}还没有可以参加选举的正式党员。")
    election = Election.objects.create(community_id=group.community_id, group=group, office=office, opened_by=by)
    Elector.objects.bulk_create(Elector(election=election, member=m) for m in roll)
    Candidate.objects.bulk_create(
        Candidate(election=election, member=m, proposed=True, nominated_by="平台建议名单", score=p, reasons=r)
        for m, p, r, proposed in proposal(group, office)
        if proposed
    )
    record(http, AuditEntry.Action.CREATE, election, actor=by, detail={"选民人数": len(roll)})
    return election


@atomic_action
def nominate(
    election: Election, *, by: User, member: Member, nominated_by: str, http: HttpRequest | None = None
) -> Candidate:
    """Put a member on the ballot; `nominated_by` is the name shown for who proposed them."""
    election = _locked(election)
    if election.stage != Election.Stage.NOMINATING:
        raise ActionRefused("提名已经截止，投票已经开始。")
    why_not = eligible_for(election.group, election.office, member)
    if why_not or not election.electors.filter(member=member).exists():
        raise ActionRefused(f"{member.resident.name}不能被提名：{why_not or '不在本次选举的选民名单中'}。")
    if election.candidates.filter(member=member).exists():
        raise ActionRefused(f"{member.resident.name}已经是候选人了。")
    points, reasons = score(candidate_record(member))
    candidate = Candidate.objects.create(
        election=election, member=member, nominated_by=nominated_by, score=points, reasons=reasons
    )
    record(http, AuditEntry.Action.CREATE, candidate, actor=by, community_id=election.community_id,
           object_repr=f"{election}：提名 {member.resident.name}", detail={"提名人": nominated_by})  # fmt: skip
    return candidate


@atomic_action
def remove_candidate(candidate: Candidate, *, by: User, http: HttpRequest | None = None) -> None:
    election = _locked(candidate.election)
    if election.stage != Election.Stage.NOMINATING:
        raise ActionRefused("投票已经开始，候选人不能再变动。")
    record(http, AuditEntry.Action.DELETE, candidate, actor=by, community_id=election.community_id,
           object_repr=f"{election}：撤下候选人 {candidate.member.resident.name}")  # fmt: skip
    candidate.delete()


@atomic_action
def start_voting(election: Election, *, by: User, now: datetime | None = None, http: HttpRequest | None = None) -> None:
    election = _locked(election)
    if election.stage != Election.Stage.NOMINATING:
        raise ActionRefused("投票已经开始或已经结束。")
    if not election.candidates.exists():
        raise ActionRefused("还没有候选人，请先提名。")
    election.stage = Election.Stage.VOTING
    election.voting_started_at = now or timezone.now()
    election.save(update_fields=["stage", "voting_started_at"])
    names = [c.member.resident.name for c in election.candidates.select_related("member__resident")]
    record(http, AuditEntry.Action.UPDATE, election, actor=by, detail={"开始投票": True, "候选人": names})


@atomic_action
def cast_vote(election: Election, *, by: User, member: Member, candidate_id: int | None) -> None:
    """One phone vote by the member's own user. Not written to the audit log (and given no clock):
    an entry would tie the voter to a moment."""
    if by.resident_id is None or by.resident_id != member.resident_id:
        raise ActionRefused("只能本人投票。")
    election = _locked(election)
    if election.stage != Election.Stage.VOTING:
        raise ActionRefused("现在不在投票时间。")
    if candidate_id is not None and not election.candidates.filter(pk=candidate_id).exists():
        raise ActionRefused("请在候选人中选择一位，或选择弃权。")
    marked = Elector.objects.filter(election=election, member=member, voted=False).update(
        voted=True, channel=Elector.Channel.PHONE
    )
    if not marked:
        if election.electors.filter(member=member).exists():
            raise ActionRefused("您已经投过票了，每人只能投一次。")
        raise ActionRefused("您不在本次选举的选民名单中。")
    _count(election, {candidate_id: 1} if candidate_id else {}, 0 if candidate_id else 1)


@atomic_action
def enter_paper(
    election: Election,
    *,
    by: User,
    voters: list[Elector],
    counts: dict[int, int],
    blank: int,
    http: HttpRequest | None = None,
) -> None:
    """Paper ballots, counted from the box: who voted is marked, the choices are only added up."""
    election = _locked(election)
    if election.stage != Election.Stage.VOTING:
        raise ActionRefused("现在不在投票时间，不能录入纸质选票。")
    ballots = sum(counts.values()) + blank
    if ballots != len(voters):
        raise ActionRefused(f"选票共 {ballots} 张，但勾选的投票人是 {len(voters)} 位，两者应当相等。")
    if not voters:
        raise ActionRefused("请勾选投纸质票的党员。")
    marked = Elector.objects.filter(election=election, pk__in=[e.pk for e in voters], voted=False).update(
        voted=True, channel=Elector.Channel.PAPER
    )
    if marked != len(voters):
        raise ActionRefused("勾选的党员中有人已经投过票了，请刷新后重新录入。")
    _count(election, counts, blank)
    record(http, AuditEntry.Action.UPDATE, election, actor=by, detail={
        "录入纸质选票": ballots, "投票人": sorted(e.member.resident.name for e in voters),
    })  # fmt: skip


def _count(election: Election, counts: dict[int, int], blank: int) -> None:
    """Add ballots to the counters, touching every counter of the election whatever was chosen."""
    added = Case(*(When(pk=pk, then=Value(n)) for pk, n in counts.items()), default=Value(0),
                 output_field=IntegerField())  # fmt: skip
    Candidate.objects.filter(election=election).update(votes=F("votes") + added)
    Election.objects.filter(pk=election.pk).update(blank_votes=F("blank_votes") + blank)


@atomic_action
def close_election(
    election: Election, *, by: User, now: datetime | None = None, http: HttpRequest | None = None
) -> Election | None:
    """Count, record the outcome, hand over the office or start a runoff. Returns the runoff if any."""
    election = _locked(election)
    if election.stage == Election.Stage.CLOSED:
        raise ActionRefused("这次选举已经结束了。")
    now = now or timezone.now()
    roll = election.electors.count()
    turnout = election.electors.filter(voted=True).count()
    candidates = list(election.candidates.select_related("member__resident").order_by("-votes", "id"))
    top = candidates[0].votes if candidates else 0
    leaders = [c for c in candidates if c.votes == top]
    runoff = None
    if turnout * 2 <= roll:
        election.outcome = Election.Outcome.NO_QUORUM
    elif top == 0:
        election.outcome = Election.Outcome.NO_WINNER
    elif len(leaders) > 1:
        election.outcome = Election.Outcome.TIE
    else:
        election.outcome = Election.Outcome.ELECTED
        election.elected = leaders[0].member
    election.stage = Election.Stage.CLOSED
    election.closed_at = now
    election.closed_by = by
    election.save()
    detail = {
        "结果": election.get_outcome_display(),
        "投票人数": f"{turnout}/{roll}",
        "得票": {c.member.resident.name: c.votes for c in candidates},
        "弃权": election.blank_votes,
    }
    if election.outcome == Election.Outcome.ELECTED:
        detail["角色变动"] = take_office(election.group, by=by, office=election.office, member=election.elected)
    elif election.outcome == Election.Outcome.TIE:
        runoff = _runoff(election, by=by, tied=leaders, now=now, http=http)
        detail["决选"] = [c.member.resident.name for c in leaders]
    record(http, AuditEntry.Action.UPDATE, election, actor=by, detail=detail)
    return runoff


def _runoff(
    election: Election, *, by: User, tied: list[Candidate], now: datetime, http: HttpRequest | None
) -> Election:
    runoff = Election.objects.create(
        community_id=election.community_id, group=election.group, office=election.office,
        stage=Election.Stage.VOTING, round=election.round + 1, runoff_of=election, opened_by=by,
        voting_started_at=now, note=f"第{election.round}轮最高票相同，在得票相同的候选人中决选",
    )  # fmt: skip
    Elector.objects.bulk_create(Elector(election=runoff, member_id=e.member_id) for e in election.electors.all())
    Candidate.objects.bulk_create(
        Candidate(election=runoff, member=c.member, proposed=c.proposed, nominated_by=c.nominated_by,
                  score=c.score, reasons=c.reasons)
        for c in tied
    )  # fmt: skip
    record(http, AuditEntry.Action.CREATE, runoff, actor=by, detail={"决选": [c.member.resident.name for c in tied]})
    return runoff


@atomic_action
def take_office(group: BuildingGroup, *, by: User | None, office: str, member: Member) -> list[str]:
    """Set the office on the group and move the leader role between users; returns what changed.
    Called by close_election, which writes the audit entry naming `by` and these changes."""
    group = BuildingGroup.objects.select_for_update().get(pk=group.pk)
    changed = []
    if office == Election.Office.LEADER:
        previous = [group.leader] if group.leader_id and group.leader_id != member.pk else []
        if group.deputy_id == member.pk:
            group.deputy = None  # the deputy who becomes leader leaves the deputy's seat
            changed.append(f"{member.resident.name}不再担任副组长")
        group.leader = member
    else:
        previous = [group.deputy] if group.deputy_id and group.deputy_id != member.pk else []
        group.deputy = member
    group.save(update_fields=["leader", "deputy"])
    changed.append(f"{member.resident.name}任{Election.Office(office).label}")

    user = User.objects.filter(resident_id=member.resident_id).first()
    if user is None:
        changed.append(f"{member.resident.name}还没有账号，开通账号后再授予组长权限")
    elif not Grant.objects.filter(user=user, role=Role.LEADER, group=group).exists():
        Grant.objects.create(user=user, role=Role.LEADER, community_id=group.community_id, group=group)
        changed.append(f"授予 {user} 组长权限")
    holders = {group.leader_id, group.deputy_id}
    for former in previous:
        if former.pk in holders:
            continue
        for user in User.objects.filter(resident_id=former.resident_id):
            removed, _ = Grant.objects.filter(user=user, role=Role.LEADER, group=group).delete()
            if removed:
                changed.append(f"收回 {user} 的组长权限")
            if not Grant.objects.filter(user=user, role=Role.VOLUNTEER, group=group).exists():
                Grant.objects.create(user=user, role=Role.VOLUNTEER, community_id=group.community_id, group=group)
                changed.append(f"{user} 保留党员志愿者权限")
    return changed


def _locked(election: Election) -> Election:
    return Election.objects.select_for_update().select_related("group").get(pk=election.pk)
