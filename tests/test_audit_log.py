"""The audit log: append-only in the database and the ORM, and readable by the community admin only,
newest first, 50 a page, with filters."""

import re
from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry

SHANGHAI = ZoneInfo("Asia/Shanghai")


def audit_url(code: str = "xihu", **query: str) -> str:
    from urllib.parse import urlencode

    return reverse("audit", args=[code]) + ("?" + urlencode(query) if query else "")


def write_at(when: datetime, **fields: object) -> AuditEntry:
    """An entry as if written at `when` (the column is filled by the database write itself)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return AuditEntry.objects.create(**{"action": "view", "object_type": "resident", **fields})


def shown_reprs(response) -> list[str]:
    return [row["object_repr"] for row in response.context["rows"]]


@pytest.mark.parametrize("persona", ["leader", "volunteer", "resident", "overseer", "outsider"])
def test_only_the_community_admin_sees_the_audit_log(world, login, persona):
    assert login(getattr(world, persona)).get(audit_url()).status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page(world, client):
    response = client.get(audit_url())
    assert response.status_code == 302 and reverse("login") in response.url


def test_admin_sees_entries_of_their_community_only(world, login):
    record(None, "view", world.liu, actor=world.admin, detail={"phone": "138****8000"})
    record(None, "view", world.stranger, actor=world.outsider)
    response = login(world.admin).get(audit_url())
    assert response.status_code == 200
    reprs = shown_reprs(response)
    assert "刘光前" in reprs and "陈外人" not in reprs
    assert login(world.outsider).get(audit_url("other")).status_code == 200


def test_entries_are_newest_first_fifty_a_page(world, login):
    client = login(world.admin)
    for n in range(60):
        when = datetime(2024, 5, 1, 8, n, tzinfo=SHANGHAI)
        write_at(when, community=world.community, object_repr=f"第{n}条")
    first = client.get(audit_url(object_type="resident"))
    assert shown_reprs(first)[:2] == ["第59条", "第58条"]
    assert len(first.context["rows"]) == 50
    second = client.get(audit_url(object_type="resident", page="2"))
    assert shown_reprs(second) == [f"第{n}条" for n in range(9, -1, -1)]
    assert "object_type=resident" in first.content.decode().split("下一页")[0].rsplit("href=", 1)[1]


def test_filter_by_action_and_actor_name(world, login):
    record(None, "export", world.liu, actor=world.admin, object_repr="居民名册")
    record(None, "view", world.liu, actor=world.leader, object_repr="刘光前 电话")
    client = login(world.admin)
    assert shown_reprs(client.get(audit_url(action="export"))) == ["居民名册"]
    assert shown_reprs(client.get(audit_url(actor="lead", action="view"))) == ["刘光前 电话"]


def test_date_filters_count_days_in_shanghai_time(world, login):
    # Both are on 1 May in UTC, but on two different days in Shanghai.
    write_at(datetime(2024, 5, 1, 23, 30, tzinfo=SHANGHAI), community=world.community, object_repr="late")
    write_at(datetime(2024, 5, 2, 0, 30, tzinfo=SHANGHAI), community=world.community, object_repr="early")
    client = login(world.admin)
    assert shown_reprs(client.get(audit_url(date_from="2024-05-02", object_type="resident"))) == ["early"]
    assert shown_reprs(client.get(audit_url(date_to="2024-05-01"))) == ["late"]
    both = client.get(audit_url(date_from="2024-05-01", date_to="2024-05-02"))
    assert shown_reprs(both) == ["early", "late"]


def test_filter_by_object_type(world, login):
    record(None, "update", world.liu_member, actor=world.admin)
    record(None, "update", world.liu, actor=world.admin)
    response = login(world.admin).get(audit_url(object_type="member"))
    assert [row["entry"].object_type for row in response.context["rows"]] == ["member"]
    assert "党员档案" in response.content.decode()


def test_a_wrong_date_is_explained_and_ignored(world, login):
    record(None, "view", world.liu, actor=world.admin)
    response = login(world.admin).get(audit_url(date_from="yesterday"))
    assert response.status_code == 200
    assert "请按 2024-05-01 的格式填写日期" in response.content.decode()
    assert "刘光前" in shown_reprs(response)


def test_page_shows_time_actor_action_object_masked_changes_and_address(world, login, rf):
    request = rf.get("/", REMOTE_ADDR="192.0.2.7")
    request.user = world.admin
    diff = changes({"phone": "13800138000", "name": "刘光前"}, {"phone": "13900139000", "name": "刘光前"})
    write_at(datetime(2024, 5, 3, 9, 15, 30, tzinfo=SHANGHAI), community=world.community)
    record(request, "update", world.liu, detail=diff)
    page = login(world.admin).get(audit_url(action="update")).content.decode()
    assert "联系电话：138****8000 → 139****9000" in page
    assert "13800138000" not in page
    assert "192.0.2.7" in page
    assert "admin" in page and "修改" in page and "居民：刘光前" in page
    times = login(world.admin).get(audit_url(action="view")).content.decode()
    assert "2024-05-03 09:15:30" in times


def test_login_entries_read_as_success_or_failure(world, client, login):
    client.post(reverse("login"), {"username": "admin", "password": "wrong-password"})
    page = login(world.admin).get(audit_url(action="login")).content.decode()
    assert "结果：失败：用户名或密码错误" in page
    assert "结果：成功" in page


def test_the_page_offers_no_way_to_change_the_log(world, login):
    record(None, "view", world.liu, actor=world.admin)
    client = login(world.admin)
    page = client.get(audit_url()).content.decode()
    posts = re.findall(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page)
    assert sorted(posts) == sorted([reverse("logout"), reverse("elder_toggle")])  # the top bar's buttons only
    assert client.post(audit_url()).status_code == 405


def test_the_database_refuses_update_through_raw_sql(world):
    entry = record(None, "view", world.liu, actor=world.admin)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        sql = "UPDATE accounts_auditentry SET actor_name = %s WHERE id = %s"
        cursor.execute(sql, ["someone else", entry.pk])
    entry.refresh_from_db()
    assert entry.actor_name == "admin"


def test_the_orm_refuses_update_and_delete(world):
    entry = record(None, "view", world.liu, actor=world.admin)
    entries = AuditEntry.objects.filter(pk=entry.pk)
    with pytest.raises(PermissionDenied):
        entries.update(actor_name="someone else")
    with pytest.raises(PermissionDenied):
        entries.delete()
    with pytest.raises(PermissionDenied):
        entry.delete()
    entry.actor_name = "someone else"
    with pytest.raises(PermissionDenied):
        entry.save()
    assert AuditEntry.objects.get(pk=entry.pk).actor_name == "admin"


def test_views_of_personal_data_read_in_plain_words(world, login):
    client = login(world.admin)
    client.get(reverse("registry:resident", args=["xihu", world.liu.pk]))
    client.post(reverse("registry:reveal", args=["xihu", world.liu.pk, "phone"]))
    page = client.get(reverse("audit", args=["xihu"])).content.decode()
    assert "打开了档案页面" in page
    assert "显示了完整的联系电话" in page


def test_field_changes_written_under_changes_read_as_plain_lines(world, login):
    record(
        None,
        AuditEntry.Action.UPDATE,
        world.liu,
        actor=world.admin,
        detail={"changes": changes({"phone": "13800138000"}, {"phone": "13900139000"})},
    )
    page = login(world.admin).get(audit_url()).content.decode()
    assert "138****8000 → 139****9000" in page
    assert "changes" not in page
