"""Electing a group's leader and deputy: the proposed list, nominations, one secret vote each on the
phone or on paper, quorum, ties and runoffs, the role handed over, and who may do what."""

from datetime import date

import pytest
from conftest import make_user
from django.db import connection, models
from django.urls import reverse

from loudong.accounts.models import AuditEntry, Grant, Role
from loudong.groups.elections.record import proposal
from loudong.groups.models import BuildingGroup, Candidate, Election, Elector
from loudong.registry.models import Member, Resident, Stairwell


def url(name: str, *args) -> str:
    return reverse(f"elections:{name}", args=["xihu", *args])


def add_member(w, name: str, group: BuildingGroup, *, standing: str = "full", username: str = ""):
    resident = Resident.objects.create(community=w.community, household=w.household, name=name, phone="13512345678")
    member = Member.objects.create(
        community=w.community,
        resident=resident,
        group=group,
        standing=standing,
        joined_on=date(2001, 7, 1),
        employment="working",
    )
    if username:
        user = make_user(username, Role.VOLUNTEER, community=w.community, group=group)
        user.resident = resident
        user.save()
        member.user = user
    return member


@pytest.fixture
def five(world):
    """The first group with five full members (刘光前 leads) and one probationary member."""
    world.zhao = add_member(world, "赵敏", world.group, username="zhao")
    world.sun = add_member(world, "孙强", world.group, username="sun")
    world.li = add_member(world, "李芳", world.group, username="li")
    world.young = add_member(world, "周小青", world.group, standing="probationary", username="young")
    world.wang_member.user = world.volunteer
    world.liu_member.user = world.leader
    return world


def open_election(client, group, office="leader") -> Election:
    response = client.post(url("open", group.pk), {"office": office})
    assert response.status_code == 302, response.content.decode()
    return Election.objects.get(group=group, office=office, stage="nominating")


def start_voting(client, election: Election) -> None:
    assert client.post(url("start", election.pk)).status_code == 302
    election.refresh_from_db()
    assert election.stage == "voting"


def candidate(election: Election, member: Member) -> Candidate:
    return Candidate.objects.get(election=election, member=member)


def vote(login, member: Member, election: Election, choice) -> str:
    client = login(member.user)
    value = "blank" if choice is None else str(candidate(election, choice).pk)
    response = client.post(url("vote", election.pk), {"choice": value}, follow=True)
    return response.content.decode()


@pytest.fixture
def running(five, login):
    """A leader election in the voting stage, with 刘光前, 赵敏 and 孙强 as candidates."""
    admin = login(five.admin)
    election = open_election(admin, five.group)
    Candidate.objects.filter(election=election).delete()
    for member in (five.liu_member, five.zhao, five.sun):
        Candidate.objects.create(election=election, member=member, nominated_by="测试")
    start_voting(admin, election)
    return election


# --- opening, the proposed list and nominations -------------------------------------------------


def test_admin_opens_an_election_and_the_platform_proposes_three_names_with_reasons(five, login):
    client = login(five.admin)
    election = open_election(client, five.group)
    proposed = list(election.candidates.filter(proposed=True).select_related("member__resident"))
    assert len(proposed) == 3
    # 刘光前: retired, in the party since 1975: first on the list.
    assert proposed[0].member == five.liu_member
    reasons = proposed[0].reasons
    assert any(r.startswith("入党") and r.endswith("年") for r in reasons)
    assert "已退休，平时时间较充裕" in reasons
    assert "近一年党小组没有记录会议" in reasons  # no meetings recorded: said so, not a zero
    page = client.get(url("detail", election.pk)).content.decode()
    assert "建议名单" in page and "近一年党小组没有记录会议" in page and "会议记录尚未启用" not in page
    assert AuditEntry.objects.filter(object_type="election", action="create").exists()


