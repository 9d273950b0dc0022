"""Figures of the three lists for dashboards and reports (loudong.stats reads these): the records
behind each figure, one community (or one group of it) at a time.

These are live counts, not tallies: a community raises a few hundred needs a year at most and the
queries read them by the community's indexes, so the dashboard counts them when it is opened.
Dates are Shanghai days; a period is [start, end].
- raised: needs raised (raised_at) in the period, whatever their status now;
- met: needs met (met_at: the day their project was marked done) in the period;
- done: projects done (done_on) in the period;
- units and members who took part: the partner units and the members whose resource carried a
  project done in the period, each counted once.
A group's are those of its needs (a need's group is the group its request, visit or meeting was
of, or the one the admin chose); the community's own needs belong to no group.
"""

from datetime import date

from django.db.models import QuerySet

from loudong.lib.shanghai import day_bounds
from loudong.partners.models import PartnerUnit
from loudong.projects.models import Need, Project
from loudong.registry.models import Member


def _needs(community_id: int, group_id: int | None) -> QuerySet[Need]:
    rows = Need.objects.filter(community_id=community_id)
    return rows.filter(group_id=group_id) if group_id is not None else rows


def needs_raised(community_id: int, start: date, end: date, group_id: int | None = None) -> QuerySet[Need]:
    since, until = day_bounds(start, end)
    return _needs(community_id, group_id).filter(raised_at__gte=since, raised_at__lt=until)


def needs_met(community_id: int, start: date, end: date, group_id: int | None = None) -> QuerySet[Need]:
    since, until = day_bounds(start, end)
    return _needs(community_id, group_id).filter(status=Need.Status.MET, met_at__gte=since, met_at__lt=until)


def projects_done(community_id: int, start: date, end: date, group_id: int | None = None) -> QuerySet[Project]:
    rows = Project.objects.filter(
        community_id=community_id, status=Project.Status.DONE, done_on__gte=start, done_on__lte=end
    )
    return rows.filter(need__group_id=group_id) if group_id is not None else rows


def units_in(projects: QuerySet[Project]) -> QuerySet[PartnerUnit]:
    """The partner units whose resources carried these projects, each once."""
    return PartnerUnit.objects.filter(resources__projects__in=projects).distinct()


def members_in(projects: QuerySet[Project]) -> QuerySet[Member]:
    """The members (in-post members who reported in) whose skills carried these projects, each once."""
    return Member.objects.filter(resources__projects__in=projects).distinct()
