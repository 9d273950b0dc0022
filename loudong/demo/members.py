"""Step: party members (党员档案) among the residents, and the services they offer.

Mostly retired, registered with the community's branch; working members are usually registered
with their employer; a few are 流动党员 and a few are probationary. The leaders named in the
account are retired men living with their wife, who host the 红色议事厅 at home.
"""

import random
from datetime import date, timedelta

from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.people import age_on_reference
from loudong.demo.plans import REFERENCE_DATE
from loudong.lib.pinyin import name_keys
from loudong.registry.models import Member, Resident, ServiceItem

# What members offer, and how likely a retired or a working member offers it.
SERVICES = {
    "政策咨询": (3, 2), "代买代办": (4, 2), "理发": (1, 0.3), "家电维修": (1, 2), "陪同就医": (3, 1),
    "法律咨询": (0.3, 2), "心理疏导": (1, 2), "辅导作业": (2, 3), "水电维修": (1, 2),
    "手机使用教学": (0.5, 3), "健康咨询": (1, 1), "文艺活动": (2, 0.5),
}  # fmt: skip

EMPLOYERS = (
    "衡阳市第八中学党支部", "石鼓区人民医院党总支", "衡阳市自来水公司党委", "石鼓区税务局第一党支部",
    "石鼓区青山街道机关党支部", "衡阳市石鼓区人民法院机关党支部", "石鼓区教育局机关党支部",
    "衡阳市公交公司党委",
)  # fmt: skip
FORMER_EMPLOYERS = (
    "衡阳纺织机械厂退休党支部", "衡阳市第八中学退休教师党支部", "石鼓区人民医院离退休党支部",
    "衡阳市邮政局离退休党支部", "衡阳市百货公司退休党支部",
)  # fmt: skip
HOMETOWNS = (
    "衡南县车江镇党委", "衡阳县西渡镇党委", "祁东县归阳镇党委", "常宁市宜阳街道党工委",
    "耒阳市蔡子池街道党工委",
)  # fmt: skip
PROBATIONARY = 4


def build_members(site: DemoSite) -> None:
    for demo in site.communities.values():
        _build_community_members(demo)


def _build_community_members(demo: DemoCommunity) -> None:
    rng = demo.rng("members")
    items = ServiceItem.objects.bulk_create(ServiceItem(community=demo.community, name=n) for n in SERVICES)
    demo.service_items = {i.name: i for i in items}
    named_leaders = {g.building: g.leader for g in demo.plan.groups if g.leader}

    chosen: list[Resident] = []
    leaders: dict[str, Resident] = {}
    for name, spec in demo.specs.items():
        people = demo.residents_of(name)
        if name in named_leaders:
            leader = _leader_resident(demo, people, rng)
            leader.name = named_leaders[name]
            leader.name_pinyin, leader.name_initials = name_keys(leader.name)
            leader.save(update_fields=["name", "name_pinyin", "name_initials"])
            leaders[name] = leader
            chosen.append(leader)
        candidates = [p for p in people if p not in chosen and age_on_reference(p) >= 23]
        weights = [_member_weight(age_on_reference(p)) for p in candidates]
        chosen += _weighted_sample(rng, candidates, weights, spec.members - (name in named_leaders))

    young = [r for r in chosen if 25 <= age_on_reference(r) <= 40 and r not in leaders.values()]
    probationary = {r.pk for r in rng.sample(young, min(len(young), PROBATIONARY if len(chosen) > 40 else 1))}
    members = [_member(demo, r, rng, r in leaders.values(), r.pk in probationary) for r in chosen]
    demo.members = Member.objects.bulk_create(members)
    by_resident = {m.resident.pk: m for m in demo.members}
    demo.leaders = {building: by_resident[r.pk] for building, r in leaders.items()}

    through = Member.service_items.through
    offers = []
    for member in demo.members:
        column = 0 if member.employment == Member.Employment.RETIRED else 1
        names = list(SERVICES)
        weights = [SERVICES[n][column] for n in names]
        picked = _weighted_sample(rng, names, weights, rng.choices((1, 2, 3), (35, 45, 20))[0])
        if member in demo.leaders.values() and "政策咨询" not in picked:
            picked.insert(0, "政策咨询")
        offers += [through(member_id=member.pk, serviceitem_id=demo.service_items[n].pk) for n in picked]
    through.objects.bulk_create(offers)


def _leader_resident(demo: DemoCommunity, people: list[Resident], rng: random.Random) -> Resident:
    """A retired man living with his wife only, so his surname is nobody else's in the household.

    His phone and ID number go on the notice board and the group's records: he has both."""
    couples = [
        p for p in people
        if p.gender == "M" and 64 <= age_on_reference(p) <= 82 and p.phone and p.id_number
        and demo.household_kinds[p.household.pk] == "elder_couple"
    ]  # fmt: skip
    if not couples:
        raise ValueError("这栋楼没有适合作组长的退休老党员住户，请调整演示楼栋的规模")
    # The venue is at home: prefer a low floor, easy for older neighbours to reach.
    couples.sort(key=lambda p: (int(p.household.room) // 100, p.household.stairwell.name, p.household.room))
    return rng.choice(couples[: max(1, len(couples) // 3)])


def _member_weight(age: int) -> float:
    if age >= 89:
        return 0.3
    return 3.0 if age >= 60 else 1.0


def _weighted_sample(rng: random.Random, population: list, weights: list[float], k: int) -> list:
    """k distinct items, each drawn with probability proportional to its weight."""
    pool, w, picked = list(population), list(weights), []
    for _ in range(min(k, len(pool))):
        i = rng.choices(range(len(pool)), w)[0]
        picked.append(pool.pop(i))
        w.pop(i)
    return picked


def _member(demo: DemoCommunity, resident: Resident, rng: random.Random, leader: bool, probationary: bool) -> Member:
    age = age_on_reference(resident)
    retired = age >= 60 or (resident.gender == "F" and age >= 55 and rng.random() < 0.7)
    if leader:
        registration, org = Member.Registration.LOCAL, ""
    elif retired:
        registration, org = _registration(rng, (85, 15, 0), FORMER_EMPLOYERS)
    else:
        registration, org = _registration(rng, (15, 60, 25), EMPLOYERS)
    if probationary:
        joined = REFERENCE_DATE - timedelta(days=rng.randint(30, 330))
    else:
        joined_age = rng.randint(20, 35) if leader else rng.randint(19, min(40, max(19, age - 3)))
        joined = _add_years(resident.birth_date, joined_age) + timedelta(days=rng.randrange(365))
        joined = min(joined, REFERENCE_DATE - timedelta(days=400 + rng.randrange(200)))
    return Member(
        community=demo.community,
        resident=resident,
        joined_on=joined,
        standing=Member.Standing.PROBATIONARY if probationary else Member.Standing.FULL,
        registration=registration,
        registered_org=org,
        employment=Member.Employment.RETIRED if retired else Member.Employment.WORKING,
    )


def _registration(rng: random.Random, weights: tuple[int, ...], orgs: tuple[str, ...]) -> tuple[str, str]:
    kind = rng.choices(("local", "other", "mobile"), weights)[0]
    if kind == "local":
        return Member.Registration.LOCAL, ""
    if kind == "other":
        return Member.Registration.OTHER, rng.choice(orgs)
    return Member.Registration.MOBILE, rng.choice(HOMETOWNS)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
