"""The registry screens: what each role sees first, the lists and pages behind it, and the admin's edits."""

from datetime import date

import pytest
from django.urls import reverse

from loudong.accounts.audit import shown_text
from loudong.accounts.models import AuditEntry
from loudong.registry.models import Household, Member, Resident, ServiceItem, Stairwell


def url(name: str, *args) -> str:
    return reverse(f"registry:{name}", args=["xihu", *args])


def page_urls(world) -> list[str]:
    """Every registry page of xihu that shows people or places."""
    liu = world.liu.pk
    return [
        url("buildings"),
        url("building", world.building.pk),
        url("residents"),
        url("residents_export"),
        url("resident", liu),
        url("members"),
        url("members_export"),
        url("resident_create"),
        url("resident_edit", liu),
        url("resident_delete", liu),
        url("resident_move", liu),
        url("member_edit", liu),
        url("member_delete", liu),
        url("stairwell_options"),
    ]


ADMIN_ONLY = {"resident_create", "resident_edit", "resident_delete", "resident_move", "member_edit",
              "member_delete", "stairwell_options"}  # fmt: skip


# --- who may open what -------------------------------------------------------------------------


def test_outsider_gets_404_on_every_registry_page(world, login):
    client = login(world.outsider)
    assert client.get(reverse("community", args=["xihu"])).status_code == 404
    for address in page_urls(world):
        response = client.get(address)
        assert response.status_code == 404, address
        assert "刘光前" not in response.content.decode()


@pytest.mark.parametrize("persona", ["volunteer", "resident", "overseer"])
def test_volunteer_resident_and_overseer_get_404_on_registry_lists(world, login, persona):
    client = login(getattr(world, persona))
    for address in page_urls(world):
        assert client.get(address).status_code == 404, address


def test_leader_gets_404_on_every_admin_edit_page(world, login):
    client = login(world.leader)
    for address in page_urls(world):
        if any(f"/{part}" in address for part in ("new/", "edit/", "delete/", "move/", "member/", "places/")):
            assert client.get(address).status_code == 404, address
    assert client.post(url("resident_delete", world.liu.pk)).status_code == 404
    assert Resident.objects.filter(pk=world.liu.pk).exists()


