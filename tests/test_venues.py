"""红色议事厅: a venue in a member's home, the household's consent (withdrawn → closed), the kit
handed over and returned; the admin edits, the group's leader reads, others see nothing."""

from datetime import date

import pytest
from django.urls import reverse

from loudong.accounts.models import AuditEntry
from loudong.groups.models import Venue, VenueConsent, VenueKitItem


def url(name: str, *args) -> str:
    return reverse(f"venues:{name}", args=["xihu", *args])


@pytest.fixture
def venue(world) -> Venue:
    """刘光前's home, with his and 王秀英's consent, a flag and twelve chairs."""
    venue = Venue.objects.create(
        community=world.community, group=world.group, host=world.liu_member, household=world.household,
        opening_times="每周二、五 下午 3:00–5:00", opened_on=date(2021, 6, 25),
    )  # fmt: skip
    consent = VenueConsent.objects.create(community=world.community, venue=venue, given_on=date(2021, 6, 20),
                                          note="老两口都同意")  # fmt: skip
    consent.people.set([world.liu, world.wang])
    VenueKitItem.objects.create(community=world.community, venue=venue, kind="flag", quantity=1,
                                handed_over_on=date(2021, 6, 25))  # fmt: skip
    VenueKitItem.objects.create(community=world.community, venue=venue, kind="chairs", quantity=12,
                                handed_over_on=date(2021, 6, 25))  # fmt: skip
    return venue


def test_admin_records_a_venue_in_a_members_home(world, login):
    client = login(world.admin)
    response = client.post(url("create"), {
        "group": world.group.pk, "host": world.liu_member.pk, "name": "红色议事厅",
        "opening_times": "每周二、五 下午 3:00–5:00", "opened_on": "2021-06-25", "note": "",
    })  # fmt: skip
    venue = Venue.objects.get()
    assert response.status_code == 302
    assert venue.household == world.household and venue.community == world.community
    page = client.get(url("detail", venue.pk)).content.decode()
    assert "环城北路93号1单元301室" in page
    assert "已关闭" in page and "还没有登记主人和家人的同意" in page  # no consent yet
    assert AuditEntry.objects.filter(object_type="venue", action="create").exists()


def test_the_host_must_belong_to_the_venues_group(world, login):
    world.wang_member.group = None
    world.wang_member.save()
    response = login(world.admin).post(url("create"), {
        "group": world.group.pk, "host": world.wang_member.pk, "name": "红色议事厅", "opening_times": "每周三",
    })  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert "王秀英不是环城北路93号党小组的党员" in page
    assert "每周三" in page  # what was typed is kept
    assert not Venue.objects.exists()


