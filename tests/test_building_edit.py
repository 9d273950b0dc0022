"""The admin keeps the community's places: buildings on the site plan, their stairwells and
neighbours, and the plan's size. Nobody else may open these pages."""

import re

import pytest
from django.urls import reverse

from loudong.accounts.models import AuditEntry
from loudong.registry.models import Building, Community, Household, Stairwell


def url(name: str, *args: object) -> str:
    return reverse(f"registry:{name}", args=["xihu", *args])


def building_data(**changes: object) -> dict:
    data = {"name": "船山路63号", "address": "船山路63号西湖广场综合楼", "x": 40, "y": 100, "width": 40, "depth": 15}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def page(response) -> str:
    return response.content.decode()


def entries(obj: object, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type=obj._meta.model_name, object_id=str(obj.pk), action=action))


# Buildings -----------------------------------------------------------------------------------


def test_admin_adds_a_building_with_its_place_on_the_plan_and_a_neighbour(world, login):
    client = login(world.admin)
    data = building_data(adjacent=[world.building2.pk])
    response = client.post(url("building_create"), data)
    building = Building.objects.get(community=world.community, name="船山路63号")
    assert response.status_code == 302 and response.url == url("building", building.pk)
    assert (building.address, building.x, building.y, building.width, building.depth) == (
        "船山路63号西湖广场综合楼", 40, 100, 40, 15,
    )  # fmt: skip
    assert list(building.adjacent.all()) == [world.building2]
    assert building in world.building2.adjacent.all()  # adjacency is symmetric
    shown = page(client.get(response.url))
    assert "已添加楼栋：船山路63号" in shown and "学宫巷3号" in shown


def test_new_building_form_offers_a_free_spot_on_the_plan(world, login):
    form = login(world.admin).get(url("building_create")).context["form"]
    x, y = form["x"].value(), form["y"].value()
    footprints = [(b.x, b.y, b.width, b.depth) for b in Building.objects.filter(community=world.community)]
    assert all(x + 30 <= bx or bx + bw <= x or y + 12 <= by or by + bd <= y for bx, by, bw, bd in footprints)
    assert 0 <= x <= 400 - 30 and 0 <= y <= 300 - 12


def test_admin_edits_a_building_and_the_change_shows_on_both_neighbours(world, login):
    client = login(world.admin)
    world.building.adjacent.add(world.building2)
    third = Building.objects.create(community=world.community, name="学宫巷5号", x=200, y=200)
    data = building_data(name="环城北路93号", address="环城北路93号院", x=0, y=0, width=30, depth=12,
                         adjacent=[third.pk])  # fmt: skip
    response = client.post(url("building_edit", world.building.pk), data)
    assert response.status_code == 302
    world.building.refresh_from_db()
    assert world.building.address == "环城北路93号院"
    assert list(world.building.adjacent.all()) == [third]
    assert list(third.adjacent.all()) == [world.building]
    assert world.building not in world.building2.adjacent.all()


def test_a_building_name_already_used_in_the_community_is_refused_in_chinese(world, login):
    client = login(world.admin)
    response = client.post(url("building_create"), building_data(name=" 学宫巷3号 "))
    assert response.status_code == 200
    assert "本社区已有名为“学宫巷3号”的楼栋" in page(response)
    assert Building.objects.filter(community=world.community, name="学宫巷3号").count() == 1
    renamed = client.post(url("building_edit", world.building.pk), building_data(name="学宫巷3号", x=0, y=0))
    assert "本社区已有名为“学宫巷3号”的楼栋" in page(renamed)


def test_the_same_name_in_another_community_is_allowed(world, login):
    response = login(world.admin).post(url("building_create"), building_data(name="人民路1号"))
    assert response.status_code == 302
    assert Building.objects.filter(name="人民路1号").count() == 2