def test_probationary_members_are_not_on_the_roll_and_cannot_be_nominated(five, login):
    client = login(five.admin)
    election = open_election(client, five.group)
    assert set(election.electors.values_list("member__resident__name", flat=True)) == {
        "刘光前", "王秀英", "赵敏", "孙强", "李芳"
    }  # fmt: skip
    response = client.post(url("nominate", election.pk), {"member": five.young.pk})
    assert response.status_code == 400
    assert "这位党员不能被提名" in response.content.decode()
    assert not election.candidates.filter(member=five.young).exists()


def test_a_member_nominates_a_fellow_member_from_their_phone(five, login):
    election = open_election(login(five.admin), five.group)
    nominee = next(m for m in (five.wang_member, five.zhao, five.sun, five.li)
                   if not election.candidates.filter(member=m).exists())  # fmt: skip
    client = login(five.li.user)
    response = client.post(url("nominate", election.pk), {"member": nominee.pk}, follow=True)
    assert f"已提名 {nominee.resident.name} 为候选人" in response.content.decode()
    added = candidate(election, nominee)
    assert added.nominated_by == "党员 李芳" and not added.proposed and added.reasons


def test_nominations_close_when_voting_starts(five, running, login):
    response = login(five.li.user).post(url("nominate", running.pk), {"member": five.li.pk})
    assert response.status_code == 400
    assert not running.candidates.filter(member=five.li).exists()


def test_deputy_election_leaves_out_the_current_leader(five, login):
    election = open_election(login(five.admin), five.group, "deputy")
    assert not election.candidates.filter(member=five.liu_member).exists()
    assert election.candidates.count() == 3


def test_a_second_election_for_the_same_office_waits_until_the_first_is_closed(five, login):
    client = login(five.admin)
    open_election(client, five.group)
    response = client.post(url("open", five.group.pk), {"office": "leader"})
    assert "选举正在进行，请先结束它" in response.content.decode()
    assert Election.objects.filter(group=five.group).count() == 1


# --- voting: once each, in secret ---------------------------------------------------------------


def test_each_member_votes_once(five, running, login):
    page = vote(login, five.zhao, running, five.zhao)
    assert "投票成功" in page and "您已投票" in page
    page = vote(login, five.zhao, running, five.sun)
    assert "您已经投过票了，每人只能投一次" in page
    assert sum(running.candidates.values_list("votes", flat=True)) == 1
    assert running.electors.filter(voted=True).count() == 1


def test_no_row_in_the_database_links_a_vote_to_the_voter(five, running, login):
    # What is stored: who voted (Elector) and bare counters (Candidate.votes, Election.blank_votes).
    for model in (Elector, Candidate):
        for field in model._meta.get_fields():
            assert not isinstance(field, models.DateTimeField | models.DateField), (model, field.name)
    assert {f.name for f in Elector._meta.get_fields()} == {"id", "election", "member", "voted", "channel"}
    assert {f.name for f in Candidate._meta.get_fields()} == {
        "id", "election", "member", "proposed", "nominated_by", "score", "reasons", "votes"
    }  # fmt: skip
    not_logins = AuditEntry.objects.exclude(action=AuditEntry.Action.LOGIN)
    audit_before = not_logins.count()
    vote(login, five.zhao, running, five.sun)
    vote(login, five.sun, running, None)
    # Phone votes leave no audit entry (an entry would tie a voter to a moment).
    assert not_logins.count() == audit_before
    assert Elector.objects.filter(election=running, voted=True).count() == 2
    assert candidate(running, five.sun).votes == 1
    running.refresh_from_db()
    assert running.blank_votes == 1
    if connection.vendor == "postgresql":
        # Row versions: 孙强's blank ballot rewrote every counter, so all carry his transaction id.
        with connection.cursor() as cursor:
            cursor.execute("SELECT xmin::text FROM groups_elector WHERE election_id = %s AND member_id = %s",
                           [running.pk, five.sun.pk])  # fmt: skip
            voter = cursor.fetchone()[0]
            cursor.execute("SELECT DISTINCT xmin::text FROM groups_candidate WHERE election_id = %s", [running.pk])
            assert [row[0] for row in cursor.fetchall()] == [voter]
    # While voting runs, nobody sees the counts, not even the admin.
    page = login(five.admin).get(url("detail", running.pk)).content.decode()
    assert "1 票" not in page and '已投票 <strong id="turnout">2</strong> 人' in page


