"""Demo step: the honours register (湖南好人, 优秀共产党员, 衡阳市优秀衡阳群众 ...) and the study
blackboard notes (党史小黑板) of each building with a group.

The honoured are the people the activities step already has giving talks where possible, so a
talk and the honour behind it match; the account's two new 湖南好人 and one 衡阳市优秀衡阳群众
are this year's entries. Notes are written by members of the group serving the building.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from loudong.community_life.activities.models import Activity
from loudong.community_life.blackboard.models import Note
from loudong.community_life.honours.models import Honour
from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.people import age_on_reference
from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Member, Resident, Stairwell

HUNAN = ("湖南好人", "中共湖南省委宣传部、湖南省文明办")
CITY = ("衡阳市优秀衡阳群众", "中共衡阳市委宣传部、衡阳市文明办")
MEMBER_CITY = ("优秀共产党员", "中共衡阳市委")
MEMBER_DISTRICT = ("优秀共产党员", "中共石鼓区委")
VOLUNTEER = ("最美志愿者", "石鼓区文明办")

DEEDS = (
    "退休后二十年坚持为楼栋老人义务理发，风雨无阻。",
    "深夜发现楼道电线起火，第一时间组织邻居疏散并扑灭火情。",
    "照顾同楼独居老人十余年，买菜、陪诊、代缴水电费，老人称她“亲闺女”。",
    "组织楼栋居民筹款修好了漏雨十年的楼顶，带头出工出力。",
    "义务辅导楼里双职工家庭的孩子写作业，开办“四点半课堂”。",
    "疫情期间连续四十多天守在小区门口值守、送菜送药。",
    "调解邻里纠纷三十多起，被居民称为楼栋“老娘舅”。",
    "坚持每周五带头打扫楼道和公共区域，带动全楼参与“周五大扫除”。",
)
OUTSIDER = ("曾德华", "石鼓区青山街道退休教师，长年在社区开办免费书法班。")

NOTES = (
    (
        "重温入党誓词",
        "七一前，组里几位老党员一起重温入党誓词。八十岁的老组长说，他入党那年在纺织厂当学徒，"
        "师傅告诉他：党员就是脏活累活抢着干。几十年过去，这句话他一直记着。我们在楼栋里为邻居跑腿办事，"
        "就是把誓词落到每一件小事上。",
    ),
    (
        "衡阳保卫战的四十七天",
        "1944年，衡阳军民坚守孤城四十七天，被称为“东方的莫斯科保卫战”。家庭党校上，"
        "大家翻看老照片，讲起父辈当年的经历。历史不能忘，今天的好日子来之不易，我们更要珍惜、更要奋斗。",
    ),
    (
        "学习遵义会议",
        "遵义会议在最危急的关头挽救了党、挽救了红军。学习这段历史，我体会最深的是实事求是："
        "不唯书、不唯上、只唯实。楼栋里的事也一样，居民需要什么，就要敲门去问、当面去听。",
    ),
    (
        "船山精神代代传",
        "王船山先生在衡阳著书立说，主张“经世致用”。读书是为了做事，学习党史也是为了把身边的事办好。"
        "楼道里的灯坏了，我们记下来报上去；老人不会用手机，我们上门去教。",
    ),
    (
        "为人民服务",
        "重读《为人民服务》，张思德同志烧炭牺牲的故事让人感动。毛主席说：“我们这个队伍完全是为着解放人民的，"
        "是彻底地为人民的利益工作的。”今天的楼栋党小组，就是要让党员在居民身边、为居民办事。",
    ),
    (
        "雷锋日记摘抄",
        "“一个人的生命是有限的，可是为人民服务是无限的，我要把有限的生命，投入到无限的为人民服务之中去。”"
        "三月学雷锋，我们组给独居老人送去了米和油，也陪他们聊了聊天。",
    ),
    (
        "从“红船”出发",
        "一条小小的红船，承载着一个民族的希望。学习党的一大历史，想到十几个人的会议走出了百年大党，"
        "我们这栋楼的几名党员，也能为楼里一百多户居民做点实事。",
    ),
    (
        "两个务必",
        "七届二中全会提出“两个务必”：务必使同志们继续地保持谦虚、谨慎、不骄、不躁的作风，"
        "务必使同志们继续地保持艰苦奋斗的作风。为邻居办事不图名、不图利，这就是我们的作风。",
    ),
    (
        "家庭党校第一课",
        "这个月的家庭党校在组长家里开，十几个人围坐一堂，从自己入党时的故事讲起。"
        "有人讲三线建设，有人讲下岗再就业，有人讲抗洪救灾。一个人的党史，连起来就是一栋楼的党史。",
    ),
    (
        "抗美援朝老兵的故事",
        "楼里的老兵给我们讲上甘岭：一个苹果传了一圈又回到连长手里。大家听得眼眶发热。"
        "那一代人舍生忘死，我们这一代人要守好家、建好楼，把老兵照顾好。",
    ),
    (
        "学党史 办实事",
        "学习党史不是只在会议室里读书，更要走到楼道里、走进居民家里。这个季度我们组敲门问需，"
        "收集到楼顶漏水、路灯不亮、老人看病难等问题，一件件派单、一件件销号。",
    ),
    (
        "改革开放的春天",
        "1978年，十一届三中全会开启了改革开放。组里的老党员说，那一年厂里恢复了奖金，"
        "第二年家里添了电视机。四十多年过去，我们的楼也加装了电梯。历史就在身边。",
    ),
)


def build_honours(site: DemoSite) -> None:
    demo = site.main
    today = timezone.localdate()
    honours = _honours(demo, demo.rng("honours"), today)
    notes = 0
    for community in site.communities.values():
        notes += _notes(community, community.rng("blackboard"), today)
    counts = {}
    for h in honours:
        counts[h.title] = counts.get(h.title, 0) + 1
    this_year = sum(1 for h in honours if h.awarded_on.year == today.year and h.title in (HUNAN[0], CITY[0]))
    site.summary.append(
        "  荣誉："
        + "，".join(f"{title} {n} 人" for title, n in counts.items())
        + f"（今年新评 {this_year} 人）；党史小黑板心得 {notes} 篇"
    )


def _honours(demo: DemoCommunity, rng: random.Random, today: date) -> list[Honour]:
    community = demo.community
    speakers = list(
        Resident.objects.filter(talks__community=community, talks__type=Activity.Type.TALK)
        .distinct().order_by("pk")
    )  # fmt: skip
    members = {m.resident_id: m for m in demo.members}
    member_speakers = [r for r in speakers if r.pk in members] or [m.resident for m in demo.members[:6]]
    rng.shuffle(member_speakers)
    neighbours = [r for r in demo.residents if r.pk not in members and 55 <= age_on_reference(r) <= 80]
    deeds = list(DEEDS)
    rng.shuffle(deeds)
    leaders = [m.resident for m in demo.leaders.values()]

    def when(years_back: int) -> date:
        day = today - timedelta(days=365 * years_back + rng.randint(20, 300))
        return min(day, today - timedelta(days=7))

    rows: list[tuple[tuple[str, str], Resident | None, str, date, str]] = []
    # This year's new ones, as in the account: two 湖南好人 and one 衡阳市优秀衡阳群众.
    new_good = member_speakers[:1] + rng.sample(neighbours, 1)
    for person in new_good:
        rows.append((HUNAN, person, person.name, _this_year(today, rng), deeds.pop()))
    city = rng.choice([r for r in neighbours if r not in new_good])
    rows.append((CITY, city, city.name, _this_year(today, rng), deeds.pop()))
    # Earlier honours: the leaders and speakers as 优秀共产党员, one 湖南好人 from outside the registry.
    for person in leaders[:3] + member_speakers[1:4]:
        title = MEMBER_CITY if rng.random() < 0.4 else MEMBER_DISTRICT
        rows.append((title, person, person.name, when(rng.randint(1, 4)), ""))
    rows.append((HUNAN, None, OUTSIDER[0], when(3), OUTSIDER[1]))
    if member_speakers[4:5]:
        person = member_speakers[4]
        rows.append((VOLUNTEER, person, person.name, when(1), deeds.pop()))
    return Honour.objects.bulk_create(
        Honour(community=community, title=title, awarded_by=body, resident=person, person_name=name,
               awarded_on=awarded_on, note=note)
        for (title, body), person, name, awarded_on, note in rows
    )  # fmt: skip


def _this_year(today: date, rng: random.Random) -> date:
    start = date(today.year, 1, 1)
    return start + timedelta(days=rng.randint(0, max((today - start).days - 1, 0)))


def _notes(demo: DemoCommunity, rng: random.Random, today: date) -> int:
    """One to three notes for each building a group serves, by members of that group."""
    served = {}
    for stairwell in Stairwell.objects.filter(community=demo.community, group__isnull=False).order_by("pk"):
        served.setdefault(stairwell.building_id, stairwell.group_id)
    by_group: dict[int, list[Member]] = {}
    for member in demo.members:
        if member.group_id:
            by_group.setdefault(member.group_id, []).append(member)
    rows = []
    for building in demo.buildings.values():
        writers = by_group.get(served.get(building.pk), [])
        if not writers:
            continue
        for title, body in rng.sample(NOTES, rng.randint(1, 3)):
            author = rng.choice(writers)
            written_on = today - timedelta(days=rng.randint(3, 330))
            # every seventh one corrected by its author the evening after (it shows 已修改)
            edited_at = (
                datetime.combine(written_on + timedelta(days=1), time(20, 15), tzinfo=SHANGHAI)
                if len(rows) % 7 == 6
                else None
            )
            rows.append(Note(
                community=demo.community, building=building, author=author, author_name=author.resident.name,
                title=title, body=body, written_on=written_on, edited_at=edited_at,
            ))  # fmt: skip
    Note.objects.bulk_create(rows)
    return len(rows)
