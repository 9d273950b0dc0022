"""Demo step: 双报到 in 西湖新村社区. Three partner units (a school, a hospital, a bank) with their
agreements; fifteen in-post members of theirs who live here reported in (twelve confirmed through
the admin's queue, two waiting, one declined); the posts the admin published and those members
claimed; their service at last quarter's activities (hours, through the ledger's activity source)
and the community's evaluation of each, so last quarter's feedback sheets print.
"""

import random
from collections import Counter
from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from loudong.community_life.activities.models import Activity, ServingMember
from loudong.demo.context import DemoCommunity, DemoSite
from loudong.lib.actions import ActionRefused
from loudong.lib.pdf import html_to_pdf
from loudong.lib.shanghai import SHANGHAI
from loudong.partners import actions
from loudong.partners.models import Evaluation, PartnerAgreement, PartnerUnit, Post, ReportIn
from loudong.partners.sheets import Quarter, sheets_for
from loudong.policy.rules import Rules
from loudong.registry.models import Member, Resident

UNITS = (
    # name, kind, address, contact, party organisation, offers, note, skills, how many report in
    ("石鼓区第一实验小学", PartnerUnit.Kind.SCHOOL, "石鼓区人民路12号", "何老师", "石鼓区第一实验小学党支部",
     ["venue", "volunteers"], "周末开放操场和多功能教室；教师志愿者辅导作业", "辅导作业、书法、讲故事", 5),
    ("衡阳市中心医院", PartnerUnit.Kind.HOSPITAL, "石鼓区船山路28号", "罗主任", "衡阳市中心医院内科党支部",
     ["medical", "volunteers", "venue"], "每月一次义诊，慢病随访，健康讲座", "量血压、健康讲座、急救培训", 5),
    ("建设银行衡阳石鼓支行", PartnerUnit.Kind.COMPANY, "石鼓区中山北路66号", "谢行长", "建设银行衡阳石鼓支行党支部",
     ["funds", "volunteers", "other"], "防诈骗宣传，老人智能手机和社保卡使用辅导", "防诈骗宣传、手机使用辅导", 5),
)  # fmt: skip
POSTS = (
    # title, kind, slots, time, description, for the first group only
    ("周五大扫除", Post.Kind.CLEAN_UP, 8, "每周五下午 4:00–5:30", "清扫楼道、清运杂物，配合创文巩卫", False),
    ("文明劝导", Post.Kind.CIVILITY, 4, "每周六上午 9:00–11:00", "劝导乱停车、高空抛物、楼道堆物", False),
    ("政策宣讲", Post.Kind.POLICY_TALK, 3, "每月第二个周日下午", "讲解医保、养老、防诈骗等政策", False),
    ("敲门问需", Post.Kind.DOOR_KNOCKING, 3, "每月两次，晚上 7:00 后", "跟组长一起上门问需，把需求带回小组", True),
    ("楼栋党小组志愿者", Post.Kind.GROUP_VOLUNTEER, 6, "随叫随到", "在住处的楼栋党小组接单服务", False),
)
COMMENTS = {
    Evaluation.Grade.GOOD: ("热心负责，每次大扫除都早到晚走", "义诊和讲座很受老人欢迎", "防诈骗宣传讲得通俗，居民爱听"),
    Evaluation.Grade.FAIRLY_GOOD: ("能按时参加岗位服务", "工作忙时也会提前请假、安排好"),
    Evaluation.Grade.FAIR: ("本季度参加次数较少，希望多参与",),
}
# A group stays within the policy's size, and its notice board on one A4 page (which holds 13 members
# with their services: a group of 15 prints on two pages today).
MAX_GROUP = min(Rules().max_members, 13)
DECLINE_REASON = "核实后不住在本社区，请到居住地社区报到"


def build_partners(site: DemoSite) -> None:
    demo = site.main
    rng = demo.rng("partners")
    admin = site.users["demo-admin"]
    now = timezone.now()
    last = Quarter.of(timezone.localdate()).previous
    units = _units(demo, admin)
    posts = _posts(demo, admin, now)
    confirmed = []
    statuses = ["confirmed"] * 12 + ["pending"] * 2 + ["declined"]
    rng.shuffle(statuses)
    people = _people(demo, rng, statuses)
    for (unit, skills), resident, status in zip(
        [(u, spec[7]) for u, spec in zip(units, UNITS, strict=True) for _ in range(spec[8])],
        people,
        statuses,
        strict=True,
    ):
        report = ReportIn.objects.create(
            community=demo.community,
            name=resident.name,
            phone=resident.phone,
            unit=unit,
            workplace_party_org=unit.party_org,
            household=resident.household,
            skills=skills,
            available=rng.choice(("周末上午", "周末全天", "工作日晚上", "周六下午")),
            submitted_at=_moment(last.start - timedelta(days=rng.randint(5, 40)), rng),
        )
        if status == "confirmed":
            decided = report.submitted_at + timedelta(days=rng.randint(1, 4))
            member = actions.confirm(report, by=admin, now=decided).member
            # What the admin then fills in on the member record, as for any member: when they joined
            # the party, the services they offer, and (most agree) their phone on the notice board.
            born = resident.birth_date
            member.joined_on = born.replace(year=born.year + rng.randint(21, 26), day=1)
            member.publish_phone = rng.random() < 0.85
            member.publish_phone_consented_at = decided if member.publish_phone else None
            member.save(update_fields=["joined_on", "publish_phone", "publish_phone_consented_at"])
            member.service_items.set(rng.sample(sorted(demo.service_items.values(), key=str), rng.randint(1, 2)))
            confirmed.append(member)
        elif status == "declined":
            actions.decline(report, by=admin, reason=DECLINE_REASON, now=report.submitted_at + timedelta(days=2))
        else:
            ReportIn.objects.filter(pk=report.pk).update(submitted_at=now - timedelta(days=rng.randint(1, 5)))
    _claims(posts, confirmed, rng, last)
    _service(demo, confirmed, rng, last)
    _evaluations(demo, confirmed, rng, last, admin)
    sheets = sheets_for(demo.community, last)
    site.summary.append(
        f"  双报到：共建单位 {len(units)} 个，在职党员报到 {len(people)} 人（已确认 {len(confirmed)} 人，"
        f"待确认 {statuses.count('pending')} 人，未通过 {statuses.count('declined')} 人），岗位 {len(posts)} 个；"
        f"{last.label}反馈单 {len(sheets)} 张（demo-admin：反馈单）"
    )


