"""`loudong grant_role`: how a deployment creates its first community admin and gives roles."""

import pytest
from axes.models import AccessAttempt
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError

from loudong.accounts.models import AuditEntry, Grant, Role, User


def grant(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("grant_role", *args, stdout=out)
    return out.getvalue()


def refused(*args: str) -> str:
    with pytest.raises(CommandError) as error:
        grant(*args)
    assert error.value.returncode == 2
    return str(error.value)


def test_creates_the_first_community_admin_who_can_then_log_in(world, client):
    out = grant(
        "secretary",
        "--role",
        "admin",
        "--community",
        "xihu",
        "--create",
        "--password",
        "a-long-passphrase-2026",
        "--name",
        "王书记",
    )
    user = User.objects.get(username="secretary")
    assert user.display_name == "王书记"
    assert Grant.objects.filter(user=user, role=Role.ADMIN, community=world.community).exists()
    assert "已新建用户 secretary" in out and "社区管理员 · 西湖新村社区" in out
    response = client.post("/accounts/login/", {"username": "secretary", "password": "a-long-passphrase-2026"})
    assert response.status_code == 302
    assert client.get(response.url, follow=True).status_code == 200


def test_the_grant_is_written_to_the_community_audit_log(world):
    grant("secretary", "--role", "admin", "--community", "xihu", "--create", "--password", "long-passphrase-2026")
    entries = AuditEntry.objects.filter(community=world.community, action="create")
    assert set(entries.values_list("object_type", flat=True)) == {"user", "grant"}
    assert set(entries.values_list("actor_name", flat=True)) == {"系统"}


def test_leader_role_takes_its_community_from_the_group(world):
    grant("volunteer", "--role", "leader", "--group", str(world.group.pk))
    made = Grant.objects.get(user=world.volunteer, role=Role.LEADER)
    assert made.group == world.group and made.community == world.community


def test_overseer_is_scoped_to_a_subdistrict_or_a_district(world):
    grant("outsider", "--role", "overseer", "--district", "shigu")
    grant("admin", "--role", "overseer", "--subdistrict", "qingshan")
    assert Grant.objects.get(user=world.outsider, role=Role.OVERSEER).district == world.district
    assert Grant.objects.get(user=world.admin, role=Role.OVERSEER).subdistrict == world.subdistrict


def test_granting_the_same_role_twice_adds_nothing(world):
    out = grant("admin", "--role", "admin", "--community", "xihu")
    assert "已有这个角色" in out
    assert Grant.objects.filter(user=world.admin).count() == 1


def test_a_new_password_for_an_existing_user_also_lifts_a_lockout(world, client):
    def log_in(password: str) -> int:
        return client.post("/accounts/login/", {"username": "leader", "password": password}).status_code

    for _ in range(5):
        log_in("wrong-password")
    assert log_in("new-passphrase-2026") == 429
    out = grant("leader", "--role", "leader", "--group", str(world.group.pk), "--password", "new-passphrase-2026")
    assert "重设密码，并解除了登录锁定" in out
    assert not AccessAttempt.objects.filter(username="leader").exists()
    assert log_in("new-passphrase-2026") == 302


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "请写明用户名"),
        (("admin", "--role", "boss", "--community", "xihu"), "--role 必须是"),
        (("admin", "--role", "admin"), "角色 admin 需要且只能用 --community 社区代码 指定范围"),
        (("admin", "--role", "admin", "--community", "xihu", "--district", "shigu"), "需要且只能用"),
        (("admin", "--role", "leader", "--community", "xihu"), "--group 党小组编号"),
        (("admin", "--role", "overseer", "--community", "xihu"), "--subdistrict 街道代码 或 --district 区代码"),
        (("admin", "--role", "admin", "--community", "nowhere"), "找不到社区代码 nowhere"),
        (("admin", "--role", "leader", "--group", "abc"), "找不到编号为 abc 的楼栋党小组"),
        (("admin", "--role", "overseer", "--subdistrict", "nowhere"), "找不到街道代码 nowhere"),
        (("ghost", "--role", "admin", "--community", "xihu"), "用户 ghost 不存在"),
        (("ghost", "--role", "admin", "--community", "xihu", "--create"), "必须用 --password 设置密码"),
        (("ghost", "--role", "admin", "--community", "xihu", "--create", "--password", "short"), "至少需要 10 个"),
        (("ghost", "--role", "admin", "--community", "xihu", "--create", "--password", "password"), "太常见"),
        (("ghost", "--role", "admin", "--community", "xihu", "--create", "--password", "only-letters-x"), "字母和数字"),
    ],
)
def test_bad_input_is_refused_in_chinese_with_exit_code_2(world, args, message):
    assert message in refused(*args)
    assert not User.objects.filter(username="ghost").exists()
    assert Grant.objects.count() == 6


def test_command_line_exits_with_code_2_and_a_chinese_message(world, capsys):
    argv = ["loudong", "grant_role", "nobody", "--role", "admin", "--community", "xihu"]
    with pytest.raises(SystemExit) as exit_:
        ManagementUtility(argv).execute()
    assert exit_.value.code == 2
    assert "用户 nobody 不存在" in capsys.readouterr().err