def test_outsider_gets_404_on_the_election_and_cannot_vote(running, world, login):
    client = login(world.outsider)
    assert client.get(url("detail", running.pk)).status_code == 404
    choice = running.candidates.first()
    assert client.post(url("vote", running.pk), {"choice": choice.pk}).status_code == 404
    assert running.electors.filter(voted=True).count() == 0


def test_a_member_of_another_group_gets_404(running, world, login):
    other_group = BuildingGroup.objects.create(community=world.community, name="学宫巷3号党小组")
    Stairwell.objects.filter(pk=world.stairwell2.pk).update(group=other_group)
    neighbour = add_member(world, "钱多多", other_group, username="qian")
    client = login(neighbour.user)
    assert client.get(url("detail", running.pk)).status_code == 404
    assert client.post(url("vote", running.pk), {"choice": running.candidates.first().pk}).status_code == 404
    assert client.get(url("group", world.group.pk)).status_code == 404


def test_resident_without_member_record_gets_404(running, world, login):
    client = login(world.resident)
    assert client.get(url("detail", running.pk)).status_code == 404


def test_a_volunteer_not_on_the_roll_is_told_in_chinese_and_nothing_is_counted(running, world, login):
    helper = make_user("helper", Role.VOLUNTEER, community=world.community, group=world.group)
    client = login(helper)
    response = client.post(url("vote", running.pk), {"choice": running.candidates.first().pk}, follow=True)
    assert "您不在本次选举的选民名单中" in response.content.decode()
    assert sum(running.candidates.values_list("votes", flat=True)) == 0


def test_probationary_member_cannot_vote(five, running, login):
    assert "您不在本次选举的选民名单中" in vote(login, five.young, running, five.zhao)


def test_votes_are_refused_before_voting_starts(five, login):
    election = open_election(login(five.admin), five.group)
    page = vote(login, five.zhao, election, election.candidates.first().member)
    assert "现在不在投票时间" in page
    assert election.electors.filter(voted=True).count() == 0


# --- paper ballots ------------------------------------------------------------------------------


def paper(client, election: Election, voters: list[Member], counts: dict[Member, int], blank: int = 0):
    data = {"voters": [election.electors.get(member=m).pk for m in voters], "blank": blank}
    for c in election.candidates.all():
        data[f"votes_{c.pk}"] = counts.get(c.member, 0)
    return client.post(url("paper", election.pk), data, follow=True)


def test_paper_ballots_mark_who_voted_and_only_add_up_the_choices(five, running, login):
    client = login(five.admin)
    response = paper(client, running, [five.wang_member, five.li], {five.zhao: 1}, blank=1)
    assert "已录入 2 张纸质选票" in response.content.decode()
    voted = running.electors.filter(voted=True)
    assert set(voted.values_list("member__resident__name", "channel")) == {("王秀英", "paper"), ("李芳", "paper")}
    assert candidate(running, five.zhao).votes == 1
    entry = AuditEntry.objects.filter(object_type="election", detail__has_key="录入纸质选票").get()
    assert entry.detail["投票人"] == ["李芳", "王秀英"] and "得票" not in entry.detail


def test_paper_ballots_must_match_the_number_of_voters_ticked(five, running, login):
    response = paper(login(five.admin), running, [five.wang_member, five.li], {five.zhao: 3})
    assert response.status_code == 400
    assert "选票共 3 张，但勾选的投票人是 2 位，两者应当相等" in response.content.decode()
    assert running.electors.filter(voted=True).count() == 0
    assert candidate(running, five.zhao).votes == 0


def test_a_member_who_voted_on_the_phone_cannot_be_entered_again_on_paper(five, running, login):
    vote(login, five.sun, running, five.sun)
    response = paper(login(five.admin), running, [five.sun], {five.zhao: 1})
    assert response.status_code == 400
    assert candidate(running, five.zhao).votes == 0