def test_a_bare_number_is_named_the_way_the_roster_import_names_it(world, login):
    login(world.admin).post(url("building_create"), building_data(name="７"))
    assert Building.objects.filter(community=world.community, name="7栋").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"x": 380}, "楼栋超出了平面图右边：横坐标 380 + 宽 40 = 420 米，平面图只有 400 米宽"),
        ({"y": 290}, "楼栋超出了平面图下边：纵坐标 290 + 深 15 = 305 米，平面图只有 300 米高"),
        ({"x": -5}, "横坐标（米）不能小于 0"),
        ({"width": 0}, "宽（米）必须大于 0"),
        ({"depth": "十二"}, "请填写数字，例如 12.5"),
        ({"y": None}, "请填写纵坐标（米）"),
        ({"name": "  "}, "请填写楼栋名称"),
    ],
)
def test_a_building_outside_the_plan_or_badly_measured_is_refused_in_chinese(world, login, changes, message):
    response = login(world.admin).post(url("building_create"), building_data(**changes))
    assert response.status_code == 200
    assert message in page(response)
    assert not Building.objects.filter(address="船山路63号西湖广场综合楼").exists()


def test_a_refused_form_keeps_everything_typed(world, login):
    data = building_data(x=390, adjacent=[world.building2.pk])
    response = login(world.admin).post(url("building_create"), data)
    form = response.context["form"]
    assert form["address"].value() == "船山路63号西湖广场综合楼"
    assert form["x"].value() == "390" and form["depth"].value() == "15"
    assert form["adjacent"].value() == [str(world.building2.pk)]
    assert re.search(rf'name="adjacent" value="{world.building2.pk}"[^>]* checked', page(response))
    assert not re.search(rf'name="adjacent" value="{world.building.pk}"[^>]* checked', page(response))


def test_buildings_within_25_metres_are_suggested_as_neighbours(world, login):
    # 环城北路93号 spans x 0–30, 学宫巷3号 x 80–110, both y 0–12. At x 40 the gap is 10 m to the first
    # and 40 − 80 + 30 = 10 m to the second; at y 100 both are far away.
    client = login(world.admin)
    near = client.post(url("building_create"), building_data(x=40, y=0, width=30, depth=12, name=""))
    shown = page(near)
    assert "建议相邻楼栋" in shown
    assert "环城北路93号（10 米）" in shown and "学宫巷3号（10 米）" in shown
    assert "环城北路93号（相距 10 米，建议相邻）" in shown
    far = page(client.post(url("building_create"), building_data(x=200, y=200, name="")))
    assert "建议相邻楼栋" not in far
    assert "25 米以内没有其他楼栋" in far


def test_neighbours_to_tick_are_listed_nearest_first(world, login):
    far = Building.objects.create(community=world.community, name="安居巷1号", x=300, y=250)
    form = login(world.admin).post(url("building_create"), building_data(x=75, y=20, name="")).context["form"]
    assert list(form.fields["adjacent"].queryset) == [world.building2, world.building, far]


def test_overlapping_buildings_are_pointed_out(world, login):
    shown = page(login(world.admin).post(url("building_create"), building_data(x=10, y=5, name="")))
    assert "与 环城北路93号 重叠" in shown


def test_live_preview_redraws_the_building_where_it_is_typed(world, login):
    client = login(world.admin)
    query = {"preview": "1", "name": "新楼", "x": "150", "y": "60", "width": "25", "depth": "10"}
    response = client.get(url("building_edit", world.building.pk), query, HTTP_HX_REQUEST="true")
    shown = page(response)
    assert response.status_code == 200
    assert "<html" not in shown and 'id="live"' in shown
    assert 'id="plan-marker" x="150.0" y="60.0" width="25.0" height="10.0"' in shown
    assert "<text" in shown and "新楼" in shown
    wrong = page(client.get(url("building_create"), {**query, "x": "390"}, HTTP_HX_REQUEST="true"))
    assert "楼栋超出了平面图右边" in wrong


def test_moving_a_building_takes_its_stairwell_doors_along(world, login):
    world.stairwell.x, world.stairwell.y = 15, 12
    world.stairwell.save()
    loose = Stairwell.objects.create(community=world.community, building=world.building, name="2单元")  # at 0, 0
    loose.x, loose.y = 200, 200
    loose.save()
    data = building_data(name="环城北路93号", x=100, y=50, width=30, depth=12)
    login(world.admin).post(url("building_edit", world.building.pk), data)
    world.stairwell.refresh_from_db()
    loose.refresh_from_db()
    assert (world.stairwell.x, world.stairwell.y) == (115, 62)
    assert (loose.x, loose.y) == (200, 200)
    [entry] = entries(world.building, "update")
    assert entry.detail["单元随楼栋平移"] == ["1单元"]


