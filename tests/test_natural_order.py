"""Places are listed in natural order everywhere: 环城北路89号 before 环城北路101号, 2单元 before
10单元, room 301 before room 1202 — on pages, in the API and in exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from loudong.accounts.models import ApiToken
from loudong.lib.natural import natural_key
from loudong.registry.models import Building, Household, Stairwell


@pytest.mark.parametrize(
    "names",
    [
        ["环城北路89号", "环城北路101号", "环城北路1001号"],
        ["2单元", "10单元"],
        ["一单元", "二单元", "三单元", "十单元", "十二单元", "二十单元"],
        ["一〇一室", "一百零五室", "二〇一室"],
        ["301", "1202"],
        ["2-301", "10-101"],
        ["学宫巷3号", "学宫巷１２号"],  # a full-width number is a number too
        ["A座", "b座", "C座"],
    ],
)
def test_natural_key_orders_numbers_by_value(names):
    assert sorted(reversed(names), key=natural_key) == names


def test_chinese_numerals_count_only_where_they_number_a_place():
    assert natural_key("三角塘5号") == "三角塘00000005号"
    assert natural_key("十字街") == "十字街"


@pytest.fixture
def street(world):
    """环城北路101号 and 环城北路89号, created out of order; 89号 has 10单元 and 2单元, rooms 1202 and 301."""
    late = Building.objects.create(community=world.community, name="环城北路101号", x=200)
    early = Building.objects.create(community=world.community, name="环城北路89号", x=300)
    ten = Stairwell.objects.create(community=world.community, building=early, name="10单元", group=world.group)
    two = Stairwell.objects.create(community=world.community, building=early, name="2单元", group=world.group)
    Household.objects.bulk_create(
        [
            Household(community=world.community, stairwell=stairwell, room=room)
            for stairwell in (ten, two)
            for room in ("1202", "301")
        ]
    )
    one = Stairwell.objects.create(community=world.community, building=late, name="1单元", group=world.group)
    Household.objects.create(community=world.community, stairwell=one, room="101")
    return early, late


def in_order(text: str, *words: str) -> bool:
    places = [text.index(word) for word in words]
    return places == sorted(places)


def test_the_stored_key_follows_renames_and_bulk_writes(world, street):
    early, late = street
    Building.objects.filter(pk=late.pk).update(name="环城北路9号")
    late.refresh_from_db()
    assert late.sort_key == natural_key("环城北路9号")
    early.name = "环城北路100号"
    early.save(update_fields=["name"])
    assert Building.objects.get(pk=early.pk).sort_key == natural_key("环城北路100号")
    stairwells = list(early.stairwells.all())
    for stairwell in stairwells:
        stairwell.name = f"第{stairwell.name}"
    Stairwell.objects.bulk_update(stairwells, ["name"])
    assert {s.sort_key for s in early.stairwells.all()} == {natural_key(s.name) for s in stairwells}


def test_admin_sees_buildings_stairwells_and_rooms_in_natural_order(world, street, login):
    early, _late = street
    client = login(world.admin)
    buildings = client.get(reverse("registry:buildings", args=["xihu"])).content.decode()
    assert in_order(buildings, "环城北路89号", "环城北路93号", "环城北路101号")
    detail = client.get(reverse("registry:building", args=["xihu", early.pk])).content.decode()
    assert in_order(detail, "2单元", "10单元")
    two = detail[detail.index("2单元") : detail.index("10单元")]
    assert in_order(two, "301", "1202")
    residents = client.get(reverse("registry:residents", args=["xihu"])).content.decode()
    assert in_order(residents, ">环城北路89号<", ">环城北路101号<")


def test_the_api_lists_buildings_and_stairwells_in_natural_order(world, street, client):
    token = ApiToken.issue(world.admin)
    listed = client.get("/api/v1/communities/xihu/buildings", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    names = [b["name"] for b in listed]
    assert names.index("环城北路89号") < names.index("环城北路93号") < names.index("环城北路101号")
    early = next(b for b in listed if b["name"] == "环城北路89号")
    assert [s["name"] for s in early["stairwells"]] == ["2单元", "10单元"]


def test_the_unvisited_households_export_lists_them_in_natural_order(world, street, login):
    url = reverse("stats:held_export", args=["xihu", "visit_coverage"])
    response = login(world.admin).get(url, {"show": "unvisited"})
    assert response.status_code == 200
    rows = [row[0] for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    households = [r for r in rows if r.startswith("环城北路")]
    assert households == [
        "环城北路89号2单元301室",
        "环城北路89号2单元1202室",
        "环城北路89号10单元301室",
        "环城北路89号10单元1202室",
        "环城北路93号1单元301室",
        "环城北路101号1单元101室",
    ]
