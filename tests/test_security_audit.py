"""Security events in the audit log (等保 2.0): every login, failure, lockout and logout with the
time, the account (or the name typed), the client's address and the outcome, never the password;
and the admin's export of the log, filtered as on the page, itself recorded."""

import io
from datetime import timedelta

from conftest import PASSWORD
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from loudong.accounts.models import AuditEntry

ADDRESS = "10.9.8.7"


def attempt(client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ADDRESS)


def entries(**filters: object) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def test_login_failure_lockout_and_logout_are_each_recorded_with_address_and_outcome(world, client):
    before = timezone.now()
    for _ in range(5):
        attempt(client, "leader", "typo-password-1")
    assert attempt(client, "leader", PASSWORD).status_code == 429
    client.post(reverse("login"), {"username": "leader", "password": PASSWORD}, REMOTE_ADDR="10.9.8.6")
    client.post(reverse("logout"), REMOTE_ADDR="10.9.8.6")

    logins = entries(action="login")
    assert [e.detail for e in logins] == [{"success": False}] * 4 + [{"success": False, "locked": True}] * 2 + [
        {"success": True}
    ]
    assert all(e.actor_id == world.leader.pk and e.community_id == world.community.pk for e in logins)
    assert [e.ip for e in logins] == [ADDRESS] * 6 + ["10.9.8.6"]
    assert all(e.at >= before for e in logins)
    (logout,) = entries(action="logout")
    assert logout.actor_id == world.leader.pk and logout.ip == "10.9.8.6"
    assert logout.community_id == world.community.pk and logout.id > logins[-1].id
    assert "typo-password-1" not in str(list(AuditEntry.objects.values_list("detail", "object_repr")))


def test_a_failure_for_an_unknown_name_keeps_the_name_typed(db, client):
    attempt(client, "guessed-admin", "whatever-1")
    (entry,) = entries(action="login")
    assert entry.object_repr == "guessed-admin" and entry.actor_id is None and entry.ip == ADDRESS


def test_logout_reads_in_chinese_on_the_audit_page(world, client, login):
    login(world.leader)
    client.post(reverse("logout"))
    page = login(world.admin).get(reverse("audit", args=["xihu"]), {"action": "logout"})
    (row,) = page.context["rows"]
    assert row["action"] == "退出登录" and row["actor"] == "leader"  # the stored name is a pseudonym


def test_a_role_given_on_the_command_line_is_recorded(world):
    call_command("grant_role", "newcomer", "--role", "volunteer", "--group", str(world.group.pk),
                 "--create", "--password", "long-enough-passphrase-1")  # fmt: skip
    (grant,) = entries(action="create", object_type="grant")
    assert grant.community_id == world.community.pk and "党员志愿者" in grant.object_repr


def exported(client, **params: str) -> tuple[list[tuple], object]:
    response = client.get(reverse("audit_export", args=["xihu"]), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    return list(sheet.iter_rows(values_only=True)), response


def test_the_admin_exports_the_log_as_filtered_and_the_export_is_recorded(world, client, login):
    attempt(client, "volunteer", "typo-password-2")
    attempt(client, "volunteer", PASSWORD)
    client.post(reverse("logout"))
    AuditEntry.objects.create(
        community=world.other, actor=world.outsider, actor_name="outsider", action="login", object_type="user"
    )
    login(world.admin)

    rows, _ = exported(client)
    header, *body = rows
    assert header == ("时间", "操作人", "操作", "对象类型", "对象", "内容", "来源地址")
    in_xihu = AuditEntry.objects.filter(community=world.community).count() - 1  # the export's own entry
    assert len(body) == in_xihu
    assert ("volunteer", "登录", "账号", "volunteer", "结果：失败：用户名或密码错误", ADDRESS) in [r[1:] for r in body]
    assert not any(r[1] == "outsider" for r in body)

    only_logouts, _ = exported(client, action="logout")
    assert [r[1:3] for r in only_logouts[1:]] == [("volunteer", "退出登录")]
    nothing, _ = exported(client, date_to=(timezone.localdate() - timedelta(days=1)).isoformat())
    assert nothing[1:] == []

    mine = entries(action="export", object_type="auditentry")
    assert len(mine) == 3 and all(e.actor_id == world.admin.pk and e.community_id == world.community.pk for e in mine)
    assert mine[0].detail == {"filter": "全部", "rows": in_xihu}
    assert mine[1].detail == {"filter": "操作：退出登录", "rows": 1}


def test_the_audit_page_links_its_export_with_the_filters(world, client, login):
    attempt(client, "volunteer", PASSWORD)
    page = login(world.admin).get(reverse("audit", args=["xihu"]), {"action": "login"})
    assert f'href="{reverse("audit_export", args=["xihu"])}?action=login"' in page.content.decode()


def test_only_the_community_s_admin_may_export(world, client, login):
    for user in (world.leader, world.volunteer, world.outsider, world.overseer):
        login(user)
        assert client.get(reverse("audit_export", args=["xihu"])).status_code == 404
    assert not entries(action="export", object_type="auditentry")
