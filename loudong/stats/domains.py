"""The dashboard's figures that are not about requests: group coverage (党员编入党小组, 住户有党小组服务)
and what other apps define about their own records (activities, people covered, visits, meetings,
volunteer hours)."""

from typing import Any

from django.db.models import Count, Q

from loudong.community_life.activities import figures as activity_figures
from loudong.community_life.meetings import figures as meeting_figures
from loudong.hours import figures as hours_figures
from loudong.outreach import figures as outreach_figures
from loudong.registry.models import Household, Member
from loudong.stats.period import Period
from loudong.stats.results import Coverage, Rate
from loudong.stats.scope import Scope


def group_coverage(scope: Scope) -> Coverage:
    """Members in a group / members; households whose stairwell a group serves / households."""
    if scope.level == "group":
        members = Member.objects.filter(group_id=scope.pk).count()
        in_groups = members
        households = Household.objects.filter(stairwell__group_id=scope.pk).count()
        served = households
    else:
        m = scope.filter_by_community(Member.objects.all()).aggregate(
            total=Count("pk"), grouped=Count("pk", filter=Q(group__isnull=False)))
        h = scope.filter_by_community(Household.objects.all()).aggregate(
            total=Count("pk"), served=Count("pk", filter=Q(stairwell__group__isnull=False)))
        members, in_groups, households, served = m["total"], m["grouped"], h["total"], h["served"]
    return Coverage(
        members, in_groups, households, served,
        Rate("members_in_groups", "党员编入党小组", "编入楼栋党小组的党员占本范围党员的比例。", in_groups, members,
             "编入党小组的党员", "党员", "人"),
        Rate("households_served", "住户有党小组服务", "所在单元有楼栋党小组服务的住户占本范围住户的比例。", served,
             households, "有党小组服务的住户", "住户", "户"),
    )


# Other domains -------------------------------------------------------------------------------------

def other_domains(scope: Scope, period: Period) -> dict[str, Any]:
    """The figures other apps define about their own records (each takes the communities and the
    Shanghai days, both included). A group's dashboard leaves them out: those records belong to
    the community as a whole."""
    if scope.level == "group":
        return {}
    ids, start, end = scope.community_ids(), period.start, period.end
    out: dict[str, Any] = {
        "activities_by_type": activity_figures.activities_by_type(ids, start, end),
        "people_covered": activity_figures.people_covered(ids, start, end),
        "visit_coverage": outreach_figures.visit_coverage(ids, start, end),
        "meetings_held": meeting_figures.meetings_held(ids, start, end),
        "hours_total": hours_figures.hours_total(ids, start, end),
    }
    visited, households = out["visit_coverage"]
    out["visit_coverage"] = Rate("visit_coverage", "入户走访覆盖率",
                                 "统计期间内至少走访见到一次的住户占本范围全部住户的比例（敲门未遇不算）。",
                                 visited, households, "走访到的住户", "住户", "户")
    return out
