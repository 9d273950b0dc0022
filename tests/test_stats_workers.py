"""Several `loudong worker`s share the stale tallies: each community is recounted by one of them, in
its own short transaction, and the result is what a full rebuild gives. Pages only read."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from helpers.stats_history import tally_rows
from helpers.worker import database_url, run_together, tallies

from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Building, Community, Stairwell
from loudong.stats import coverage, tally
from loudong.stats.models import DirtyDay, StaleCoverage
from loudong.tickets import actions
from loudong.tickets.models import Request, Status

REFRESH = """
import json
from loudong.stats import tally
recounted = []
recount = tally._recount
tally._recount = lambda community_id, days: (recounted.append(community_id), recount(community_id, days))[1]
days = tally.refresh()
print(json.dumps({"days": days, "communities": recounted}))
"""


def finished_backlog(world, communities: int, days: int) -> list[int]:
    """`communities` communities, each with finished requests collected on `days` days of November
    2026 (closed, rejected, resolved and late), their days flagged stale as the actions flag them."""
    ids = []
    for n in range(communities):
        community = Community.objects.create(subdistrict=world.subdistrict, name=f"第{n}社区", code=f"c{n}")
        building = Building.objects.create(community=community, name="1号楼")
        stairwell = Stairwell.objects.create(community=community, building=building, name="1单元")
        ids.append(community.pk)
        for d in range(days):
            created = datetime(2026, 11, 1 + d, 9, tzinfo=SHANGHAI)
            for k, status in enumerate((Status.CLOSED, Status.REJECTED, Status.RESOLVED)):
                req = Request.objects.create(
                    community=community,
                    building=building,
                    stairwell=stairwell,
                    number=f"T{n}-{d}-{k}",
                    tracking_token=f"t{n}x{d}x{k}",
                    category_code="environment" if k else "policy",
                    category_name="环境卫生" if k else "政策咨询",
                    description="楼道灯坏了",
                    status=status,
                    created_at=created,
                    dispatched_at=created + timedelta(hours=1),
                    resolved_at=created + timedelta(days=k + 1) if status != Status.REJECTED else None,
                    closed_at=created + timedelta(days=4),
                    due_at=created + timedelta(days=2),
                    response_due_at=created + timedelta(hours=4),
                    resolution="offline" if status != Status.REJECTED else "",
                    time_spent_minutes=30 + k if status != Status.REJECTED else None,
                )
                tally.mark(req)
    return ids


@pytest.mark.django_db(transaction=True)
def test_three_workers_share_a_backlog_recounting_each_community_once(world, tmp_path):
    communities = finished_backlog(world, communities=30, days=4)
    assert DirtyDay.objects.count() == 30 * 4

    shares = [json.loads(out.strip().splitlines()[-1]) for out in run_together(REFRESH, 3, tmp_path / "go")]

    recounted = [c for share in shares for c in share["communities"]]
    assert sorted(recounted) == sorted(communities)  # every community, each by one worker, once
    assert sum(share["days"] for share in shares) == 30 * 4
    assert not DirtyDay.objects.exists()
    if connection.vendor == "postgresql":  # SQLite has one writer: whoever gets the lock may keep it
        assert all(share["communities"] for share in shares), shares
    print(f"\ncommunities recounted by three workers ({connection.vendor}): {[len(s['communities']) for s in shares]}")

    refreshed = tally_rows()
    assert refreshed
    tally.rebuild()
    assert tally_rows() == refreshed


@pytest.mark.django_db(transaction=True)
def test_a_day_a_running_change_holds_is_left_for_the_next_round(world):
    """A flag whose row another transaction holds (a change not yet committed) is skipped, not waited
    for: the other communities are recounted meanwhile, and the flag stays for the next round."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer: a refresh waits for the change instead")
    held, other = finished_backlog(world, communities=2, days=1)
    script = (
        "from django.db import transaction\n"
        "from loudong.stats.models import DirtyDay\n"
        "with transaction.atomic():\n"
        f"    list(DirtyDay.objects.select_for_update().filter(community_id={held}))\n"
        "    print('held', flush=True)\n"
        "    time.sleep(4)\n"
    )
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings"}
    holder = subprocess.Popen(
        [sys.executable, "-c", "import os, sys, time\nimport django\ndjango.setup()\n" + script],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"

    assert tally.refresh() == 1  # the other community's day, at once
    assert list(DirtyDay.objects.values_list("community_id", flat=True)) == [held]
    holder.communicate(timeout=60)
    assert tally.refresh() == 1
    assert not DirtyDay.objects.exists()
    assert other != held


def test_a_dashboard_only_reads_and_says_when_the_tallies_were_counted(world, login):
    req = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="policy",
        description="楼道灯坏了，晚上看不见",
        contact_phone="13700137000",
    )
    actions.reject(req, by=world.leader, reason="属于物业合同纠纷")
    assert DirtyDay.objects.count() == 1
    marked = DirtyDay.objects.get().marked_at
    client = login(world.admin)
    client.get("/c/xihu/stats/")  # the session's first request may write its login clock

    with CaptureQueriesContext(connection) as queries:
        page = client.get("/c/xihu/stats/")

    assert page.status_code == 200
    writes = [q["sql"] for q in queries if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []
    assert DirtyDay.objects.count() == 1  # left for the worker
    shown = page.content.decode()
    assert f"已结束点单的统计更新于 {marked.astimezone(SHANGHAI):%H:%M}" in shown

    tallies()
    assert not DirtyDay.objects.exists()
    assert "已结束点单的统计更新于" not in login(world.admin).get("/c/xihu/stats/").content.decode()


def test_group_coverage_on_a_page_is_the_workers_count(world, login):
    coverage.rebuild()
    before = coverage.totals([world.community.pk])
    world.wang_member.group = None
    world.wang_member.save()
    assert StaleCoverage.objects.filter(community_id=world.community.pk).exists()

    assert coverage.totals([world.community.pk]) == before  # a read recounts nothing
    tallies()
    after = coverage.totals([world.community.pk])
    assert after["members_in_groups"] == before["members_in_groups"] - 1
    assert not StaleCoverage.objects.exists()


def test_stale_communities_are_recounted_a_chunk_per_transaction_until_none_is_left(world):
    for n in range(coverage.CHUNK * 2 + 3):
        community = Community.objects.create(subdistrict=world.subdistrict, name=f"第{n}社区", code=f"c{n}")
        StaleCoverage.objects.get_or_create(community_id=community.pk)
    stale = StaleCoverage.objects.count()
    assert stale > coverage.CHUNK * 2

    assert coverage.refresh() == stale
    assert not StaleCoverage.objects.exists()
