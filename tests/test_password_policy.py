"""Passwords (等保 2.0 身份鉴别): at least 10 characters with letters and digits, not a common one, not
like the username; a signed-in user changes their own on /accounts/password/, keeps this session,
ends the others, and `password_changed` tells whoever must end with the old password."""

import pytest
from conftest import PASSWORD
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from loudong.accounts.models import AuditEntry, User
from loudong.accounts.passwords import password_problems
from loudong.accounts.signals import password_changed

GOOD = "Xinmima-2026-qs"


@pytest.mark.parametrize(
    ("password", "username", "problem"),
    [
        ("abc12345", "wang", "密码太短，至少需要 10 个字符"),
        ("onlyletterslong", "wang", "密码必须同时包含字母和数字"),
        ("1234567890123", "wang", "密码必须同时包含字母和数字"),
        ("楼栋党小组的组长和副组长", "wang", "密码必须同时包含字母和数字"),
        ("1qaz2wsx3edc", "wang", "这个密码太常见，容易被猜到，请换一个"),
        ("password123", "wang", "这个密码太常见，容易被猜到，请换一个"),
        ("liuguangqian2026", "liuguangqian", "密码与用户名太相似，请换一个"),
    ],
)
def test_a_weak_password_is_refused_with_a_chinese_reason(db, password, username, problem):
    assert problem in password_problems(password, User(username=username))


@pytest.mark.parametrize("password", [GOOD, "lgq19500302x", "楼栋2026年三单元ab", "correct-horse-9x"])
def test_ten_characters_with_letters_and_digits_pass(db, password):
    assert password_problems(password, User(username="liuguangqian", display_name="刘光前")) == []


def test_the_rules_are_explained_in_chinese():
    texts = password_validators_help_texts()
    assert texts == ["至少 10 个字符", "同时包含字母和数字", "不能是常见密码", "不能与用户名或姓名相似"]


# -- the password page ---------------------------------------------------------------------------------


@pytest.fixture
def received():
    """What `password_changed` was sent with."""
    calls: list[dict] = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    password_changed.connect(receiver, dispatch_uid="test_password_changed")
    yield calls
    password_changed.disconnect(dispatch_uid="test_password_changed")


def logged_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def change(client: Client, old: str, new: str, again: str | None = None):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new if again is None else again},
    )


def test_the_top_bar_links_to_the_password_page(world):
    page = logged_in("volunteer").get(reverse("community", args=["xihu"])).content.decode()
    assert f'href="{reverse("password_change")}"' in page and "改密码" in page


def test_the_page_asks_for_the_old_password_and_the_new_one_twice(world):
    page = logged_in("volunteer").get(reverse("password_change")).content.decode()
    for label in ("现在的密码", "新密码", "再输一遍新密码", "至少 10 个字符，同时包含字母和数字"):
        assert label in page


def test_changing_keeps_this_session_ends_the_others_and_tells_the_listeners(world, received):
    here, elsewhere = logged_in("leader"), logged_in("leader")
    assert elsewhere.get(reverse("community", args=["xihu"])).status_code == 200

    response = change(here, PASSWORD, GOOD)
    assert response.status_code == 302 and response.url == reverse("home")
    assert "密码已修改" in here.get(response.url, follow=True).content.decode()

    world.leader.refresh_from_db()
    assert world.leader.check_password(GOOD)
    assert here.get(reverse("community", args=["xihu"])).status_code == 200  # this phone stays signed in
    other = elsewhere.get(reverse("community", args=["xihu"]))
    assert other.status_code == 302 and other.url.startswith(reverse("login"))  # the other one is out
    assert logged_in_with(world.leader.username, GOOD)
    assert not logged_in_with(world.leader.username, PASSWORD)

    assert len(received) == 1
    assert received[0]["user"] == world.leader and received[0]["request"] is not None
    entry = AuditEntry.objects.get(object_type="user", object_id=str(world.leader.pk), action="update")
    assert entry.actor == world.leader and entry.detail == {"password": "本人修改"}


def logged_in_with(username: str, password: str) -> bool:
    return Client().post(reverse("login"), {"username": username, "password": password}).status_code == 302


@pytest.mark.parametrize(
    ("old", "new", "again", "message"),
    [
        ("wrong-old-1", GOOD, None, "现在的密码不对，请重新输入"),
        (PASSWORD, "short1a", None, "密码太短，至少需要 10 个字符"),
        (PASSWORD, "abcdefghijkl", None, "密码必须同时包含字母和数字"),
        (PASSWORD, "1qaz2wsx3edc", None, "这个密码太常见"),
        (PASSWORD, "volunteer2026", None, "密码与用户名太相似"),
        (PASSWORD, GOOD, GOOD + "x", "两次输入的新密码不一样"),
    ],
)
def test_a_refused_change_says_why_in_chinese_and_changes_nothing(world, received, old, new, again, message):
    client = logged_in("volunteer")
    response = change(client, old, new, again)
    assert response.status_code == 200
    assert message in response.content.decode()
    world.volunteer.refresh_from_db()
    assert world.volunteer.check_password(PASSWORD)
    assert received == []
    assert client.get(reverse("community", args=["xihu"])).status_code == 200


def test_the_page_needs_a_login(client, world):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


# -- commands and the demo -----------------------------------------------------------------------------


def test_grant_role_holds_a_new_password_to_the_policy(world):
    with pytest.raises(CommandError, match="密码与用户名太相似"):
        call_command(
            "grant_role", "liuguangqian", "--role", "admin", "--community", "xihu", "--create",
            "--password", "liuguangqian2026",
        )  # fmt: skip
    assert not User.objects.filter(username="liuguangqian").exists()


def test_a_password_reset_by_grant_role_tells_the_listeners_and_is_audited(world, received):
    call_command("grant_role", "leader", "--role", "leader", "--group", str(world.group.pk), "--password", GOOD)
    assert [c["user"] for c in received] == [world.leader] and received[0]["request"] is None
    entry = AuditEntry.objects.get(object_type="user", object_id=str(world.leader.pk), action="update")
    assert entry.actor is None and entry.detail == {"password": "管理员重设"}
