"""Demo step: six months of 红色议事厅 meetings in both demo communities.

Every group meets once a month (in its venue when it has one), the community holds a few meetings
of its own; each meeting has its agenda, the members and neighbours who came, minutes, decisions
and follow-up tasks (most done, some still open, a few overdue). The requests of the request
history that came from a meeting (channel: meeting) hang on a decision of the meeting that raised
them, and a meeting this morning in the first group opens a new request through the workflow's
own action, so the leader finds it in the queue.

Rows of this history are bulk-written (the demo must stay fast); requests are only ever placed
through `actions.open_request` → `place_request`.
"""

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from loudong.community_life.meetings import actions
from loudong.community_life.meetings.models import AgendaItem, Attendance, Decision, FollowUpTask, Meeting
from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.logins import FIRST_GROUP_BUILDING
from loudong.groups.models import BuildingGroup, Venue
from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Member, Resident
from loudong.tickets.models import Request

MONTHS = 6
COMMUNITY_MEETINGS = 3

GROUP_TOPICS = (
    {
        "title": "楼道堆物清理",
        "agenda": ("通报各单元楼道堆物情况", "商量清理时间和分工", "劝说住户自行搬离的办法"),
        "minutes": "{leader}通报了{building}各单元楼道堆放纸箱、旧家具和电动车的情况，消防通道被占，"
        "住户反映多次。大家认为先上门劝说，再集中清理；对独居老人家门口的杂物，由党员帮忙搬运。"
        "物业表示可以派车清运。",
        "decisions": ("本周六上午组织楼道堆物集中清理", "清理前三天在楼道张贴通知，逐户上门告知"),
        "tasks": (("张贴楼道清理通知并逐户告知", 3), ("联系物业安排清运车辆", 5), ("清理后拍照回访，防止反弹", 14)),
    },
    {
        "title": "加装电梯意见征集",
        "agenda": ("介绍老旧小区加装电梯政策和补贴", "征集各楼层住户意见", "推选住户代表"),
        "minutes": "{leader}介绍了市里加装电梯的补贴政策。高层住户普遍支持，一二楼住户担心采光和噪音，"
        "提出费用分摊要公平。大家同意先做一次逐户意见征集，把顾虑记下来，再请街道和设计单位来答疑。",
        "decisions": ("开展逐户意见征集，两周内汇总", "请街道和设计单位来楼栋答疑"),
        "tasks": (("逐户征集加装电梯意见并汇总", 14), ("联系街道约定答疑时间", 10)),
    },
    {
        "title": "停车难和电动车充电",
        "agenda": ("楼下非机动车乱停放问题", "电动车飞线充电安全隐患", "申请增设充电桩"),
        "minutes": "住户反映{building}楼下自行车、电动车乱停，老人出行不便；还有住户从窗口拉线给电动车充电，"
        "存在火灾隐患。大家同意划定停放区，向社区申请增设集中充电桩，党员带头不飞线充电。",
        "decisions": ("划定非机动车停放区并张贴标识", "向社区申请增设集中充电桩"),
        "tasks": (("划线并张贴停放标识", 7), ("整理充电桩申请材料报社区", 14), ("入户宣传飞线充电的危害", 10)),
    },
    {
        "title": "垃圾分类督导",
        "agenda": ("垃圾分类投放点现状", "排定督导值班表"),
        "minutes": "{building}垃圾投放点早晚高峰混投严重，桶边常有散落垃圾。大家商定党员轮流在早七点、"
        "晚七点到投放点督导，先宣传后劝导，对行动不便的老人上门代为分类投放。",
        "decisions": ("党员轮流早晚督导垃圾分类，每人每周一次",),
        "tasks": (("排出督导值班表并在群里公布", 3), ("给行动不便的老人登记上门代投", 7)),
    },
    {
        "title": "独居老人关爱走访安排",
        "agenda": ("通报独居、高龄老人近况", "调整包户走访安排", "冬季用火用电安全提醒"),
        "minutes": "{leader}通报了本楼独居和高龄老人的近况，有两位老人近期住院。大家调整了包户安排，"
        "住院老人的家属联系方式要更新；入冬前逐户检查电热毯、取暖器使用情况。",
        "decisions": ("每周至少走访一次独居老人", "入冬前完成用电安全检查"),
        "tasks": (("更新独居老人家属联系电话", 7), ("完成入冬用电安全入户检查", 21)),
    },
    {
        "title": "楼顶漏水维修",
        "agenda": ("顶楼住户反映漏水情况", "维修资金和施工安排"),
        "minutes": "顶楼住户反映雨天屋顶漏水，墙面发霉。大家建议先请物业查看，确定是否动用维修资金；"
        "施工期间需要协调楼顶晾晒的住户。",
        "decisions": ("请物业三天内上楼顶查看漏点",),
        "tasks": (("陪同物业查看楼顶漏点并拍照", 3), ("征求顶楼住户对维修方案的意见", 14)),
    },
    {
        "title": "文明创建“周五大扫除”",
        "agenda": ("总结上月大扫除情况", "安排本月各单元责任人"),
        "minutes": "上月“周五大扫除”参加的居民比以前多，楼道扶手、信报箱都擦干净了。"
        "本月继续，每个单元由一名党员带头，邀请年轻住户一起参加。",
        "decisions": ("每周五下午四点开展楼道大扫除",),
        "tasks": (("落实各单元大扫除带头人", 5),),
    },
)