def _units(demo: DemoCommunity, admin: object) -> list[PartnerUnit]:
    units = []
    for index, (name, kind, address, contact, org, offers, note, _skills, _n) in enumerate(UNITS):
        unit = PartnerUnit.objects.create(
            community=demo.community, name=name, kind=kind, address=address, contact_name=contact,
            contact_phone=f"0734-82{index + 1}5{index + 3}6{index}", party_org=org, offers=offers, offers_note=note,
        )  # fmt: skip
        agreement = PartnerAgreement(
            community=demo.community,
            unit=unit,
            title=f"{demo.community.name}与{name}党建共建协议",
            signed_on=timezone.localdate().replace(month=3, day=1 + index),
            valid_from=timezone.localdate().replace(month=3, day=1 + index),
            uploaded_by=admin,
        )
        if index == 0:  # one agreement with its scanned document, the others recorded on paper
            html = f"<h1>党建共建协议</h1><p>{demo.community.name}党总支与{org}结对共建，资源共享、优势互补。</p>"
            agreement.file.save("agreement.pdf", ContentFile(html_to_pdf(html)), save=False)
        agreement.save()
        units.append(unit)
    return units


def _people(demo: DemoCommunity, rng: random.Random, statuses: list[str]) -> list[Resident]:
    """Working-age residents, not yet members, one per report-in. Those to be confirmed live where a
    group has room (MAX_GROUP), or where no group serves yet (confirmed,
    they wait for one: 暂未编入党小组)."""
    today = timezone.localdate()
    working_age = [
        r
        for r in Resident.objects.filter(community=demo.community, member__isnull=True, user__isnull=True)
        .exclude(phone="")
        .select_related("household__stairwell")
        .order_by("pk")
        if r.household_id and r.birth_date and 26 <= today.year - r.birth_date.year <= 55
    ]
    rng.shuffle(working_age)
    sizes = Counter(Member.objects.filter(community=demo.community).values_list("group_id", flat=True))
    chosen: list[Resident] = []
    for status in statuses:
        resident = next(r for r in working_age if r not in chosen and _fits(r, status, sizes))
        if status == "confirmed":
            sizes[resident.household.stairwell.group_id] += 1
        chosen.append(resident)
    return chosen


def _fits(resident: Resident, status: str, sizes: Counter) -> bool:
    group = resident.household.stairwell.group_id
    return status != "confirmed" or group is None or sizes[group] < MAX_GROUP


def _posts(demo: DemoCommunity, admin: object, now: datetime) -> list[Post]:
    first = min(demo.groups.values(), key=lambda g: g.pk)
    return [
        Post.objects.create(
            community=demo.community,
            title=title,
            kind=kind,
            slots=slots,
            time=when,
            description=text,
            group=first if first_group_only else None,
            created_by=admin,
        )  # fmt: skip
        for title, kind, slots, when, text, first_group_only in POSTS
    ]


def _moment(day: object, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 20), rng.choice((0, 15, 30, 45))), tzinfo=SHANGHAI)


def _claims(posts: list[Post], members: list, rng: random.Random, last: Quarter) -> None:
    for member in members:
        for post in rng.sample(posts, rng.randint(1, 2)):
            try:
                actions.claim(post, member=member, now=_moment(last.start + timedelta(days=rng.randint(0, 20)), rng))
            except ActionRefused:  # a full post or another group's: as on the page
                continue


def _service(demo: DemoCommunity, members: list, rng: random.Random, last: Quarter) -> None:
    """They served at some of last quarter's activities: their hours come from the ledger."""
    since = datetime.combine(last.start, time.min, tzinfo=SHANGHAI)
    until = datetime.combine(last.end + timedelta(days=1), time.min, tzinfo=SHANGHAI)
    held = list(
        Activity.objects.filter(community=demo.community, starts_at__gte=since, starts_at__lt=until).order_by("pk")
    )
    rows = []
    for member in members:
        for activity in rng.sample(held, min(len(held), rng.randint(1, 4))):
            if not ServingMember.objects.filter(activity=activity, member=member).exists():
                rows.append(
                    ServingMember(
                        community=demo.community, activity=activity, member=member, minutes=rng.choice((60, 90, 120))
                    )
                )
    ServingMember.objects.bulk_create(rows)


def _evaluations(demo: DemoCommunity, members: list, rng: random.Random, last: Quarter, admin: object) -> None:
    grades = list(COMMENTS)
    for member in members[:-1]:  # one not evaluated yet: the sheet says 未评价
        grade = rng.choices(grades, weights=(6, 3, 1))[0]
        Evaluation.objects.create(
            community=demo.community, member=member, quarter=last.code, grade=grade,
            comment=rng.choice(COMMENTS[grade]), entered_by=admin,
        )  # fmt: skip
