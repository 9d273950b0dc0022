"""Group coverage of communities and areas (党员编入党小组, 住户有党小组服务), counted per community
in CoverageTally and recounted when stale.

The registry's tables mark a community stale on every change that moves a count (database triggers,
migration 0007), so no write path can forget it. `refresh` recounts the marked communities, as
loudong.stats.tally.refresh does for the request tallies, and like it only in `loudong worker` (job
"tallies"), never from a page: the marks are taken CHUNK at a time under row locks other workers skip
(SKIP LOCKED) and deleted, and the recount runs after them in the same transaction; a change still
running holds its mark's row until it commits (it is left for the next round), and a later change
marks the community again.
"""

from django.db import transaction
from django.db.models import Count, Q, Sum

from loudong.registry.models import Community, Household, Member
from loudong.stats import tally
from loudong.stats.models import CoverageTally, StaleCoverage

FIELDS = ("members", "members_in_groups", "households", "households_served")
CHUNK = 20  # communities recounted in one transaction


def _recount(community_ids: list[int]) -> None:
    counts = {pk: dict.fromkeys(FIELDS, 0) for pk in community_ids}
    members = (
        Member.objects.filter(community_id__in_ids=community_ids)
        .order_by()
        .values("community_id")
        .annotate(members=Count("pk"), members_in_groups=Count("pk", filter=Q(group__isnull=False)))
    )
    households = (
        Household.objects.filter(community_id__in_ids=community_ids)
        .order_by()
        .values("community_id")
        .annotate(households=Count("pk"), households_served=Count("pk", filter=Q(stairwell__group__isnull=False)))
    )
    for row in (*members, *households):
        counts[row.pop("community_id")].update(row)
    CoverageTally.objects.filter(community_id__in_ids=community_ids).delete()
    CoverageTally.objects.bulk_create(
        CoverageTally(community_id=pk, **c) for pk, c in counts.items() if any(c.values())
    )


def refresh_job() -> str:
    """The worker's minute: the days whose finished requests changed, then the communities whose
    registry changed."""
    days, communities = tally.refresh(), refresh()
    return f"更新统计：{days} 天的点单，{communities} 个社区的覆盖率" if days or communities else ""


def refresh(community_ids: list[int] | None = None) -> int:
    """Recount the stale communities among these (all with None), CHUNK per transaction; the number
    recounted."""
    done = 0
    while True:
        with transaction.atomic():
            stale = StaleCoverage.objects.select_for_update(skip_locked=True).order_by("community_id")
            if community_ids is not None:
                stale = stale.filter(community_id__in_ids=community_ids)
            ids = list(stale.values_list("community_id", flat=True)[:CHUNK])
            if not ids:
                return done
            StaleCoverage.objects.filter(community_id__in_ids=ids).delete()
            _recount(ids)
            done += len(ids)


def rebuild(community_ids: list[int] | None = None) -> None:
    """Count these communities (all with None) again, marked or not (`loudong stats_rebuild`)."""
    ids = community_ids if community_ids is not None else list(Community.objects.values_list("pk", flat=True))
    with transaction.atomic():
        StaleCoverage.objects.filter(community_id__in_ids=ids).delete()
        _recount(ids)


def totals(community_ids: list[int]) -> dict[str, int]:
    """The members, members in groups, households and households served of these communities, as
    last counted by the worker."""
    sums = CoverageTally.objects.filter(community_id__in_ids=community_ids).aggregate(**{f: Sum(f) for f in FIELDS})
    return {f: sums[f] or 0 for f in FIELDS}