COMMUNITY_TOPICS = (
    {
        "title": "社区议事会：停车难综合治理",
        "agenda": ("各楼栋党小组汇报停车问题", "讨论错时停车和共享车位方案", "征集居民代表意见"),
        "minutes": "各党小组组长汇报了本楼栋停车情况。环城北路沿线晚间停车最紧张。会议讨论了与周边单位"
        "错时共享车位的方案，居民代表希望收费合理、夜间安全。社区将与两家单位协商。",
        "decisions": ("社区与周边单位协商夜间错时共享车位", "各党小组摸排本楼栋车辆数量"),
        "tasks": (("与周边单位协商共享车位", 30), ("汇总各楼栋车辆摸排数据", 14)),
    },
    {
        "title": "社区议事会：老旧小区改造征求意见",
        "agenda": ("介绍老旧小区改造项目清单", "各楼栋居民代表发言", "确定优先改造项目"),
        "minutes": "社区介绍了本年度老旧小区改造可申报的项目：雨污分流、外墙翻新、楼道照明、适老化扶手。"
        "居民代表普遍希望先改楼道照明和扶手，外墙翻新要注意施工扰民。",
        "decisions": ("优先申报楼道照明和适老化扶手改造",),
        "tasks": (("整理改造意见报街道", 21),),
    },
    {
        "title": "楼栋党小组工作交流会",
        "agenda": ("各党小组交流敲门问需做法", "点单派单办理情况通报", "下季度工作安排"),
        "minutes": "各党小组交流了敲门问需和包户的做法，肖伯群介绍了用便民联系卡联系老人的经验。"
        "社区通报了点单派单办理情况，少数点单超期，要求各组长及时派单。",
        "decisions": ("各党小组每月召开一次红色议事厅会议", "超期点单由组长当周督办"),
        "tasks": (("各组报送下季度活动计划", 14),),
    },
)

GUESTS = ("物业王经理", "街道李干事", "社区民警周警官", "设计单位陈工", "业委会刘主任")
PLACES = ("楼下空地", "单元门口", "社区会议室")
DONE_NOTES = ("已完成", "已办好，住户满意", "已拍照存档", "已在群里通报", "已落实", "")


