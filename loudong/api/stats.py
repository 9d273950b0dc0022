"""GET /stats: the figures of a community (or a group, subdistrict, district) over a period, as JSON.

The same `loudong.stats.compute.figures` result as the dashboard and the work report, with every
figure's definition and every rate's numerator and denominator. Scoped like the dashboards
(`loudong.stats.scope.scope_for`): an admin sees their community and its groups, a leader their
group, an overseer their area; a scope the caller cannot see does not exist (404), except that a
member of the community without a role that reads figures (a resident, a volunteer) is told so (403).
Names of volunteers appear only to those who may see people (`shows_people`).
"""

from dataclasses import asdict
from datetime import date, datetime

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from loudong.accounts.models import User
from loudong.api.auth import BearerToken
from loudong.api.errors import ErrorOut
from loudong.api.ids import Id
from loudong.lib.replica import reading_replica
from loudong.registry.models import Community, District, Subdistrict
from loudong.stats.compute import figures
from loudong.stats.period import Period, PeriodError, from_params
from loudong.stats.results import Breakdown, Figure, Figures, Rate, TrendPoint
from loudong.stats.scope import Scope, scope_for, shows_people

router = Router(auth=BearerToken(), tags=["统计"])
FORBIDDEN = (
    "您在该社区的角色不能查看全社区的统计数字：社区管理员和上级督查可以查看；"
    "楼栋党小组组长请用 group 参数查看本小组的数字"
)
NO_SCOPE = "请用 community、group、subdistrict 或 district 中的一个参数指定统计范围"


class StatsQuery(Schema):
    community: str | None = Field(None, description="社区代码，例如 xihu-xincun", max_length=50)
    group: Id | None = Field(None, description="楼栋党小组编号（代替 community）")
    subdistrict: str | None = Field(None, description="街道代码（代替 community）", max_length=50)
    district: str | None = Field(None, description="区代码（代替 community）", max_length=50)
    start: str | None = Field(
        None, alias="from", description="开始日期（含，北京时间），例如 2026-01-01；不填为本月", max_length=40
    )
    end: str | None = Field(None, alias="to", description="结束日期（含，北京时间），例如 2026-06-30", max_length=40)


class ScopeOut(Schema):
    level: str = Field(description="group | community | subdistrict | district")
    id: int
    name: str


class PeriodOut(Schema):
    start: date
    end: date
    label: str


class FigureOut(Schema):
    key: str
    label: str
    definition: str
    count: int


class RateOut(Schema):
    key: str
    label: str
    definition: str
    numerator: int
    denominator: int
    numerator_label: str
    denominator_label: str
    percent: float | None = Field(description="百分比；没有应计入的件数时为 null")
    shows_percent: bool = Field(description="不足 5 件时为 false：只应显示件数（display）")
    display: str = Field(description="页面和简报上的写法，例如 92.3% 或 3/4 件")


class ColumnOut(Schema):
    key: str
    label: str


class BreakdownRowOut(Schema):
    key: str
    label: str
    counts: dict[str, int]
    rates: list[RateOut]


class BreakdownOut(Schema):
    key: str
    label: str
    columns: list[ColumnOut]
    rows: list[BreakdownRowOut]


class TrendPointOut(Schema):
    start: date
    label: str
    collected: int
    resolved: int


class CoverageOut(Schema):
    members: int
    members_in_groups: int
    households: int
    households_served: int
    members_rate: RateOut
    households_rate: RateOut


class ActivityTypeOut(Schema):
    type: str
    label: str
    held: int


class HoursOut(Schema):
    minutes: int
    volunteers: int


class ListsOut(Schema):
    needs_raised: int = Field(description="提出需求（项）")
    needs_met: int = Field(description="满足需求（项）")
    projects_done: int = Field(description="完成项目（个）")
    beneficiaries: int = Field(description="完成项目的受益人数")
    units: int = Field(description="参与项目的共建单位（家）")
    members: int = Field(description="参与项目的在职党员（人）")


class StatsOut(Schema):
    scope: ScopeOut
    period: PeriodOut
    computed_at: datetime
    funnel: list[FigureOut]
    rates: list[RateOut]
    open_now: FigureOut
    overdue_now: FigureOut
    by_category: BreakdownOut
    by_group: BreakdownOut
    by_building: BreakdownOut
    by_volunteer: BreakdownOut = Field(description="只对社区管理员和组长列出；其他人为空表")
    by_community: BreakdownOut
    trend_weekly: list[TrendPointOut]
    trend_monthly: list[TrendPointOut]
    group_coverage: CoverageOut
    activities_by_type: list[ActivityTypeOut]
    people_covered: int | None
    visit_coverage: RateOut | None
    meetings_held: int | None
    hours: HoursOut | None
    lists: ListsOut | None = Field(description="需求、资源和项目清单：社区和党小组才有，街道和区为空")