def test_leader_cannot_enter_paper_ballots_or_close(five, running, login):
    client = login(five.leader)
    assert client.get(url("detail", running.pk)).status_code == 200
    assert client.post(url("open", five.group.pk), {"office": "deputy"}).status_code == 404
    assert client.post(url("start", running.pk)).status_code == 404
    assert client.get(url("paper", running.pk)).status_code == 404
    assert client.post(url("close", running.pk)).status_code == 404
    running.refresh_from_db()
    assert running.stage == "voting"


# --- closing: quorum, winner, ties --------------------------------------------------------------


def close(login, world, election: Election):
    return login(world.admin).post(url("close", election.pk), follow=True)


def test_without_more_than_half_voting_there_is_no_result(five, running, login):
    vote(login, five.zhao, running, five.zhao)
    vote(login, five.sun, running, five.zhao)  # two of five: not more than half
    page = close(login, five, running).content.decode()
    running.refresh_from_db()
    assert running.outcome == "no_quorum" and running.elected is None
    assert "投票人数未超过半数，选举无效" in page
    five.group.refresh_from_db()
    assert five.group.leader == five.liu_member


def test_the_member_with_most_votes_is_elected_and_takes_the_leader_role(five, running, login):
    vote(login, five.zhao, running, five.zhao)
    vote(login, five.sun, running, five.zhao)
    vote(login, five.li, running, five.liu_member)
    page = close(login, five, running).content.decode()
    running.refresh_from_db()
    assert running.outcome == "elected" and running.elected == five.zhao
    assert "当选组长：<strong>赵敏</strong>" in page and "2 票" in page
    five.group.refresh_from_db()
    assert five.group.leader == five.zhao
    assert Grant.objects.filter(user=five.zhao.user, role=Role.LEADER, group=five.group).exists()
    # The former leader loses the leader role and stays a volunteer of the group.
    assert not Grant.objects.filter(user=five.leader, role=Role.LEADER, group=five.group).exists()
    assert Grant.objects.filter(user=five.leader, role=Role.VOLUNTEER, group=five.group).exists()
    entry = AuditEntry.objects.filter(object_type="election", detail__has_key="结果").get()
    assert entry.detail["投票人数"] == "3/5" and entry.detail["得票"]["赵敏"] == 2
    assert "授予 zhao 组长权限" in entry.detail["角色变动"]


def test_a_tie_for_most_votes_starts_a_runoff_among_the_tied(five, running, login):
    vote(login, five.zhao, running, five.zhao)
    vote(login, five.sun, running, five.sun)
    vote(login, five.li, running, None)
    response = close(login, five, running)
    running.refresh_from_db()
    assert running.outcome == "tie" and running.elected is None
    runoff = running.runoffs.get()
    assert runoff.stage == "voting" and runoff.round == 2
    assert set(runoff.candidates.values_list("member__resident__name", flat=True)) == {"赵敏", "孙强"}
    assert runoff.electors.count() == 5 and not runoff.electors.filter(voted=True).exists()
    assert "最高票相同，已发起决选" in response.content.decode()
    # The runoff is decided like any round.
    for member in (five.zhao, five.li, five.wang_member):
        vote(login, member, runoff, five.sun)
    close(login, five, runoff)
    runoff.refresh_from_db()
    assert runoff.outcome == "elected" and runoff.elected == five.sun
    five.group.refresh_from_db()
    assert five.group.leader == five.sun


def test_all_blank_ballots_elect_nobody(five, running, login):
    for member in (five.zhao, five.sun, five.li):
        vote(login, member, running, None)
    close(login, five, running)
    running.refresh_from_db()
    assert running.outcome == "no_winner" and running.elected is None