class History:
    """Rows collected for one community, written in a few bulk inserts."""

    def __init__(self, demo: DemoCommunity, rng: random.Random, now: datetime) -> None:
        self.demo, self.rng, self.now = demo, rng, now
        self.meetings: list[tuple[Meeting, dict, list[int], list[Member]]] = []
        self.linked: list[tuple[Meeting, Request]] = []  # a meeting and the request it raised

    def add(
        self,
        group: BuildingGroup | None,
        topic: dict,
        held_at: datetime,
        venue: Venue | None,
        members: list[Member],
        neighbours: list[int],
        leader_name: str,
        building: str,
    ) -> Meeting:
        rng = self.rng
        meeting = Meeting(
            community=self.demo.community,
            group=group,
            venue=venue,
            held_at=held_at,
            title=topic["title"],
            place="" if venue else rng.choice(PLACES if group else PLACES[-1:]),
            created_at=held_at - timedelta(days=rng.randint(2, 7)),
            updated_at=held_at + timedelta(hours=3),
        )
        if held_at < self.now:
            meeting.minutes = topic["minutes"].format(leader=leader_name, building=building)
        came = rng.sample(members, max(1, round(len(members) * rng.uniform(0.6, 0.95)))) if members else []
        people = [m.resident_id for m in came] + rng.sample(neighbours, min(len(neighbours), rng.randint(2, 8)))
        self.meetings.append((meeting, topic, people, members))
        return meeting

    def write(self) -> tuple[int, int]:
        rng, today = self.rng, timezone.localdate(self.now)
        Meeting.objects.bulk_create([m for m, *_ in self.meetings])
        agenda, attendance, decisions, tasks = [], [], [], []
        for meeting, topic, people, members in self.meetings:
            agenda += [AgendaItem(meeting=meeting, position=i, text=t) for i, t in enumerate(topic["agenda"], 1)]
            if meeting.held_at >= self.now:
                continue
            attendance += [Attendance(meeting=meeting, resident_id=pk) for pk in dict.fromkeys(people)]
            if rng.random() < 0.3:
                attendance.append(Attendance(meeting=meeting, guest_name=rng.choice(GUESTS)))
            rows = [Decision(meeting=meeting, position=i, text=t) for i, t in enumerate(topic["decisions"], 1)]
            decisions += rows
            for text, days in topic["tasks"] if members else ():
                tasks.append(self._task(meeting, rows[0], text, days, rng.choice(members), today))
        AgendaItem.objects.bulk_create(agenda)
        Attendance.objects.bulk_create(attendance)
        Decision.objects.bulk_create(decisions)
        FollowUpTask.objects.bulk_create(tasks)
        return len(attendance), len(tasks)

    def _task(
        self, meeting: Meeting, decision: Decision, text: str, days: int, owner: Member, today: date
    ) -> FollowUpTask:
        rng = self.rng
        held = timezone.localtime(meeting.held_at).date()
        due = held + timedelta(days=days)
        task = FollowUpTask(
            community=self.demo.community,
            meeting=meeting,
            decision=decision,
            text=text,
            owner=owner,
            due_on=due,
            created_at=meeting.held_at + timedelta(hours=2),
        )
        finished = held + timedelta(days=max(1, round(days * rng.uniform(0.3, 1.4))))
        # Older tasks are nearly all done; recent ones are often still open (some past their date).
        if finished < today and rng.random() < (0.9 if due < today - timedelta(days=20) else 0.5):
            task.status = FollowUpTask.Status.DONE
            task.done_at = datetime.combine(finished, time(rng.randint(9, 20), rng.randint(0, 59)), tzinfo=SHANGHAI)
            task.done_note = rng.choice(DONE_NOTES)
        return task


def build_meetings(site: DemoSite) -> None:
    now = timezone.now()
    counts = []
    for demo in site.communities.values():
        history = History(demo, demo.rng("meetings"), now)
        groups = {g.pk: g for g in demo.groups.values()}
        venues = {v.group_id: v for v in Venue.objects.filter(community=demo.community).order_by("opened_on")}
        members = _members_by_group(demo)
        neighbours = _neighbours_by_group(demo)
        for group in sorted(groups.values(), key=lambda g: g.name):
            _monthly(history, group, venues.get(group.pk), members.get(group.pk, []), neighbours.get(group.pk, []))
        everyone = [m for ms in members.values() for m in ms]
        leaders = [m for g in groups.values() if (m := g.leader) is not None]
        for index, topic in enumerate(COMMUNITY_TOPICS[:COMMUNITY_MEETINGS]):
            held = _evening(now - timedelta(days=30 + 55 * index), history.rng, hour=15)
            history.add(
                None,
                topic,
                held,
                None,
                leaders,
                [m.resident_id for m in everyone],
                demo.plan.admin_name or "社区书记",
                demo.community.name,
            )
        if demo is site.main:
            _from_requests(history, groups, venues, members)
        attendance, tasks = history.write()
        for meeting, req in history.linked:
            meeting.decisions.first().requests.add(req)
        if demo is site.main:
            _live_decision(site, demo, now)
        counts.append(
            f"{demo.community.name} {len(history.meetings)} 次会议、到会 {attendance} 人次、跟进事项 {tasks} 项"
        )
    overdue = FollowUpTask.objects.overdue(timezone.localdate(now)).count()
    site.summary.append("  红色议事厅：" + "；".join(counts) + f"；超期未完成的跟进事项 {overdue} 项")


def _members_by_group(demo: DemoCommunity) -> dict[int, list[Member]]:
    rows: dict[int, list[Member]] = {}
    for member in Member.objects.filter(community=demo.community, group__isnull=False).order_by("pk"):
        rows.setdefault(member.group_id, []).append(member)
    return rows


def _neighbours_by_group(demo: DemoCommunity) -> dict[int, list[int]]:
    rows: dict[int, list[int]] = {}
    people = Resident.objects.filter(
        community=demo.community,
        household__stairwell__group__isnull=False,
        member__isnull=True,
        birth_date__year__lt=2006,
    )
    for pk, group_id in people.values_list("pk", "household__stairwell__group_id"):
        rows.setdefault(group_id, []).append(pk)
    return rows


