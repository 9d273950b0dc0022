"""The lists behind the dashboard's figures that are not about requests (activities, meetings, people
covered, visit coverage, volunteer hours): built on the querysets that loudong.stats.domains counts
with, so that a list holds what its figure counted, at every level including a group's.

Only the households list carries personal data (rooms, the visiting member's name) and it is built
only for admins and leaders; anyone else (an overseer) gets the same figure as counts per building
or per community.
"""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404

from loudong.community_life.activities.figures import distinct_people
from loudong.hours.models import SOURCE_LABELS, hours_text
from loudong.lib.natural import natural_key
from loudong.outreach.models import Visit
from loudong.partners.models import ReportIn
from loudong.registry.models import Building, Community
from loudong.stats import domains
from loudong.stats.period import Period
from loudong.stats.scope import Scope
from loudong.stats.tables import local_time


@dataclass(frozen=True)
class Listing:
    """One list as a page and its Excel export show it."""

    heading: str  # "{count}" is replaced by the number of rows
    headers: list[str]
    rows: QuerySet | list
    cells: Callable[[object], list[object]]
    personal: bool = False  # names or rooms in it: viewing and exporting are audited
    note: str = ""

    def all_cells(self) -> Iterable[list[object]]:
        items = self.rows.iterator(chunk_size=2000) if isinstance(self.rows, QuerySet) else self.rows
        return (self.cells(item) for item in items)


@dataclass(frozen=True)
class HeldList:
    key: str  # also the key of its definition in domains.DEFINITIONS
    label: str
    listing: Callable[[Scope, Period, bool, str], Listing]  # (scope, period, people, view)
    # (value, label) of the ways to split the list for admins and leaders, the first the default
    views: tuple[tuple[str, str], ...] = ()

    def views_for(self, people: bool) -> tuple[tuple[str, str], ...]:
        """The household list splits into visited and not; the counts overseers see do not."""
        return self.views if people else ()


def _activity_cells(activity) -> list[object]:  # noqa: ANN001 (an Activity annotated with `reached`)
    return [
        local_time(activity.starts_at),
        activity.community.name,
        activity.group.name if activity.group_id else "",
        activity.get_type_display(),
        activity.title,
        activity.place,
        activity.reached,
    ]


ACTIVITY_HEADERS = ["开始时间", "社区", "党小组", "活动类型", "活动名称", "地点", "参加人数"]


def _activities(scope: Scope, period: Period) -> QuerySet:
    return (
        domains.activities(scope, period)
        .select_related("community", "group")
        .annotate(reached=Count("attendance"))
        .order_by("-starts_at", "-id")
    )


def activities_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    return Listing("开展活动：{count} 次", ACTIVITY_HEADERS, _activities(scope, period), _activity_cells)


def people_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    covered = distinct_people(domains.attendance(scope, period))
    return Listing(
        f"活动覆盖群众：{covered} 人（{{count}} 次活动）",
        ACTIVITY_HEADERS,
        _activities(scope, period).filter(reached__gt=0),
        _activity_cells,
        note="下面是有人参加的活动和每次的参加人数。同一个人参加几次活动，在总人数里只算一次，"
        "所以各次相加可能多于总人数。",
    )


def _meeting_cells(meeting) -> list[object]:  # noqa: ANN001 (a Meeting)
    return [
        local_time(meeting.held_at),
        meeting.community.name,
        meeting.group.name if meeting.group_id else "全社区",
        meeting.title,
    ]


def meetings_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    rows = domains.meetings(scope, period).select_related("community", "group").order_by("-held_at", "-id")
    return Listing("召开议事会：{count} 次", ["开会时间", "社区", "党小组", "会议主题"], rows, _meeting_cells)


# Visit coverage ------------------------------------------------------------------------------------

VISIT_VIEWS = (("visited", "走访到的住户"), ("unvisited", "没有走访到的住户"))


def _visited(scope: Scope, period: Period) -> Exists:
    return Exists(domains.visits(scope, period).filter(household_id=OuterRef("pk")))