def test_an_elected_deputy_gets_the_leader_role_and_the_former_deputy_loses_it(five, login):
    five.group.deputy = five.wang_member
    five.group.save()
    Grant.objects.create(user=five.volunteer, role=Role.LEADER, community=five.community, group=five.group)
    client = login(five.admin)
    election = open_election(client, five.group, "deputy")
    if not election.candidates.filter(member=five.li).exists():
        client.post(url("nominate", election.pk), {"member": five.li.pk})
    start_voting(client, election)
    for member in (five.zhao, five.sun, five.li):
        vote(login, member, election, five.li)
    close(login, five, election)
    five.group.refresh_from_db()
    assert five.group.deputy == five.li and five.group.leader == five.liu_member
    assert Grant.objects.filter(user=five.li.user, role=Role.LEADER, group=five.group).exists()
    assert not Grant.objects.filter(user=five.volunteer, role=Role.LEADER, group=five.group).exists()
    assert Grant.objects.filter(user=five.leader, role=Role.LEADER, group=five.group).exists()


def test_group_page_keeps_the_history_of_elections(five, running, login):
    for member in (five.zhao, five.sun, five.li):
        vote(login, member, running, five.liu_member)
    close(login, five, running)
    page = login(five.volunteer).get(url("group", five.group.pk)).content.decode()
    assert "选举记录" in page and "组长选举" in page and "当选：<strong>刘光前</strong>" in page


def test_audit_log_records_opening_starting_and_closing(five, running, login):
    close(login, five, running)
    actions = list(AuditEntry.objects.filter(object_type="election").values_list("action", flat=True))
    assert actions.count("create") == 1 and actions.count("update") == 2  # start voting, close


def test_the_proposed_list_counts_requests_resolved_and_residents_satisfied(five, login):
    from django.utils import timezone

    from loudong.tickets.models import Request, Status

    def done(n: int, member: Member, rating: str, status: str = Status.CLOSED) -> None:
        Request.objects.create(
            community=five.community, number=f"T{n}", building=five.building, category_code="policy",
            category_name="政策咨询", description="咨询低保政策", tracking_token=f"token{n}", status=status,
            assignee=member, resolved_at=timezone.now(), rating=rating,
        )  # fmt: skip

    for n in range(4):
        done(n, five.li, "satisfied" if n < 3 else "basic")
    done(9, five.li, "", Status.ACCEPTED)  # still being handled: not counted
    election = open_election(login(five.admin), five.group)
    li = candidate(election, five.li)
    assert "办结点单 4 件，居民评价满意 3 次" in li.reasons
    assert li.proposed


def test_the_proposed_list_counts_the_group_meetings_each_member_attended_in_the_past_year(five, login):
    from datetime import timedelta

    from django.utils import timezone

    from loudong.community_life.meetings import actions as meetings

    def meeting(days_ago: float, *people: Member, group: BuildingGroup | None = five.group) -> None:
        held = timezone.now() - timedelta(days=days_ago)
        m = meetings.create_meeting(five.community, by=five.admin, title="楼道堆物怎么清", held_at=held, group=group)
        meetings.set_attendance(m, by=five.admin, residents=[p.resident for p in people], guests=["物业王经理"])

    meeting(10, five.zhao, five.sun)
    meeting(40, five.zhao)
    meeting(100, five.zhao, five.li)
    meeting(400, five.sun, five.li)  # more than a year ago: not counted
    meeting(-3, five.li)  # planned for next week: not held yet
    meeting(5, five.li, group=None)  # a meeting of the whole community, not of the group

    ranked = {member: (points, reasons) for member, points, reasons, _ in proposal(five.group, "leader")}
    assert "近一年党小组开会 3 次，参加 3 次" in ranked[five.zhao][1]
    assert "近一年党小组开会 3 次，参加 1 次" in ranked[five.sun][1]
    assert "近一年党小组开会 3 次，参加 1 次" in ranked[five.li][1]
    # The same years and work otherwise: two points a meeting.
    assert ranked[five.zhao][0] - ranked[five.sun][0] == 4 and ranked[five.sun][0] == ranked[five.li][0]

    client = login(five.admin)
    election = open_election(client, five.group)
    assert candidate(election, five.zhao).proposed  # attending put 赵敏 on the list, after 刘光前
    page = client.get(url("detail", election.pk)).content.decode()
    assert "近一年党小组开会 3 次，参加 3 次" in page and "会议记录尚未启用" not in page