def _evening(day: datetime, rng: random.Random, hour: int = 19) -> datetime:
    local = timezone.localtime(day)
    return datetime.combine(local.date(), time(hour, rng.choice((0, 30))), tzinfo=SHANGHAI)


def _monthly(
    history: History, group: BuildingGroup, venue: Venue | None, members: list[Member], neighbours: list[int]
) -> None:
    rng, now = history.rng, history.now
    leader = group.leader.resident.name if group.leader_id else "组长"
    building = group.name.removesuffix("党小组")
    topics = rng.sample(GROUP_TOPICS, len(GROUP_TOPICS))
    for month in range(MONTHS):
        held = _evening(now - timedelta(days=30 * month + rng.randint(3, 25)), rng)
        history.add(group, topics[month % len(topics)], held, venue, members, neighbours, leader, building)
    if group.name.startswith(FIRST_GROUP_BUILDING):
        held = _evening(now + timedelta(days=6), rng)
        history.add(group, topics[MONTHS % len(topics)], held, venue, members, neighbours, leader, building)


def _from_requests(history: History, groups: dict, venues: dict, members: dict) -> None:
    """Requests of the history that came from a meeting: the meeting that raised them, an hour before."""
    topics = {"environment": GROUP_TOPICS[0], "policy": GROUP_TOPICS[1], "hardship": GROUP_TOPICS[4]}
    raised = Request.objects.filter(
        community=history.demo.community, channel=Request.Channel.MEETING, group__isnull=False
    ).order_by("created_at")
    for req in raised:
        group = groups[req.group_id]
        topic = dict(topics.get(req.category_code, GROUP_TOPICS[0]))
        topic["title"] = f"临时议事：{req.category_name}"
        topic["decisions"] = (f"开点单跟进：{req.description[:60]}",)
        meeting = history.add(
            group,
            topic,
            req.created_at - timedelta(minutes=90),
            venues.get(group.pk),
            members.get(group.pk, []),
            [],
            group.leader.resident.name if group.leader_id else "",
            req.building.name,
        )
        history.linked.append((meeting, req))


def _live_decision(site: DemoSite, demo: DemoCommunity, now: datetime) -> None:
    """This morning's meeting of the first group opens a request through the request workflow, and
    the demo volunteer has a task due next week and one that is late."""
    group = demo.groups[FIRST_GROUP_BUILDING]
    leader = site.users["demo-leader"]
    held = now - timedelta(hours=3)
    meeting = actions.create_meeting(
        demo.community,
        by=leader,
        group=group,
        held_at=held,
        title="楼道堆物清理",
        venue=Venue.objects.filter(group=group).first(),
        place="楼下空地",
        now=held,
    )
    AgendaItem.objects.create(meeting=meeting, position=1, text="3单元楼道堆放旧家具，挡住消防通道")
    meeting.minutes = (
        "住户反映3单元楼道堆放旧家具和纸箱，已挡住消防通道。大家同意请物业清运，并由党员上门劝说住户以后不再堆放。"
    )
    meeting.save(update_fields=["minutes"])
    came = list(Member.objects.filter(group=group).order_by("pk").values_list("resident_id", flat=True)[:6])
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, resident_id=pk) for pk in came]
        + [Attendance(meeting=meeting, guest_name=GUESTS[0])]
    )
    decision = Decision.objects.create(meeting=meeting, position=1, text="请物业清运3单元楼道旧家具")
    building = group.stairwells.select_related("building").first().building
    actions.open_request(
        decision,
        by=leader,
        building=building,
        category_code="environment",
        description="议事会决定：请物业清运3单元楼道堆放的旧家具和纸箱，恢复消防通道。",
        now=held + timedelta(minutes=50),
    )
    volunteer = site.users["demo-volunteer"].resident.member
    today = timezone.localdate(now)
    FollowUpTask.objects.create(
        community=demo.community,
        meeting=meeting,
        decision=decision,
        owner=volunteer,
        text="上门劝说3单元住户不再在楼道堆物",
        due_on=today + timedelta(days=7),
        created_at=held,
    )
    last = Meeting.objects.filter(group=group, held_at__lt=now - timedelta(days=5)).order_by("-held_at").first()
    if last is not None:
        FollowUpTask.objects.create(
            community=demo.community,
            meeting=last,
            owner=volunteer,
            due_on=today - timedelta(days=2),
            text="把意见汇总表交给组长",
            created_at=last.held_at,
        )
