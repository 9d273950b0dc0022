"""Group coverage per community (loudong.stats.coverage) stays what a count of the registry gives,
whatever writes the registry: forms and saves, bulk writes of the group planner, the roster import,
deletes and raw SQL. The triggers mark the community; the worker recounts it (its "tallies" job) and
the pages read its count."""

import io

from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from helpers.roster import HEADER, row, workbook
from helpers.worker import tallies

from loudong.registry.models import Building, Household, Member, Resident, Stairwell
from loudong.stats import coverage
from loudong.stats.compute import figures
from loudong.stats.models import CoverageTally, StaleCoverage
from loudong.stats.period import Period
from loudong.stats.scope import Scope


def counted(community_ids: list[int]) -> dict[str, int]:
    m = Member.objects.filter(community_id__in=community_ids).aggregate(
        members=Count("pk"), members_in_groups=Count("pk", filter=Q(group__isnull=False))
    )
    h = Household.objects.filter(community_id__in=community_ids).aggregate(
        households=Count("pk"), households_served=Count("pk", filter=Q(stairwell__group__isnull=False))
    )
    return {**m, **h}


def assert_exact(w) -> None:
    tallies()
    for ids in ([w.community.pk], [w.other.pk], [w.community.pk, w.other.pk]):
        assert coverage.totals(ids) == counted(ids), ids
    # (a test that empties the database with DELETE leaves marks of communities gone: not these)
    assert not StaleCoverage.objects.filter(community_id__in=[w.community.pk, w.other.pk]).exists()


def test_the_tally_follows_every_kind_of_registry_write(world, tmp_path):
    w = world
    assert_exact(w)
    assert coverage.totals([w.community.pk]) == {
        "members": 2,
        "members_in_groups": 2,
        "households": 2,
        "households_served": 1,
    }
    # A saved form, a bulk insert, a queryset update (the group planner's), a move, deletes.
    Household.objects.create(community=w.community, stairwell=w.stairwell, room="302")
    assert StaleCoverage.objects.filter(community_id=w.community.pk).exists()
    assert_exact(w)
    Household.objects.bulk_create(
        [Household(community=w.community, stairwell=w.stairwell2, room=f"6{i:02}") for i in range(5)]
    )
    assert_exact(w)
    Stairwell.objects.filter(pk=w.stairwell2.pk).update(group=w.group)
    tallies()
    assert coverage.totals([w.community.pk])["households_served"] == 8
    assert_exact(w)
    Household.objects.filter(pk=w.household2.pk).update(stairwell=w.stairwell)
    Stairwell.objects.filter(pk=w.stairwell.pk).update(group=None)
    assert_exact(w)
    Member.objects.filter(pk=w.wang_member.pk).update(group=None)
    tallies()
    assert coverage.totals([w.community.pk])["members_in_groups"] == 1
    w.liu_member.delete()
    assert_exact(w)
    # A household moved to another community counts there, and no longer here.
    moved = Household.objects.filter(community=w.community).first()
    Household.objects.filter(pk=moved.pk).update(
        community=w.other, stairwell=Stairwell.objects.filter(community=w.other).first()
    )
    assert_exact(w)
    # Raw SQL, as a script or a database client would write it.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO registry_household (community_id, stairwell_id, room) VALUES (%s, %s, '909')",
            [w.other.pk, moved.stairwell_id],
        )
    assert_exact(w)
    # The roster import creates buildings, stairwells, households and residents.
    call_command(
        "import_roster",
        workbook(tmp_path, [HEADER, row(address="新建路8号2单元101")]),
        "--community",
        "xihu",
        "--json",
        stdout=io.StringIO(),
    )
    assert Building.objects.filter(community=w.community, name__contains="新建路8号").exists()
    assert_exact(w)


def test_a_save_that_changes_no_count_marks_nothing(world):
    w = world
    coverage.refresh()
    w.stairwell.x = 40
    w.stairwell.save()
    w.liu_member.employment = "working"
    w.liu_member.save()
    Resident.objects.filter(pk=w.zhang.pk).update(phone="13700137001")
    assert not StaleCoverage.objects.exists()


def test_the_dashboards_read_it_at_every_level_above_the_group(world):
    w = world
    Household.objects.create(community=w.community, stairwell=w.stairwell, room="302")
    tallies()
    period = Period.month(2026, 11)
    for scope, ids in (
        (Scope.for_community("xihu"), [w.community.pk]),
        (Scope("subdistrict", w.subdistrict.pk, "青山街道"), [w.community.pk]),
        (Scope("district", w.district.pk, "石鼓区"), [w.community.pk, w.other.pk]),
    ):
        c = figures(scope, period).group_coverage
        expected = counted(ids)
        assert (c.members, c.members_in_groups, c.households, c.households_served) == (
            expected["members"],
            expected["members_in_groups"],
            expected["households"],
            expected["households_served"],
        ), scope.level
    group = figures(Scope.for_group(w.group), period).group_coverage
    assert (group.households, group.households_served) == (2, 2)  # the stairwell it serves: 301 and 302


def test_stats_rebuild_counts_the_coverage_again(world):
    coverage.refresh()
    CoverageTally.objects.filter(community_id=world.community.pk).update(households=999)  # as if damaged
    call_command("stats_rebuild", "--community", "xihu", stdout=io.StringIO())
    assert coverage.totals([world.community.pk]) == counted([world.community.pk])


def test_the_worker_recounts_marked_communities_each_round(world):
    Household.objects.create(community=world.community, stairwell=world.stairwell, room="303")
    assert StaleCoverage.objects.filter(community_id=world.community.pk).exists()
    call_command("worker", "--once", stdout=io.StringIO())
    assert not StaleCoverage.objects.filter(community_id=world.community.pk).exists()
    assert (
        CoverageTally.objects.get(community_id=world.community.pk).households
        == counted([world.community.pk])["households"]
    )