def test_consent_names_who_agreed_and_opens_the_venue(world, login):
    venue = Venue.objects.create(community=world.community, group=world.group, host=world.liu_member,
                                 household=world.household)  # fmt: skip
    client = login(world.admin)
    response = client.post(url("consent", venue.pk), {
        "given_on": "2021-06-20", "people": [world.liu.pk, world.wang.pk], "others": "女儿 刘小红（不住本户）",
        "note": "在社区签了同意书",
    }, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "开放中" in page and "刘光前、王秀英、女儿 刘小红（不住本户）" in page
    consent = venue.consents.get()
    assert consent.recorded_by == "admin" and consent.given_on == date(2021, 6, 20)
    entry = AuditEntry.objects.get(object_type="venueconsent")
    assert entry.detail["同意人"] == ["刘光前", "王秀英", "女儿 刘小红（不住本户）"]


def test_consent_needs_at_least_one_person(world, login):
    venue = Venue.objects.create(community=world.community, group=world.group, host=world.liu_member,
                                 household=world.household)  # fmt: skip
    response = login(world.admin).post(url("consent", venue.pk), {"given_on": "2021-06-20", "note": "口头同意"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "请至少勾选一位同意的家庭成员" in page and "口头同意" in page
    assert not venue.consents.exists()


def test_only_residents_of_the_household_can_be_ticked_as_consenting(world, venue, login):
    venue.consents.update(withdrawn_on=date(2022, 1, 1))
    response = login(world.admin).post(url("consent", venue.pk), {"given_on": "2022-02-01", "people": [world.zhang.pk]})
    assert response.status_code == 400
    assert venue.consents.count() == 1


def test_withdrawn_consent_closes_the_venue(world, venue, login):
    client = login(world.admin)
    consent = venue.consents.get()
    response = client.post(url("withdraw", venue.pk, consent.pk), {
        "withdrawn_on": "2024-03-01", "withdrawal_note": "家里老人生病，暂停",
    }, follow=True)  # fmt: skip
    page = response.content.decode()
    assert "已关闭" in page and "家里老人生病，暂停" in page
    assert client.get(url("list")).content.decode().count("已关闭") == 1
    group_page = client.get(reverse("elections:group", args=["xihu", world.group.pk])).content.decode()
    assert "本小组暂时没有开放的红色议事厅" in group_page
    assert AuditEntry.objects.filter(object_type="venueconsent", action="update").exists()


def test_a_second_consent_is_refused_while_one_stands(world, venue, login):
    response = login(world.admin).post(url("consent", venue.pk), {"given_on": "2022-02-01",
                                                                  "people": [world.liu.pk]}, follow=True)  # fmt: skip
    assert "已有有效的同意" in response.content.decode()
    assert venue.consents.count() == 1


def test_kit_is_handed_over_and_returned(world, venue, login):
    client = login(world.admin)
    response = client.post(url("kit", venue.pk), {
        "kind": "books", "description": "《中国共产党简史》", "quantity": "20", "handed_over_on": "2021-06-25",
    }, follow=True)  # fmt: skip
    assert "已登记发放：红色书籍 × 20" in response.content.decode()
    chairs = venue.kit.get(kind="chairs")
    response = client.post(
        url("kit_return", venue.pk, chairs.pk), {"returned_on": "2023-05-01", "return_note": "坏了 2 把"}, follow=True
    )
    page = response.content.decode()
    assert "2023年5月1日 已收回（坏了 2 把）" in page
    assert "《中国共产党简史》" in page
    assert AuditEntry.objects.filter(object_type="venuekititem").count() == 2


def test_kit_quantity_must_be_at_least_one(world, venue, login):
    response = login(world.admin).post(url("kit", venue.pk), {"kind": "kettle", "quantity": "0",
                                                              "handed_over_on": "2021-06-25"})  # fmt: skip
    assert response.status_code == 400
    assert "数量至少是 1" in response.content.decode()


def test_leader_reads_the_venue_but_cannot_change_it(world, venue, login):
    client = login(world.leader)
    page = client.get(url("detail", venue.pk)).content.decode()
    assert "开放中" in page and "每周二、五 下午 3:00–5:00" in page and "椅子" in page
    assert "登记发放" not in page
    assert client.get(url("edit", venue.pk)).status_code == 404
    assert (
        client.post(url("kit", venue.pk), {"kind": "kettle", "quantity": 1, "handed_over_on": "2021-06-25"}).status_code
        == 404
    )
    consent = venue.consents.get()
    assert client.post(url("withdraw", venue.pk, consent.pk), {"withdrawn_on": "2024-03-01"}).status_code == 404
    assert client.get(url("create")).status_code == 404


@pytest.mark.parametrize("persona", ["outsider", "volunteer", "resident", "overseer"])
def test_others_get_404_on_venue_pages(world, venue, login, persona):
    client = login(getattr(world, persona))
    assert client.get(url("detail", venue.pk)).status_code == 404
    assert client.get(url("list")).status_code == 404


def test_members_see_the_open_venue_on_their_group_page(world, venue, login):
    page = login(world.volunteer).get(reverse("elections:group", args=["xihu", world.group.pk])).content.decode()
    assert "环城北路93号1单元301室" in page and "每周二、五 下午 3:00–5:00" in page