def test_building_changes_are_written_to_the_audit_log(world, login):
    client = login(world.admin)
    client.post(url("building_create"), building_data(adjacent=[world.building2.pk]))
    building = Building.objects.get(name="船山路63号")
    [created] = entries(building, "create")
    assert created.community_id == world.community.pk and created.actor_id == world.admin.pk
    assert created.detail["name"] == [None, "船山路63号"]
    assert created.detail["adjacent"] == [None, ["学宫巷3号"]]
    [neighbour] = entries(world.building2, "update")
    assert neighbour.detail == {"adjacent": [[], ["船山路63号"]]}

    client.post(url("building_edit", building.pk), building_data(x=45, adjacent=[]))
    [updated] = entries(building, "update")
    assert updated.detail == {"x": [40.0, 45.0], "adjacent": [["学宫巷3号"], []]}
    assert len(entries(world.building2, "update")) == 2
    log = page(client.get(reverse("audit", args=["xihu"])))
    assert "楼栋：船山路63号" in log and "平面图横坐标（米）：40.0 → 45.0" in log


def test_saving_an_unchanged_building_writes_nothing(world, login):
    data = building_data(name="环城北路93号", address="环城北路93号", x=0, y=0, width=30, depth=12)
    response = login(world.admin).post(url("building_edit", world.building.pk), data, follow=True)
    assert "没有改动" in page(response)
    assert not AuditEntry.objects.filter(object_type="building").exists()


def test_a_building_with_households_cannot_be_deleted_and_the_page_says_why(world, login):
    client = login(world.admin)
    shown = page(client.get(url("building_edit", world.building.pk)))
    assert "环城北路93号登记了 1 户住户，不能删除" in shown
    assert url("building_delete", world.building.pk) not in shown
    response = client.post(url("building_delete", world.building.pk), {"confirm": "1"}, follow=True)
    assert "不能删除" in page(response)
    assert Building.objects.filter(pk=world.building.pk).exists()


def test_an_empty_building_is_deleted_after_confirming_and_the_deletion_is_audited(world, login):
    client = login(world.admin)
    empty = Building.objects.create(community=world.community, name="待拆楼", x=200, y=200)
    Stairwell.objects.create(community=world.community, building=empty, name="1单元")
    empty.adjacent.add(world.building)
    assert url("building_delete", empty.pk) in page(client.get(url("building_edit", empty.pk)))
    unconfirmed = client.post(url("building_delete", empty.pk), follow=True)
    assert "请先勾选“我确认删除这栋楼”" in page(unconfirmed)
    assert Building.objects.filter(pk=empty.pk).exists()
    response = client.post(url("building_delete", empty.pk), {"confirm": "1"})
    assert response.status_code == 302 and response.url == url("buildings")
    assert not Building.objects.filter(pk=empty.pk).exists()
    assert not Stairwell.objects.filter(building_id=empty.pk).exists()
    entry = AuditEntry.objects.get(object_type="building", action="delete")
    assert entry.object_repr == "待拆楼" and entry.detail["stairwells"] == ["1单元"]
    assert entry.detail["adjacent"] == ["环城北路93号"]


def test_opening_the_delete_address_only_leads_back_to_the_edit_page(world, login):
    empty = Building.objects.create(community=world.community, name="待拆楼", x=200, y=200)
    response = login(world.admin).get(url("building_delete", empty.pk), {"confirm": "1"})
    assert response.status_code == 302 and response.url == url("building_edit", empty.pk)
    assert Building.objects.filter(pk=empty.pk).exists()


# Stairwells ----------------------------------------------------------------------------------


def test_admin_adds_a_stairwell_with_its_door_and_neighbour(world, login):
    client = login(world.admin)
    form = client.get(url("stairwell_create", world.building.pk)).context["form"]
    assert form["name"].value() == "2单元"  # 1单元 exists
    assert (form["x"].value(), form["y"].value()) == (15, 12)  # middle of the lower side
    data = {"name": "二单元", "x": 22, "y": 12, "adjacent": [world.stairwell.pk]}
    response = client.post(url("stairwell_create", world.building.pk), data)
    assert response.status_code == 302 and response.url == url("building", world.building.pk)
    stairwell = Stairwell.objects.get(building=world.building, name="2单元")
    assert (stairwell.community, stairwell.x, stairwell.y) == (world.community, 22, 12)
    assert list(world.stairwell.adjacent.all()) == [stairwell]  # symmetric
    [created] = entries(stairwell, "create")
    assert created.detail["adjacent"] == [None, ["环城北路93号1单元"]]
    assert entries(world.stairwell, "update")[0].detail == {"adjacent": [[], ["环城北路93号2单元"]]}


