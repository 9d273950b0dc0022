"""The dashboard's figures that are not about requests: group coverage (党员编入党小组, 住户有党小组服务)
and what other apps define about their own records (activities, people covered, visits, meetings,
volunteer hours, and the three lists of needs, resources and projects)."""

from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.http import Http404

from loudong.community_life.activities import figures as activity_figures
from loudong.community_life.activities.models import Activity
from loudong.community_life.meetings import figures as meeting_figures
from loudong.hours import figures as hours_figures
from loudong.hours.ledger import Line, ledger, total_by_member
from loudong.outreach import figures as outreach_figures
from loudong.projects import figures as lists_figures
from loudong.registry.models import Household, Member, Stairwell
from loudong.stats import coverage
from loudong.stats.period import Period
from loudong.stats.results import Coverage, ListsFigures, Rate
from loudong.stats.scope import Scope


def group_coverage(scope: Scope) -> Coverage:
    """Members in a group / members; households whose stairwell a group serves / households."""
    if scope.level == "group":
        members = in_groups = Member.objects.filter(group_id=scope.pk).count()
        total = served = households(scope).count()
    else:  # counted per community (a district's are hundreds of thousands of households)
        c = coverage.totals(scope.community_ids())
        members, in_groups, total, served = (
            c["members"],
            c["members_in_groups"],
            c["households"],
            c["households_served"],
        )
    return Coverage(
        members,
        in_groups,
        total,
        served,
        Rate(
            "members_in_groups",
            "党员编入党小组",
            "编入楼栋党小组的党员占本范围党员的比例。",
            in_groups,
            members,
            "编入党小组的党员",
            "党员",
            "人",
        ),
        Rate(
            "households_served",
            "住户有党小组服务",
            "所在单元有楼栋党小组服务的住户占本范围住户的比例。",
            served,
            total,
            "有党小组服务的住户",
            "住户",
            "户",
        ),
    )


# Other domains -------------------------------------------------------------------------------------
# Each record type belongs to a group in its own way, said in the definition shown on the page:
# activities and meetings by their group field (the community's own, without a group, are not a
# group's), visits by the household's stairwell, hours by the member's group.

DEFINITIONS = {
    "activities": (
        "统计期间内已经开始的活动（计划中、还没开始的不算），按开始时间的北京时间日期计入。",
        "本党小组组织的活动（登记活动时选了本小组），统计期间内已经开始的（还没开始的不算）；"
        "社区组织、没有选党小组的活动不算在小组里。",
    ),
    "people_covered": (
        "统计期间内已开展的活动参加的不同居民人数，每人只算一次；未登记的参加者按姓名和楼栋去重。",
        "本党小组组织的活动参加的不同居民人数，每人只算一次；未登记的参加者按姓名和楼栋去重。",
    ),
    "visit_coverage": (
        "统计期间内至少走访见到一次的住户占本范围全部住户的比例（敲门未遇不算）。",
        "本党小组服务的单元里的住户中，统计期间内至少走访见到一次的比例（敲门未遇不算，不论是谁走访的）。",
    ),
    "meetings": (
        "统计期间内已经召开的议事会次数（还没到时间的不算）。",
        "本党小组召开的议事会次数（还没到时间的不算）；全社区的议事会不算在小组里。",
    ),
    "hours": (
        "统计期间内登记的志愿服务时长（含审核通过的更正和补录），以小时计，保留一位小数。",
        "本党小组现有党员在统计期间登记的志愿服务时长（含审核通过的更正和补录，不论为哪个小组服务），"
        "以小时计，保留一位小数；已离开小组的党员不算。",
    ),
    "needs_raised": (
        "统计期间内列入需求清单的需求（点单上点“需要资源”、议事会决定、敲门问需发现和社区录入的），"
        "按提出时间的北京时间日期计入，不论现在的状态。按社区实时清点需求清单。",
        "本党小组的需求（来自本小组的点单、走访、议事会，或社区录入时选了本小组），统计期间内提出的。",
    ),
    "needs_met": (
        "统计期间内满足的需求：对接的项目在这段时间里完成，按项目标记完成的时间计入。按社区实时清点需求清单。",
        "本党小组的需求中，统计期间内由项目完成而满足的。",
    ),
    "projects_done": (
        "统计期间内完成的项目（需求对接资源后立项，按完成日期计入），受益人数是各项目负责人登记的人数之和。"
        "按社区实时清点项目清单。",
        "本党小组的需求立项、统计期间内完成的项目，受益人数是各项目登记的人数之和。",
    ),
    "units_took_part": (
        "统计期间内完成的项目中，提供资源的共建单位，每家只算一次。",
        "本党小组统计期间内完成的项目中，提供资源的共建单位，每家只算一次。",
    ),
    "members_took_part": (
        "统计期间内完成的项目中，以自己的特长提供资源的在职党员，每人只算一次。",
        "本党小组统计期间内完成的项目中，以自己的特长提供资源的在职党员，每人只算一次。",
    ),
}
# Figures counted only for one community (or a group of it): an area's dashboard leaves them out.
LIST_KEYS = ("needs_raised", "needs_met", "projects_done", "units_took_part", "members_took_part")


def definition_of(scope: Scope, key: str) -> str:
    community, group = DEFINITIONS[key]
    return group if scope.level == "group" else community


def _in_group(scope: Scope, rows: QuerySet, field: str) -> QuerySet:
    return rows.filter(**{field: scope.pk}) if scope.level == "group" else rows


