"""Phones and ID numbers stay masked unless the role needs the full value; a full value shown is audited."""

import pytest
from django.urls import reverse

from loudong.accounts.models import AuditEntry


def entries():
    """Entries about personal data (logins are recorded too, by the accounts app)."""
    return AuditEntry.objects.exclude(action="login")


def url(name: str, *args) -> str:
    return reverse(f"registry:{name}", args=["xihu", *args])


def test_resident_page_shows_phone_and_id_masked_and_the_visit_is_recorded(world, login):
    page = login(world.admin).get(url("resident", world.liu.pk)).content.decode()
    assert "138****8000" in page and "13800138000" not in page
    assert "430407**********15" in page and "430407195003020015" not in page
    entry = entries().get()
    assert entry.action == "view" and entry.detail == {"page": "resident"} and entry.actor == world.admin


def test_lists_show_phones_masked_even_to_the_admin(world, login):
    client = login(world.admin)
    for name in ("residents", "members"):
        page = client.get(url(name)).content.decode()
        assert "138****8000" in page and "13800138000" not in page, name


def test_admin_reveals_a_full_phone_and_the_view_is_recorded(world, login):
    response = login(world.admin).post(url("reveal", world.liu.pk, "phone"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "13800138000" in response.content.decode()
    assert "<html" not in response.content.decode()
    entry = entries().get()
    assert entry.action == "view" and entry.detail == {"field": "phone"}
    assert entry.object_type == "resident" and entry.object_id == str(world.liu.pk)
    assert entry.actor == world.admin and entry.community_id == world.community.pk


def test_reveal_without_script_shows_the_whole_page_with_the_full_value(world, login):
    response = login(world.admin).post(url("reveal", world.liu.pk, "id_number"))
    page = response.content.decode()
    assert "<html" in page and "430407195003020015" in page and "13800138000" not in page
    assert entries().get().detail == {"field": "id_number"}


def test_leader_may_reveal_a_phone_but_not_an_id_number(world, login):
    world.wang.id_number = "430407195307090020"
    world.wang.save()
    client = login(world.leader)
    page = client.get(url("resident", world.wang.pk)).content.decode()
    assert page.count("显示完整号码") == 1
    assert "13900139000" in client.post(url("reveal", world.wang.pk, "phone")).content.decode()
    assert client.post(url("reveal", world.wang.pk, "id_number")).status_code == 404
    assert list(entries().filter(detail__has_key="field").values_list("detail", flat=True)) == [{"field": "phone"}]


def test_leader_cannot_reveal_outside_their_group(world, login):
    assert login(world.leader).post(url("reveal", world.zhang.pk, "phone")).status_code == 404
    assert not entries().exists()


@pytest.mark.parametrize("persona", ["volunteer", "resident", "overseer", "outsider"])
def test_refused_reveal_is_404_and_leaves_no_value(world, login, persona):
    response = login(getattr(world, persona)).post(url("reveal", world.liu.pk, "phone"))
    assert response.status_code == 404
    assert "13800138000" not in response.content.decode()
    assert not entries().exists()


def test_reveal_of_an_unknown_field_is_404(world, login):
    assert login(world.admin).post(url("reveal", world.liu.pk, "note")).status_code == 404


def test_reveal_needs_a_post(world, login):
    assert login(world.admin).get(url("reveal", world.liu.pk, "phone")).status_code == 405
    assert not entries().exists()


def test_volunteer_sees_fellow_members_phones_masked(world, login):
    page = login(world.volunteer).get(reverse("community", args=["xihu"])).content.decode()
    assert "138****8000" in page and "13800138000" not in page


def test_building_page_shows_no_phone_at_all(world, login):
    page = login(world.admin).get(url("building", world.building.pk)).content.decode()
    assert "13800138000" not in page and "138****8000" not in page