def test_admin_edits_a_stairwell_and_the_change_is_audited(world, login):
    client = login(world.admin)
    world.stairwell.x, world.stairwell.y = 10, 12
    world.stairwell.save()
    response = client.post(url("stairwell_edit", world.stairwell.pk), {"name": "1单元", "x": 12, "y": 12})
    assert response.status_code == 302
    world.stairwell.refresh_from_db()
    assert world.stairwell.x == 12
    [updated] = entries(world.stairwell, "update")
    assert updated.detail == {"x": [10.0, 12.0]}


def test_a_stairwell_name_used_in_the_same_building_is_refused_in_chinese(world, login):
    client = login(world.admin)
    response = client.post(url("stairwell_create", world.building.pk), {"name": "1", "x": 15, "y": 12})
    assert "环城北路93号已有“1单元”，请换一个名称" in page(response)
    assert world.building.stairwells.count() == 1
    other_building = client.post(url("stairwell_create", world.building2.pk), {"name": "2", "x": 90, "y": 12})
    assert other_building.status_code == 302


def test_a_stairwell_away_from_its_building_or_off_the_plan_is_refused_in_chinese(world, login):
    client = login(world.admin)
    far = client.post(url("stairwell_create", world.building.pk), {"name": "2单元", "x": 60, "y": 12})
    assert "单元离环城北路93号太远了：楼栋在横坐标 0–30 米、纵坐标 0–12 米" in page(far)
    off = client.post(url("stairwell_create", world.building.pk), {"name": "2单元", "x": 15, "y": -3})
    assert "位置不在平面图上" in page(off)
    assert world.building.stairwells.count() == 1


def test_a_stairwell_never_placed_is_prefilled_at_its_building(world, login):
    world.building2.y = 100
    world.building2.save()
    shown = login(world.admin).get(url("stairwell_edit", world.stairwell2.pk))
    assert "这个单元还没有标出位置" in page(shown)
    assert (shown.context["form"]["x"].value(), shown.context["form"]["y"].value()) == (95, 112)


def test_stairwell_neighbours_are_offered_from_its_own_and_neighbouring_buildings(world, login):
    client = login(world.admin)
    own = Stairwell.objects.create(community=world.community, building=world.building, name="2单元")
    offered = client.get(url("stairwell_edit", world.stairwell.pk)).context["form"].fields["adjacent"].queryset
    assert list(offered) == [own]
    world.building.adjacent.add(world.building2)
    offered = client.get(url("stairwell_edit", world.stairwell.pk)).context["form"].fields["adjacent"].queryset
    assert set(offered) == {own, world.stairwell2}


def test_stairwell_preview_marks_the_typed_door(world, login):
    response = login(world.admin).get(
        url("stairwell_edit", world.stairwell.pk), {"preview": "1", "x": "20", "y": "12"}, HTTP_HX_REQUEST="true"
    )
    assert 'id="stairwell-marker" cx="20.0" cy="12.0"' in page(response)


# The site plan's size ------------------------------------------------------------------------


def test_admin_sets_the_site_plan_size_and_it_is_audited(world, login):
    client = login(world.admin)
    response = client.post(url("community_edit"), {"site_width": 600, "site_height": 300})
    assert response.status_code == 302
    world.community.refresh_from_db()
    assert world.community.site_width == 600
    entry = AuditEntry.objects.get(object_type="community", action="update")
    assert entry.community_id == world.community.pk and entry.detail == {"site_width": [400.0, 600.0]}


def test_the_site_plan_must_still_hold_every_building(world, login):
    client = login(world.admin)
    shown = page(client.get(url("community_edit")))
    assert "至少需要宽 110 米、高 12 米" in shown
    response = client.post(url("community_edit"), {"site_width": 100, "site_height": 0})
    shown = page(response)
    assert "平面图宽至少要 110 米才能放下所有楼栋：学宫巷3号的右边在 110 米处" in shown
    assert "平面图高必须大于 0" in shown
    world.community.refresh_from_db()
    assert (world.community.site_width, world.community.site_height) == (400, 300)