def activities(scope: Scope, period: Period) -> QuerySet[Activity]:
    """The activities held: the community's (of any group or none), or the group's own."""
    return _in_group(scope, activity_figures.held(scope.community_ids(), period.start, period.end), "group_id")


def attendance(scope: Scope, period: Period) -> QuerySet:
    """The sign-ins of those activities."""
    rows = activity_figures.attendance_in(scope.community_ids(), period.start, period.end)
    return _in_group(scope, rows, "activity__group_id")


def meetings(scope: Scope, period: Period) -> QuerySet:
    rows = meeting_figures.held_meetings(scope.community_ids(), period.start, period.end)
    return _in_group(scope, rows, "group_id")


def households(scope: Scope) -> QuerySet[Household]:
    """The households of the scope: a group's are those of the stairwells it serves."""
    if scope.level == "group":  # by the stairwells' ids: an index read (a join made PostgreSQL scan them all)
        return Household.objects.filter(
            stairwell_id__in=list(Stairwell.objects.filter(group_id=scope.pk).values_list("pk", flat=True))
        )
    return scope.filter_by_community(Household.objects.all())


def visits(scope: Scope, period: Period) -> QuerySet:
    """The visits that count for coverage (someone met at home in the period) to those households."""
    rows = outreach_figures.visits_in(scope.community_ids(), period.start, period.end)
    return _in_group(scope, rows, "household__stairwell__group_id")


def _members(scope: Scope) -> list[int] | None:
    """A group's members now (None: everyone of the scope's communities)."""
    return (
        list(Member.objects.filter(group_id=scope.pk).values_list("pk", flat=True)) if scope.level == "group" else None
    )


def hours_lines(scope: Scope, period: Period) -> list[Line]:
    """The hours ledger of the period: the community's, or its lines of the group's members."""
    return ledger(scope.community_ids(), period.start, period.end, member_ids=_members(scope))


def hours_of(lines: list[Line]) -> tuple[int, int]:
    """(minutes, volunteers with hours) of ledger lines, as loudong.hours.figures counts them."""
    totals = total_by_member(lines)
    return sum(totals.values()), sum(1 for minutes in totals.values() if minutes > 0)


def visit_rate(scope: Scope, visited: int, total: int) -> Rate:
    return Rate(
        "visit_coverage",
        "入户走访覆盖率",
        definition_of(scope, "visit_coverage"),
        visited,
        total,
        "走访到的住户",
        "住户",
        "户",
    )


def _lists_args(scope: Scope, period: Period) -> tuple:
    """(community id, start, end, group id or None) for loudong.projects.figures; 404 for an area."""
    if scope.level not in ("community", "group"):
        raise Http404
    return scope.community_ids()[0], period.start, period.end, scope.pk if scope.level == "group" else None


def needs_raised(scope: Scope, period: Period) -> QuerySet:
    return lists_figures.needs_raised(*_lists_args(scope, period))


def needs_met(scope: Scope, period: Period) -> QuerySet:
    return lists_figures.needs_met(*_lists_args(scope, period))


def projects_done(scope: Scope, period: Period) -> QuerySet:
    return lists_figures.projects_done(*_lists_args(scope, period))


def units_took_part(scope: Scope, period: Period) -> QuerySet:
    """The partner units whose resources carried the projects done, each with `done`: how many."""
    units = lists_figures.units_in(projects_done(scope, period))
    return units.annotate(done=Count("resources__projects", distinct=True))


def members_took_part(scope: Scope, period: Period) -> QuerySet:
    """The members whose skills carried the projects done, each with `done`: how many."""
    members = lists_figures.members_in(projects_done(scope, period))
    return members.annotate(done=Count("resources__projects", distinct=True))


def lists(scope: Scope, period: Period) -> ListsFigures | None:
    """The three lists' figures of a community or a group (None for an area), from the same
    querysets as the lists behind them."""
    if scope.level not in ("community", "group"):
        return None
    done = projects_done(scope, period)
    return ListsFigures(
        needs_raised=needs_raised(scope, period).count(),
        needs_met=needs_met(scope, period).count(),
        projects_done=done.count(),
        beneficiaries=done.aggregate(n=Sum("beneficiaries"))["n"] or 0,
        units=lists_figures.units_in(done).count(),
        members=lists_figures.members_in(done).count(),
    )


def other_domains(scope: Scope, period: Period, household_count: int) -> dict[str, Any]:
    """The figures other apps define about their own records, for any level (see DEFINITIONS);
    `household_count` is the scope's households (group_coverage counted them)."""
    counts = dict(activities(scope, period).order_by().values("type").annotate(n=Count("id")).values_list("type", "n"))
    # the figure the hours app computes (one query per source for all the communities), a group's
    # only of its members: what hours_of(hours_lines(...)) gives, summed in the database
    hours = hours_figures.hours_total(scope.community_ids(), period.start, period.end, _members(scope))
    visited = visits(scope, period).values("household_id").distinct().count()
    return {
        "activities_by_type": [(value, label, counts.get(value, 0)) for value, label in Activity.Type.choices],
        "people_covered": activity_figures.distinct_people(attendance(scope, period)),
        "visit_coverage": visit_rate(scope, visited, household_count),
        "meetings_held": meetings(scope, period).count(),
        "hours_total": hours,
        "lists": lists(scope, period),
    }