def test_anonymous_visitor_is_sent_to_login(world, client):
    response = client.get(url("residents"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_overseer_with_no_community_grant_gets_404_on_community_home(world, login):
    assert login(world.overseer).get(reverse("community", args=["xihu"])).status_code == 404


# --- community home per role ------------------------------------------------------------------


def test_admin_home_shows_defined_figures_linked_to_lists(world, login):
    page = login(world.admin).get(reverse("community", args=["xihu"])).content.decode()
    figures = {f.label: f for f in login(world.admin).get(reverse("community", args=["xihu"])).context["figures"]}
    assert figures["楼栋"].value == 2
    assert figures["居民"].value == 3
    assert figures["党员"].value == 2
    assert figures["已编入党小组的党员"].value == 2
    assert figures["有党小组服务的住户"].value == 1
    assert figures["独居老人"].value == 1
    assert figures["独居老人"].url == url("residents") + f"?tag={world.elderly.pk}"
    assert "带有“独居老人”关爱标签的居民人数" in page


def test_admin_home_draws_the_site_plan_coloured_by_group(world, login):
    page = login(world.admin).get(reverse("community", args=["xihu"])).content.decode()
    assert 'id="site-plan"' in page
    assert 'viewBox="0 0 400.0 300.0"' in page
    assert url("building", world.building.pk) in page
    plan = login(world.admin).get(reverse("community", args=["xihu"])).context["plan"]
    fills = {s["building"].name: s["fill"] for s in plan["shapes"]}
    assert fills["学宫巷3号"] == "#bdbdbd"
    assert fills["环城北路93号"] != "#bdbdbd"


def test_leader_home_counts_only_their_groups_buildings(world, login):
    response = login(world.leader).get(reverse("community", args=["xihu"]))
    figures = {f.label: f.value for f in response.context["figures"]}
    assert figures["楼栋"] == 1
    assert figures["居民"] == 2
    page = response.content.decode()
    assert "我的党小组：环城北路93号党小组" in page
    assert url("building", world.building2.pk) not in page


def test_volunteer_home_shows_my_group_with_masked_phones(world, login):
    response = login(world.volunteer).get(reverse("community", args=["xihu"]))
    page = response.content.decode()
    assert "我的党小组：环城北路93号党小组" in page
    assert "组长：<strong>刘光前</strong>" in page
    assert "138****8000" in page and "13800138000" not in page
    assert "环城北路93号 1单元" in page
    assert "figures" not in response.context and "张建国" not in page


def test_resident_home_shows_my_home_own_full_phone_and_serving_group(world, login):
    world.stairwell2.group = world.group
    world.stairwell2.save()
    page = login(world.resident).get(reverse("community", args=["xihu"])).content.decode()
    assert "我的家" in page
    assert "学宫巷3号1单元502室" in page
    assert "13700137000" in page
    assert "环城北路93号党小组" in page and "刘光前" in page
    assert "王秀英" not in page


def test_overview_shows_counts_per_community_to_the_overseer(world, login):
    response = login(world.overseer).get(reverse("overview"))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["community"].code for row in rows] == ["xihu"]
    assert rows[0]["residents"] == 3 and rows[0]["members"] == 2 and rows[0]["groups"] == 1
    assert response.context["totals"]["buildings"] == 2
    page = response.content.decode()
    for name in ("刘光前", "王秀英", "张建国", "13800138000", "138****8000"):
        assert name not in page


@pytest.mark.parametrize("persona", ["admin", "leader", "volunteer", "resident", "outsider"])
def test_overview_is_404_for_anyone_but_an_overseer(world, login, persona):
    assert login(getattr(world, persona)).get(reverse("overview")).status_code == 404


# --- places ----------------------------------------------------------------------------------


def test_leader_lists_only_the_buildings_their_group_serves(world, login):
    client = login(world.leader)
    page = client.get(url("buildings")).content.decode()
    assert "环城北路93号" in page and "学宫巷3号" not in page
    assert client.get(url("building", world.building2.pk)).status_code == 404


def test_building_page_names_residents_only_where_in_scope(world, login):
    other_stairwell = Stairwell.objects.create(community=world.community, building=world.building, name="2单元")
    other_home = Household.objects.create(community=world.community, stairwell=other_stairwell, room="101")
    Resident.objects.create(community=world.community, household=other_home, name="赵大爷")
    world.building.adjacent.add(world.building2)
    page = login(world.leader).get(url("building", world.building.pk)).content.decode()
    assert "刘光前" in page and "王秀英" in page
    assert "赵大爷" not in page
    assert "101室" in page
    assert "学宫巷3号" in page and url("building", world.building2.pk) not in page
    admin_page = login(world.admin).get(url("building", world.building.pk)).content.decode()
    assert "赵大爷" in admin_page and url("building", world.building2.pk) in admin_page


# --- residents list -----------------------------------------------------------------------------


def test_residents_list_rows_show_masked_phone_age_and_care_tags(world, login):
    response = login(world.admin).get(url("residents"))
    page = response.content.decode()
    assert response.context["page"].paginator.count == 3
    assert "138****8000" in page and "13800138000" not in page
    assert "独居老人" in page
    assert "环城北路93号1单元301室" in page


def test_live_search_returns_only_the_results_partial(world, login):
    response = login(world.admin).get(url("residents"), {"q": "lgq"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "刘光前" in page and "王秀英" not in page
    assert "HX-Request" in response["Vary"]


def test_residents_list_filters_by_building_tag_and_members(world, login):
    client = login(world.admin)

    def names(**params) -> set[str]:
        return {r.name for r in client.get(url("residents"), params).context["page"].object_list}

    assert names(building=world.building2.pk) == {"张建国"}
    assert names(tag=world.elderly.pk) == {"刘光前"}
    assert names(members_only="on") == {"刘光前", "王秀英"}
    assert names(building="not-a-number") == {"刘光前", "王秀英", "张建国"}


def test_residents_list_pages_by_fifty(world, login):
    Resident.objects.bulk_create(
        Resident(
            community=world.community,
            household=world.household2,
            name=f"测试{i:03d}",
            name_pinyin=f"ceshi{i:03d}",
        )
        for i in range(60)
    )
    client = login(world.admin)
    first = client.get(url("residents"))
    assert len(first.context["page"].object_list) == 50
    second = client.get(url("residents"), {"page": 2})
    assert len(second.context["page"].object_list) == 13
    assert "page=2" in first.content.decode()


def test_leader_reads_residents_in_scope_without_edit_buttons(world, login):
    client = login(world.leader)
    response = client.get(url("residents"))
    assert {r.name for r in response.context["page"].object_list} == {"刘光前", "王秀英"}
    assert client.get(url("resident", world.zhang.pk)).status_code == 404
    page = client.get(url("resident", world.wang.pk)).content.decode()
    assert "修改信息" not in page and url("resident_create") not in page


def test_resident_page_shows_member_record(world, login):
    page = login(world.admin).get(url("resident", world.liu.pk)).content.decode()
    assert "党员档案" in page and "1975年7月1日" in page and "环城北路93号党小组" in page and "退休" in page


# --- members list ---------------------------------------------------------------------------------


def test_members_list_filters_by_group_registration_and_standing(world, login):
    Member.objects.filter(pk=world.wang_member.pk).update(group=None, standing="probationary", registration="mobile")
    client = login(world.admin)

    def names(**params) -> set[str]:
        return {m.resident.name for m in client.get(url("members"), params).context["page"].object_list}

    assert names() == {"刘光前", "王秀英"}
    assert names(group="none") == {"王秀英"}
    assert names(group=str(world.group.pk)) == {"刘光前"}
    assert names(standing="probationary") == {"王秀英"}
    assert names(registration="mobile") == {"王秀英"}
    assert names(employment="retired") == {"刘光前"}
    assert names(q="wxy") == {"王秀英"}


def test_outsider_members_list_never_lists_xihu_members(world, login):
    assert login(world.outsider).get(url("members")).status_code == 404


# --- admin edits ---------------------------------------------------------------------------------


def place(world, room="301") -> dict:
    return {"building": world.building.pk, "stairwell": world.stairwell.pk, "room": room}


def test_admin_adds_a_resident_with_birth_date_and_gender_from_the_id(world, login):
    response = login(world.admin).post(
        url("resident_create"),
        {"name": " 李 四 ", "phone": "+86 139-0000-1111", "id_number": "43040719800101028x",
         "care_tags": [world.elderly.pk], **place(world, "402")},
    )  # fmt: skip
    resident = Resident.objects.get(name="李四")
    assert response.status_code == 302 and response["Location"] == url("resident", resident.pk)
    assert resident.phone == "13900001111"
    assert resident.id_number == "43040719800101028X"
    assert resident.birth_date == date(1980, 1, 1) and resident.gender == "F"
    assert str(resident.household) == "环城北路93号1单元402室"
    entry = AuditEntry.objects.get(action="create", object_type="resident")
    assert entry.detail["changes"]["phone"] == ["", "139****1111"]
    assert entry.detail["new_household"] == "环城北路93号1单元402室"
    assert entry.actor == world.admin


def test_bad_phone_and_bad_id_checksum_give_chinese_errors_and_keep_typed_values(world, login):
    response = login(world.admin).post(
        url("resident_create"),
        {
            "name": "李四",
            "phone": "12345",
            "id_number": "430407195003020016",
            "note": "三楼左手",
            **place(world),
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert "电话号码位数不对" in form.errors["phone"][0]
    assert "校验位不对" in form.errors["id_number"][0]
    page = response.content.decode()
    assert 'value="12345"' in page and 'value="430407195003020016"' in page and "三楼左手" in page
    assert not Resident.objects.filter(name="李四").exists()


def test_id_contradicting_the_birth_date_is_flagged(world, login):
    response = login(world.admin).post(
        url("resident_create"),
        {"name": "李四", "id_number": "43040719800101028X", "birth_date": "1981-01-01", **place(world)},
    )
    assert "出生日期与身份证号不一致" in response.context["form"].errors["birth_date"][0]


def test_duplicate_id_number_is_refused_in_chinese(world, login):
    response = login(world.admin).post(
        url("resident_create"), {"name": "李四", "id_number": world.liu.id_number, **place(world)}
    )
    assert "本社区已有身份证号相同的居民：刘光前" in response.context["form"].errors["id_number"][0]


def test_missing_place_is_explained(world, login):
    response = login(world.admin).post(url("resident_create"), {"name": "李四"})
    assert response.context["place"].errors["building"] == ["请选择楼栋"]
    assert response.context["place"].errors["room"] == ["请填写房号"]


def test_stairwell_of_another_building_is_refused(world, login):
    data = {"name": "李四", "building": world.building.pk, "stairwell": world.stairwell2.pk, "room": "1"}
    response = login(world.admin).post(url("resident_create"), data)
    assert "不在环城北路93号" in response.context["place"].errors["stairwell"][0]


def test_admin_edit_is_audited_with_masked_changes(world, login):
    client = login(world.admin)
    response = client.post(
        url("resident_edit", world.zhang.pk),
        {
            "name": "张建国",
            "gender": "M",
            "birth_date": "1961-01-20",
            "phone": "13712345678",
            "note": "腿脚不便",
        },
    )
    assert response.status_code == 302
    world.zhang.refresh_from_db()
    assert world.zhang.phone == "13712345678" and world.zhang.note == "腿脚不便"
    entry = AuditEntry.objects.get(action="update", object_id=str(world.zhang.pk))
    assert entry.detail["changes"]["phone"] == ["137****7000", "137****5678"]
    assert entry.detail["changes"]["note"] == ["", "腿脚不便"]
    assert "13712345678" not in str(entry.detail)


def test_admin_deletes_a_resident_after_confirming(world, login):
    client = login(world.admin)
    confirm = client.get(url("resident_delete", world.zhang.pk))
    assert "确认删除" in confirm.content.decode()
    assert Resident.objects.filter(pk=world.zhang.pk).exists()
    client.post(url("resident_delete", world.zhang.pk))
    assert not Resident.objects.filter(pk=world.zhang.pk).exists()
    entry = AuditEntry.objects.get(action="delete", object_type="resident")
    # The log holds the name as a pseudonym (loudong.accounts.audit), shown back while not erased.
    assert "张建国" not in entry.object_repr and shown_text(entry.object_repr) == "张建国"
    assert entry.object_id == str(world.zhang.pk)


def test_admin_moves_a_resident_to_a_room_not_yet_known(world, login):
    client = login(world.admin)
    response = client.post(url("resident_move", world.zhang.pk), place(world, "602室"))
    assert response.status_code == 302
    world.zhang.refresh_from_db()
    assert str(world.zhang.household) == "环城北路93号1单元602室"
    assert Household.objects.filter(stairwell=world.stairwell, room="602").count() == 1
    entry = AuditEntry.objects.get(action="update", object_id=str(world.zhang.pk))
    assert entry.detail["changes"]["household"] == ["学宫巷3号1单元502室", "环城北路93号1单元602室"]


def test_stairwell_choices_follow_the_chosen_building(world, login):
    response = login(world.admin).get(url("stairwell_options"), {"building": world.building2.pk})
    page = response.content.decode()
    assert f'value="{world.stairwell2.pk}"' in page and f'value="{world.stairwell.pk}"' not in page


def test_admin_adds_a_member_record_with_a_new_service_item(world, login):
    client = login(world.admin)
    record = {
        "joined_on": "1985-07-01", "standing": "full", "registration": "other", "registered_org": "",
        "employment": "retired", "service_items": [world.errands.pk], "new_service_items": "理发、修家电",
        "group": world.group.pk,
    }  # fmt: skip
    response = client.post(url("member_edit", world.zhang.pk), record)
    assert "组织关系在其他单位时，请填写单位名称" in response.context["form"].errors["registered_org"][0]
    response = client.post(url("member_edit", world.zhang.pk), {**record, "registered_org": "衡阳市第一中学"})
    assert response.status_code == 302
    member = Member.objects.get(resident=world.zhang)
    assert member.registration_display == "衡阳市第一中学"
    assert {i.name for i in member.service_items.all()} == {"代买代办", "理发", "修家电"}
    assert ServiceItem.objects.filter(community=world.community, name="理发").count() == 1
    assert AuditEntry.objects.filter(action="create", object_type="member", object_id=str(member.pk)).exists()


def test_admin_removes_a_member_record_and_keeps_the_resident(world, login):
    client = login(world.admin)
    client.post(url("member_delete", world.wang.pk))
    assert not Member.objects.filter(resident=world.wang).exists()
    assert Resident.objects.filter(pk=world.wang.pk).exists()
    assert AuditEntry.objects.filter(action="delete", object_type="member").exists()


def test_residents_and_members_lists_take_a_fixed_number_of_queries(world, login, django_assert_max_num_queries):
    for i in range(60):
        resident = Resident.objects.create(community=world.community, household=world.household, name=f"测试{i}")
        resident.care_tags.add(world.elderly)
        Member.objects.create(community=world.community, resident=resident, group=world.group)
    client = login(world.admin)
    with django_assert_max_num_queries(12):
        client.get(url("residents"))
    with django_assert_max_num_queries(12):
        client.get(url("members"))
