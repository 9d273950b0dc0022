"""A full phone or ID number shown to anyone is written down: revealed on the resident's page, or
shown in the admin's edit form, which holds both in full."""

from django.urls import reverse

from loudong.accounts.models import AuditEntry


def edit_url(resident) -> str:
    return reverse("registry:resident_edit", args=["xihu", resident.pk])


def shown(resident) -> list[tuple]:
    return sorted(
        AuditEntry.objects.filter(action="view", object_type="resident", object_id=str(resident.pk)).values_list(
            "actor__username", "detail__field", "detail__page"
        )
    )


def test_opening_the_edit_form_is_recorded_like_revealing_the_phone_and_id(world, login):
    page = login(world.admin).get(edit_url(world.liu)).content.decode()
    assert "13800138000" in page and "430407195003020015" in page
    assert shown(world.liu) == [("admin", "id_number", "edit"), ("admin", "phone", "edit")]
    entry = AuditEntry.objects.filter(action="view").first()
    assert entry.community_id == world.community.pk and entry.ip == "127.0.0.1"


def test_only_the_values_filled_in_are_recorded(world, login):
    login(world.admin).get(edit_url(world.zhang))  # a phone, no ID number
    assert shown(world.zhang) == [("admin", "phone", "edit")]


def test_the_audit_page_says_which_full_value_was_shown(world, login):
    client = login(world.admin)
    client.get(edit_url(world.zhang))
    page = client.get(reverse("audit", args=["xihu"]), {"action": "view"}).content.decode()
    assert "显示了完整的联系电话" in page


def test_saving_the_form_records_the_change_not_another_view(world, login):
    client = login(world.admin)
    response = client.post(
        edit_url(world.zhang), {"name": "张建国", "gender": "M", "birth_date": "1961-01-20", "phone": "13712345678"}
    )
    assert response.status_code == 302
    assert not shown(world.zhang)
    assert AuditEntry.objects.filter(action="update", object_id=str(world.zhang.pk)).exists()


def test_a_leader_cannot_open_the_form_and_nothing_is_recorded(world, login):
    assert login(world.leader).get(edit_url(world.liu)).status_code == 404
    assert not shown(world.liu)