# Who may open these pages --------------------------------------------------------------------


def new_pages(world) -> list[str]:
    return [
        url("building_create"),
        url("building_edit", world.building.pk),
        url("building_delete", world.building.pk),
        url("stairwell_create", world.building.pk),
        url("stairwell_edit", world.stairwell.pk),
        url("community_edit"),
    ]


@pytest.mark.parametrize("persona", ["leader", "volunteer", "resident", "overseer", "outsider"])
def test_only_the_community_admin_may_open_the_place_editing_pages(world, login, persona):
    client = login(getattr(world, persona))
    for address in new_pages(world):
        assert client.get(address).status_code == 404, address
        assert client.post(address, building_data(confirm="1")).status_code == 404, address
        assert client.get(address, {"preview": "1"}, HTTP_HX_REQUEST="true").status_code == 404, address
    assert Building.objects.filter(community=world.community).count() == 2
    assert not AuditEntry.objects.filter(object_type__in=["building", "stairwell", "community"]).exists()


def test_a_visitor_who_is_not_logged_in_is_sent_to_the_login_page(world, client):
    response = client.get(url("building_create"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_an_admin_cannot_reach_another_communitys_places_through_their_own_address(world, login):
    other_building = Building.objects.get(community=world.other)
    other_stairwell = Stairwell.objects.get(community=world.other)
    client = login(world.admin)
    assert client.get(url("building_edit", other_building.pk)).status_code == 404
    assert client.post(url("building_delete", other_building.pk), {"confirm": "1"}).status_code == 404
    assert client.get(url("stairwell_create", other_building.pk)).status_code == 404
    assert client.get(url("stairwell_edit", other_stairwell.pk)).status_code == 404
    other_code = reverse("registry:community_edit", args=["other"])
    assert client.post(other_code, {"site_width": 999, "site_height": 999}).status_code == 404
    assert Community.objects.get(code="other").site_width == 400


def test_admin_sees_the_buttons_to_add_and_edit_places_and_a_leader_does_not(world, login):
    admin = login(world.admin)
    listing, building = page(admin.get(url("buildings"))), page(admin.get(url("building", world.building.pk)))
    assert "添加楼栋" in listing and url("building_create") in listing and url("community_edit") in listing
    assert url("building_edit", world.building.pk) in building
    assert url("stairwell_create", world.building.pk) in building and "添加单元" in building
    assert url("stairwell_edit", world.stairwell.pk) in building
    leader = login(world.leader)
    listing, building = page(leader.get(url("buildings"))), page(leader.get(url("building", world.building.pk)))
    assert "添加楼栋" not in listing and "添加单元" not in building and "/edit/" not in building


def test_households_keep_their_place_when_a_building_is_renamed(world, login):
    data = building_data(name="环城北路93号甲", x=0, y=0, width=30, depth=12)
    login(world.admin).post(url("building_edit", world.building.pk), data)
    assert str(Household.objects.get(pk=world.household.pk)) == "环城北路93号甲1单元301室"


# In a browser --------------------------------------------------------------------------------


@pytest.mark.browser
def test_the_plan_preview_follows_what_the_admin_types(live_server, page, world):
    from helpers.browser import fits_the_phone, log_in
    from playwright.sync_api import expect

    log_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}{url('buildings')}")
    page.get_by_role("link", name="添加楼栋").click()
    page.locator("#id_name").fill("船山路63号")
    page.locator("#id_y").fill("0")
    page.locator("#id_x").fill("40")
    expect(page.locator("#plan-marker")).to_have_attribute("x", "40.0")
    expect(page.locator("#suggested-neighbours")).to_contain_text("环城北路93号（10 米）")
    page.get_by_label(re.compile("环城北路93号（")).check()
    page.locator("#id_width").fill("30")  # a later redraw keeps the tick
    expect(page.locator("#plan-marker")).to_have_attribute("width", "30.0")
    expect(page.get_by_label(re.compile("环城北路93号（"))).to_be_checked()
    assert fits_the_phone(page), page.url
    page.get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("已添加楼栋：船山路63号")
    assert list(Building.objects.get(name="船山路63号").adjacent.all()) == [world.building]
