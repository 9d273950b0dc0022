"""Several `loudong worker`s drain one intake backlog together: each places a share, every row once."""

import os
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import connection

from loudong.tickets import intake
from loudong.tickets.models import Intake, Request

DRAIN = """
import os, sys, time
import django
django.setup()
from loudong.tickets import intake
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
print(intake.drain())
"""


def database_url() -> str:
    """The test database, as DATABASE_URL for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}@{db['HOST']}{port}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_three_workers_share_a_backlog_and_place_every_row_once(world, tmp_path):
    rows = 300
    for n in range(rows):
        intake.receive(
            community_id=world.community.pk, building_id=world.building.pk, stairwell_id=world.stairwell.pk,
            room="301", category_code="environment", kind="help", channel="qr",
            description=f"楼道灯坏了（{n}）", contact_name="", contact_phone="",
        )  # fmt: skip
    go = tmp_path / "go"
    env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "config.settings"}
    workers = [
        subprocess.Popen([sys.executable, "-c", DRAIN, str(go)], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    time.sleep(3)  # let each one load Django and wait at the line
    go.touch()
    shares = [int(w.communicate(timeout=300)[0].strip().splitlines()[-1]) for w in workers]

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
