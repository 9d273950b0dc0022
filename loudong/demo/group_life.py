"""Step: the life of the four first groups: the election that made each leader, the 红色议事厅 in
the leader's home with the family's consent and the kit handed over at the founding ceremony, and
most members' consent to print their phone on the notice board and contact cards.
"""

import random
from datetime import date, datetime, time, timedelta

from loudong.demo.context import DemoCommunity, DemoSite
from loudong.groups.elections.record import proposal
from loudong.groups.models import BuildingGroup, Candidate, Election, Elector, Venue, VenueConsent, VenueKitItem
from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Member, Resident

PHONE_CONSENT = 0.85  # share of grouped members who agreed to publish their phone

OPENING_TIMES = (
    "每周二、五 下午 3:00–5:00",
    "每周一、四 上午 9:00–11:00",
    "每周三 下午 2:30–5:00，周六 上午 9:00–11:00",
    "每周二、六 上午 9:00–11:30",
)

# What the community's party committee handed over at the founding ceremony.
KIT = (
    (VenueKitItem.Kind.BOOKS, "《中国共产党简史》《习近平谈治国理政》等红色书籍", 20),
    (VenueKitItem.Kind.NEWSPAPERS, "《人民日报》《衡阳日报》全年订阅", 2),
    (VenueKitItem.Kind.CHAIRS, "折叠椅", 12),
    (VenueKitItem.Kind.KETTLE, "电热水壶", 1),
    (VenueKitItem.Kind.FLAG, "党旗", 1),
    (VenueKitItem.Kind.BOARDS, "党建展板", 2),
)


def build_group_life(site: DemoSite) -> None:
    demo = site.main
    rng = demo.rng("group_life")
    first = [spec for spec in demo.plan.groups if spec.leader]
    for index, spec in enumerate(first):
        group = demo.groups[spec.building]
        _past_election(demo, group, spec.founded_on, rng)
        _venue(demo, group, spec.founded_on, OPENING_TIMES[index % len(OPENING_TIMES)], rng)
    consented = 0
    for d in site.communities.values():
        consented += _phone_consents(d, rng)
    site.summary.append(
        f"  党小组：{len(first)} 个首批党小组各有一次组长选举记录和一处红色议事厅（含同意书和物品清单）；"
        f"{consented} 名党员同意公示电话"
    )


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=SHANGHAI)


def _past_election(demo: DemoCommunity, group: BuildingGroup, founded: date, rng: random.Random) -> None:
    """The leader the account names, elected on paper at a 屋场恳谈会 a few days before founding."""
    held_on = founded - timedelta(days=7)
    leader = group.leader
    roll = [m for m in Member.objects.filter(group=group).select_related("resident")
            if m.standing == Member.Standing.FULL and (m.joined_on is None or m.joined_on <= held_on)]  # fmt: skip
    ranked = [row for row in proposal(group, Election.Office.LEADER, on=held_on) if row[0] in roll]
    named = [(m, points, reasons, i < 3) for i, (m, points, reasons, _) in enumerate(ranked)][:3]
    if leader not in [m for m, *_ in named]:
        named[-1] = next(row for row in ranked if row[0] == leader)[:3] + (False,)
    election = Election.objects.create(
        community=demo.community, group=group, office=Election.Office.LEADER, stage=Election.Stage.CLOSED,
        outcome=Election.Outcome.ELECTED, elected=leader, voting_started_at=_at(held_on, 15),
        closed_at=_at(held_on, 16), note="屋场恳谈会上无记名投票，纸质选票当场开箱计票",
    )  # fmt: skip
    Election.objects.filter(pk=election.pk).update(opened_at=_at(held_on - timedelta(days=10), 9))

    absent = rng.randrange(0, 2)
    voters = roll[: len(roll) - absent] if absent else roll
    abstain = 1 if len(voters) > 4 else 0
    others = [m for m, *_ in named if m != leader]
    for_others = [rng.randrange(0, 2) for _ in others]
    for_leader = len(voters) - abstain - sum(for_others)
    votes = dict(zip(others, for_others, strict=True)) | {leader: for_leader}
    Elector.objects.bulk_create(
        Elector(election=election, member=m, voted=m in voters, channel=Elector.Channel.PAPER if m in voters else "")
        for m in roll
    )
    Candidate.objects.bulk_create(
        Candidate(election=election, member=m, proposed=proposed, score=points, reasons=reasons, votes=votes[m],
                  nominated_by="平台建议名单" if proposed else "党员推荐")
        for m, points, reasons, proposed in named
    )  # fmt: skip
    Election.objects.filter(pk=election.pk).update(blank_votes=abstain)


def _venue(demo: DemoCommunity, group: BuildingGroup, founded: date, opening: str, rng: random.Random) -> None:
    host = group.leader
    household = host.resident.household
    venue = Venue.objects.create(
        community=demo.community, group=group, host=host, household=household, opening_times=opening,
        opened_on=founded, note="退休老党员家中，本人及家人自愿提供",
    )  # fmt: skip
    family = list(Resident.objects.filter(household=household))
    consent = VenueConsent.objects.create(
        community=demo.community, venue=venue, given_on=founded - timedelta(days=12), recorded_by=demo.plan.admin_name,
        note="本人及家人自愿，在社区签署《红色议事厅场地使用同意书》",
    )  # fmt: skip
    consent.people.set(family)
    items = [
        VenueKitItem(community=demo.community, venue=venue, kind=kind, description=text, quantity=n,
                     handed_over_on=founded)
        for kind, text, n in KIT
    ]  # fmt: skip
    if rng.random() < 0.5:  # some chairs came back broken and were replaced
        items.append(VenueKitItem(
            community=demo.community, venue=venue, kind=VenueKitItem.Kind.CHAIRS, description="补发折叠椅",
            quantity=2, handed_over_on=founded + timedelta(days=rng.randrange(200, 500)),
        ))  # fmt: skip
    VenueKitItem.objects.bulk_create(items)
    if len(items) > len(KIT):
        VenueKitItem.objects.filter(venue=venue, kind=VenueKitItem.Kind.CHAIRS, description="折叠椅").update(
            returned_on=items[-1].handed_over_on, return_note="2 把损坏，已收回并补发"
        )


def _phone_consents(demo: DemoCommunity, rng: random.Random) -> int:
    grouped = Member.objects.filter(community=demo.community, group__isnull=False).select_related("group")
    consenting = []
    for member in grouped.order_by("pk"):
        if rng.random() < PHONE_CONSENT or member.pk in (member.group.leader_id, member.group.deputy_id):
            founded = member.group.founded_on or date(2022, 1, 1)
            member.publish_phone = True
            member.publish_phone_consented_at = _at(founded + timedelta(days=rng.randrange(0, 30)), 10)
            consenting.append(member)
    Member.objects.bulk_update(consenting, ["publish_phone", "publish_phone_consented_at"])
    return len(consenting)