def _household_cells(household) -> list[object]:  # noqa: ANN001 (a Household annotated with the last visit)
    return [str(household), local_time(household.last_visit), household.last_volunteer or ""]


def _households(scope: Scope, period: Period, view: str) -> Listing:
    """Each household, with the last visit where someone was met up to the period's end (for one not
    visited in the period: the one before it, if any) and who made it."""
    until = period.bounds()[1]
    last = Visit.objects.filter(
        household_id=OuterRef("pk"), someone_home=Visit.Home.MET, visited_at__lt=until
    ).order_by("-visited_at", "-id")
    visited = _visited(scope, period)
    rows = domains.households(scope).filter(visited if view == "visited" else ~visited)
    rows = rows.select_related("stairwell__building").annotate(
        last_visit=Subquery(last.values("visited_at")[:1]),
        last_volunteer=Subquery(last.values("volunteer__resident__name")[:1]),
    )
    return Listing(
        f"{dict(VISIT_VIEWS)[view]}：{{count}} 户",
        ["住户", "最近走访（见到人）", "走访党员"],
        rows,
        _household_cells,
        personal=True,
    )


def _visit_counts(scope: Scope, period: Period) -> Listing:
    """Households, visited and the rate per community (an area) or per building: no rooms, no names."""
    field = "community_id" if scope.level in ("subdistrict", "district") else "stairwell__building_id"
    model = Community if field == "community_id" else Building

    def per(rows: QuerySet) -> dict[int, int]:
        return dict(rows.order_by().values(field).annotate(n=Count("pk")).values_list(field, "n"))

    totals = per(domains.households(scope))
    visited = per(domains.households(scope).filter(_visited(scope, period)))
    names = dict(model.objects.filter(pk__in=totals).values_list("pk", "name"))
    rows = sorted(
        (
            [names[pk], total, visited.get(pk, 0), domains.visit_rate(scope, visited.get(pk, 0), total).display()]
            for pk, total in totals.items()
        ),
        key=lambda row: natural_key(row[0]),
    )
    rate = domains.visit_rate(scope, sum(visited.values()), sum(totals.values()))
    label = "社区" if model is Community else "楼栋"
    return Listing(
        f"入户走访覆盖率：{rate.display()}（走访到 {rate.numerator} 户 / 住户 {rate.denominator} 户，"
        f"{{count}} 个{label}）",
        [label, "住户", "走访到的住户", "覆盖率"],
        rows,
        list,
        note="这里只显示各处的户数，不显示房号和姓名。",
    )


def visits_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    return _households(scope, period, view) if people else _visit_counts(scope, period)


# Volunteer hours -----------------------------------------------------------------------------------


def hours_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    """Minutes per source (为民服务, 敲门问需, 活动, 补录) of the ledger the figure adds up."""
    lines = domains.hours_lines(scope, period)
    minutes, volunteers = domains.hours_of(lines)
    rows = []
    for source, label in SOURCE_LABELS.items():
        mine = [line for line in lines if line.source == source]
        if mine:
            spent, served = domains.hours_of(mine)
            rows.append([label, len(mine), served, hours_text(spent)])
    return Listing(
        f"志愿服务时长：{hours_text(minutes)} 小时（{volunteers} 位志愿者，{{count}} 类服务）",
        ["服务来源", "记录条数", "志愿者人数", "时长（小时）"],
        rows,
        list,
        note="一位志愿者在几类服务里都有时长，在各类里都算一人，所以各类人数相加可能多于总人数。",
    )


# The three lists (a community's or a group's: an area's are not counted, domains.lists) ------------
# A need's title and a project's name may name a household's matter: they are listed for admins
# and leaders; an overseer reads the kind, source, group and dates. Units are listed by name, each
# with its projects, never ranked; in-post members by name for admins and leaders, else per workplace.


def _group_name(need: object) -> str:
    return need.group.name if need.group_id else "全社区"