def figure_out(f: Figure) -> dict:
    return {"key": f.key, "label": f.label, "definition": f.definition, "count": f.count}


def rate_out(r: Rate) -> dict:
    return {
        "key": r.key,
        "label": r.label,
        "definition": r.definition,
        "numerator": r.numerator,
        "denominator": r.denominator,
        "numerator_label": r.numerator_label,
        "denominator_label": r.denominator_label,
        "percent": r.percent,
        "shows_percent": r.shows_percent,
        "display": r.display(),
    }


def breakdown_out(b: Breakdown) -> dict:
    return {
        "key": b.key,
        "label": b.label,
        "columns": [{"key": k, "label": label} for k, label in b.columns],
        "rows": [
            {"key": row.key, "label": row.label, "counts": row.counts, "rates": [rate_out(r) for r in row.rates]}
            for row in b.rows
        ],
    }


def trend_out(points: list[TrendPoint]) -> list[dict]:
    return [{"start": p.start, "label": p.label, "collected": p.collected, "resolved": p.resolved} for p in points]


def stats_out(f: Figures, period: Period, people: bool) -> dict:
    c = f.group_coverage
    volunteers = (
        f.by_volunteer if people else Breakdown(f.by_volunteer.key, f.by_volunteer.label, f.by_volunteer.columns, [])
    )
    return {
        "scope": {"level": f.scope_level, "id": f.scope_pk, "name": f.scope_name},
        "period": {"start": period.start, "end": period.end, "label": period.label},
        "computed_at": f.computed_at,
        "funnel": [figure_out(x) for x in f.funnel],
        "rates": [rate_out(r) for r in f.rates],
        "open_now": figure_out(f.open_now),
        "overdue_now": figure_out(f.overdue_now),
        "by_category": breakdown_out(f.by_category),
        "by_group": breakdown_out(f.by_group),
        "by_building": breakdown_out(f.by_building),
        "by_volunteer": breakdown_out(volunteers),
        "by_community": breakdown_out(f.by_community),
        "trend_weekly": trend_out(f.trend_weekly),
        "trend_monthly": trend_out(f.trend_monthly),
        "group_coverage": {
            "members": c.members,
            "members_in_groups": c.members_in_groups,
            "households": c.households,
            "households_served": c.households_served,
            "members_rate": rate_out(c.members_rate),
            "households_rate": rate_out(c.households_rate),
        },
        "activities_by_type": [{"type": t, "label": label, "held": n} for t, label, n in f.activities_by_type],
        "people_covered": f.people_covered,
        "visit_coverage": rate_out(f.visit_coverage) if f.visit_coverage is not None else None,
        "meetings_held": f.meetings_held,
        "hours": {"minutes": f.hours_total[0], "volunteers": f.hours_total[1]} if f.hours_total else None,
        "lists": asdict(f.lists) if f.lists is not None else None,
    }


def requested_scope(user: User, query: StatsQuery) -> Scope | Status:
    """The scope asked for, if the caller may see it; 404 (or 403, see the module) otherwise."""
    given = [k for k in ("community", "group", "subdistrict", "district") if getattr(query, k) not in (None, "")]
    if len(given) != 1:
        return Status(422, {"detail": NO_SCOPE})
    level = given[0]
    value = getattr(query, level)
    if level == "group":
        return scope_for(user, "group", value)
    model = {"community": Community, "subdistrict": Subdistrict, "district": District}[level]
    found = model.objects.filter(code=value).first()
    if found is None:
        raise Http404
    try:
        return scope_for(user, level, found.pk)
    except Http404:
        if level == "community" and user.roles_in(found.pk):
            return Status(403, {"detail": FORBIDDEN})
        raise


@router.get("/stats", response={200: StatsOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def stats(request: HttpRequest, query: Query[StatsQuery]) -> Status:
    """统计数字: the funnel (with definitions), the rates (numerator and denominator), breakdowns by
    category, group, building, volunteer or community, weekly and monthly trends, open and overdue now,
    coverage and the other domains' figures, for the requests collected in the period (Shanghai days,
    both included). The same numbers as the dashboard and the work report."""
    try:
        period = from_params({"from": query.start or "", "to": query.end or ""})
    except PeriodError as error:
        return Status(422, {"detail": str(error)})
    scope = requested_scope(request.auth, query)
    if isinstance(scope, Status):
        return scope
    with reading_replica():
        result = figures(scope, period)
    return Status(200, stats_out(result, period, shows_people(request.auth, scope)))
