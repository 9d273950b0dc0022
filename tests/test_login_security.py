"""Login security: five wrong passwords lock the username, Argon2 hashes passwords in production,
and every login, good or bad, is written to the audit log."""

import importlib
from datetime import timedelta
from zoneinfo import ZoneInfo

from axes.models import AccessAttempt
from conftest import PASSWORD
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from loudong.accounts.models import AuditEntry, User


def attempt(client, username: str, password: str):
    credentials = {"username": username, "password": password}
    return client.post(reverse("login"), credentials, REMOTE_ADDR="10.1.2.3")


def test_five_wrong_passwords_lock_the_account_and_the_right_one_then_fails(client, world):
    for _ in range(4):
        response = attempt(client, "leader", "wrong-password")
        assert response.status_code == 200
        assert "账号暂时锁定" not in response.content.decode()
    locked = attempt(client, "leader", "wrong-password")
    assert locked.status_code == 429
    assert "账号暂时锁定" in locked.content.decode()

    response = attempt(client, "leader", PASSWORD)
    page = response.content.decode()
    assert response.status_code == 429
    assert "账号暂时锁定" in page
    assert "_auth_user_id" not in client.session


def test_locked_page_says_when_to_try_again_and_whom_to_ask(client, world):
    for _ in range(5):
        response = attempt(client, "volunteer", "nope-nope")
    page = response.content.decode()
    last = AccessAttempt.objects.filter(username="volunteer").latest("attempt_time").attempt_time
    unlock = timezone.localtime(last + timedelta(minutes=15), ZoneInfo("Asia/Shanghai"))
    assert f"请在 <strong>{unlock:%H:%M}</strong> 以后再试" in page
    assert "15 分钟后自动解除" in page
    assert "社区管理员" in page
    assert "volunteer" in page


def test_lock_is_per_username_so_others_still_log_in(client, world):
    for _ in range(5):
        attempt(client, "leader", "wrong-password")
    response = attempt(client, "admin", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.admin.pk)


def test_a_successful_login_resets_the_failure_count(client, world):
    for _ in range(4):
        attempt(client, "admin", "wrong-password")
    assert attempt(client, "admin", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        attempt(client, "admin", "wrong-password")
    response = attempt(client, "admin", PASSWORD)
    assert response.status_code == 302


def test_production_settings_hash_passwords_with_argon2(db):
    hashers = importlib.import_module("config.settings").PASSWORD_HASHERS
    assert hashers[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=hashers):
        user = User.objects.create_user(username="new-admin", password="a-long-passphrase")
        user.refresh_from_db()
        assert user.password.startswith("argon2")
        assert user.check_password("a-long-passphrase")


def test_successful_login_is_recorded_in_the_community_audit_log(client, world):
    attempt(client, "leader", PASSWORD)
    entry = AuditEntry.objects.get(action="login")
    assert entry.detail == {"success": True}
    assert entry.actor_id == world.leader.pk
    assert entry.community_id == world.community.pk
    assert entry.ip == "10.1.2.3"


def test_failed_login_is_recorded_with_the_account_it_tried(client, world):
    attempt(client, "admin", "wrong-password")
    entry = AuditEntry.objects.get(action="login")
    assert entry.detail == {"success": False}
    assert entry.actor_name == "admin"
    assert entry.community_id == world.community.pk


def test_failed_login_of_an_unknown_name_is_recorded_outside_any_community(client, db):
    attempt(client, "nobody-here", "whatever-it-is")
    entry = AuditEntry.objects.get(action="login")
    assert entry.detail == {"success": False}
    assert entry.community_id is None
    assert entry.object_repr == "nobody-here"


def test_login_attempts_while_locked_are_recorded_as_locked(client, world):
    for _ in range(6):
        attempt(client, "leader", "wrong-password")
    details = list(AuditEntry.objects.filter(action="login").order_by("id").values_list("detail", flat=True))
    assert details[:4] == [{"success": False}] * 4
    assert details[4:] == [{"success": False, "locked": True}] * 2


def test_the_password_is_never_written_to_the_audit_log(client, world):
    attempt(client, "admin", "secret-typo-123")
    assert "secret-typo-123" not in str(list(AuditEntry.objects.values_list("detail", "object_repr")))


def test_a_user_without_a_role_lands_on_a_page_that_says_whom_to_ask(client, db):
    User.objects.create_user(username="newcomer", password=PASSWORD)
    response = attempt(client, "newcomer", PASSWORD)
    page = client.get(response.url, follow=True)
    assert page.redirect_chain[-1][0] == reverse("no_role")
    text = page.content.decode()
    assert "还没有分配角色" in text and "社区管理员" in text and "newcomer" in text


def test_a_user_with_a_role_is_sent_on_from_the_no_role_page(world, login):
    response = login(world.admin).get(reverse("no_role"))
    assert response.status_code == 302 and response.url == reverse("home")
