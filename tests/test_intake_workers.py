"""Several `loudong worker`s drain one intake backlog together: each places a share, every row once."""

from collections import Counter

import pytest
from django.db import connection
from helpers.worker import run_together

from loudong.tickets import intake
from loudong.tickets.models import Intake, Request

DRAIN = """
from loudong.tickets import intake
print(intake.drain())
"""


@pytest.mark.django_db(transaction=True)
def test_three_workers_share_a_backlog_and_place_every_row_once(world, tmp_path):
    rows = 300
    for n in range(rows):
        intake.receive(
            community_id=world.community.pk, building_id=world.building.pk, stairwell_id=world.stairwell.pk,
            room="301", category_code="environment", kind="help", channel="qr",
            description=f"楼道灯坏了（{n}）", contact_name="", contact_phone="",
        )  # fmt: skip
    shares = [int(out.strip().splitlines()[-1]) for out in run_together(DRAIN, 3, tmp_path / "go")]

    assert sum(shares) == rows
    assert Intake.objects.filter(request__isnull=True).count() == 0
    assert Request.objects.count() == rows
    assert max(Counter(Intake.objects.values_list("request_id", flat=True)).values()) == 1
    assert sorted(Request.objects.values_list("description", flat=True)) == sorted(
        f"楼道灯坏了（{n}）" for n in range(rows)
    )
    if connection.vendor == "postgresql":  # SQLite has one writer: whoever gets the lock may keep it
        assert all(share > 0 for share in shares), shares
    print(f"\nshares of {rows} rows among three workers ({connection.vendor}): {shares}")