def needs_raised_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    rows = domains.needs_raised(scope, period).select_related("group", "building").order_by("-raised_at", "-id")
    headers = ["提出时间", "需要的资源", "来源", "党小组", "状态"]

    def cells(need: object) -> list[object]:
        row = [local_time(need.raised_at), need.get_category_display(), need.get_source_display()]
        row += [_group_name(need), need.get_status_display()]
        return [*row[:1], need.title, *row[1:]] if people else row

    return Listing("提出需求：{count} 项", [headers[0], "需求", *headers[1:]] if people else headers, rows, cells)


def needs_met_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    rows = domains.needs_met(scope, period).select_related("group").order_by("-met_at", "-id")
    headers = ["满足时间", "需要的资源", "党小组", "受益人数"]

    def cells(need: object) -> list[object]:
        row = [local_time(need.met_at), need.get_category_display(), _group_name(need), need.beneficiaries]
        return [*row[:1], need.title, *row[1:]] if people else row

    return Listing("满足需求：{count} 项", [headers[0], "需求", *headers[1:]] if people else headers, rows, cells)


def _provider(project: object, people: bool) -> str:
    resource = project.resource
    if resource.member_id and not people:
        return resource.get_source_display()
    return resource.owner_label


def projects_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    rows = domains.projects_done(scope, period).select_related(
        "need__group", "resource__unit", "resource__member__resident"
    )
    total = rows.aggregate(n=Sum("beneficiaries"))["n"] or 0

    def cells(project: object) -> list[object]:
        name = [project.title] if people else []
        return [
            project.done_on, *name, project.resource.get_kind_display(), _provider(project, people),
            _group_name(project.need), project.beneficiaries,
        ]  # fmt: skip

    headers = ["完成日期", *(["项目名称"] if people else []), "资源类型", "提供方", "党小组", "受益人数"]
    return Listing(f"完成项目：{{count}} 个，受益 {total} 人", headers, rows.order_by("-done_on", "-id"), cells)


def units_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    return Listing(
        "参与项目的共建单位：{count} 家",
        ["共建单位", "单位类型", "完成的项目"],
        domains.units_took_part(scope, period).order_by("name", "pk"),
        lambda unit: [unit.name, unit.get_kind_display(), unit.done],
        note="按单位名称排列，不排名次。",
    )


def members_listing(scope: Scope, period: Period, people: bool, view: str) -> Listing:
    members = domains.members_took_part(scope, period)
    if not people:
        reports = ReportIn.objects.filter(member__in=members.values("pk")).select_related("unit")
        workplaces = {r.member_id: r.workplace_name or "未登记工作单位" for r in reports.order_by("submitted_at")}
        counts = Counter(workplaces.get(pk, "未登记工作单位") for pk in members.values_list("pk", flat=True))
        return Listing(
            f"参与项目的在职党员：{sum(counts.values())} 人（{{count}} 个工作单位）",
            ["工作单位", "党员人数"],
            sorted(([name, n] for name, n in counts.items()), key=lambda row: natural_key(row[0])),
            list,
            note="这里只显示各工作单位的人数，不显示姓名。",
        )
    return Listing(
        "参与项目的在职党员：{count} 人",
        ["党员", "完成的项目"],
        members.select_related("resident").order_by("resident__name_pinyin", "pk"),
        lambda member: [member.resident.name, member.done],
        personal=True,
        note="按姓名拼音排列，不排名次。",
    )


HELD = {
    held.key: held
    for held in (
        HeldList("activities", "开展活动", activities_listing),
        HeldList("meetings", "召开议事会", meetings_listing),
        HeldList("people_covered", "活动覆盖群众", people_listing),
        HeldList("visit_coverage", "入户走访覆盖率", visits_listing, VISIT_VIEWS),
        HeldList("hours", "志愿服务时长", hours_listing),
        HeldList("needs_raised", "提出需求", needs_raised_listing),
        HeldList("needs_met", "满足需求", needs_met_listing),
        HeldList("projects_done", "完成项目", projects_listing),
        HeldList("units_took_part", "参与项目的共建单位", units_listing),
        HeldList("members_took_part", "参与项目的在职党员", members_listing),
    )
}


def held_list(key: str) -> HeldList:
    """The list named `key`; 404 for an unknown one."""
    found = HELD.get(key)
    if found is None:
        raise Http404
    return found
