"""Two-factor login: real TOTP codes computed from the device's key, the password step that logs no one
in by itself, recovery codes, the operator's requirement for admins and overseers, the admin's reset,
and a phone enrolling in a real browser."""

import time
from base64 import b32decode
from io import StringIO

import pytest
from conftest import PASSWORD, make_user
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from helpers.browser import log_in, log_out
from playwright.sync_api import Page, expect

from loudong.accounts import two_factor
from loudong.accounts.audit_display import detail_lines
from loudong.accounts.models import AuditEntry, Role
from loudong.lib.actions import ActionRefused


def code_at(key: bytes, t: int) -> str:
    """The code of time step `t` (30 s steps since the epoch)."""
    now = int(time.time()) // 30
    return f"{totp(key, drift=t - now):06d}"


def fresh_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current step's, or the next one's when the current one
    was used already (a code is good once)."""
    device.refresh_from_db()
    return code_at(device.bin_key, max(int(time.time()) // 30, device.last_t + 1))


def enrol(user) -> tuple[TOTPDevice, list[str]]:
    device = two_factor.unconfirmed_phone(user)
    codes = two_factor.confirm_phone(device, by=user, code=fresh_code(device))
    device.refresh_from_db()
    return device, codes


def password(client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def code(client, value: str):
    return client.post(reverse("login_code"), {"code": value})


def staff_page(name: str = "tickets:queue") -> str:
    """A staff page of xihu (the queue for the admin and leader; a volunteer's own requests)."""
    return reverse(name, args=["xihu"])


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture(autouse=True)
def _no_throttle(settings):
    """django-otp waits 1, 2, 4 … s after each wrong code; tests that want it turn it back on."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_login_without_a_phone_is_unchanged(client, world):
    response = password(client, "admin")
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in(client)
    assert client.get(staff_page()).status_code == 200


def test_with_a_phone_the_password_alone_opens_nothing(client, world):
    enrol(world.admin)
    response = password(client, "admin")
    assert response.url == reverse("login_code")
    assert not signed_in(client)
    blocked = client.get(staff_page())
    assert blocked.status_code == 302 and blocked.url.startswith(reverse("login"))
    assert client.get(reverse("two_factor")).status_code == 302
    page = client.get(reverse("login_code")).content.decode()
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    # No login was audited yet: the password was right, the login is not complete.
    assert not AuditEntry.objects.filter(action="login", actor=world.admin).exists()


def test_the_right_code_completes_the_login_once(client, world):
    device, _ = enrol(world.admin)
    password(client, "admin")
    response = code(client, fresh_code(device))
    assert response.status_code == 302 and response.url == reverse("home")
    assert signed_in(client)
    assert client.get(staff_page()).status_code == 200
    assert AuditEntry.objects.filter(action="login", actor=world.admin, detail__success=True).count() == 1


def test_the_page_asked_for_before_the_password_is_reached_after_the_code(client, world):
    device, _ = enrol(world.admin)
    client.post(f"{reverse('login')}?next={staff_page()}", {"username": "admin", "password": PASSWORD})
    assert code(client, fresh_code(device)).url == staff_page()


def test_a_wrong_code_is_refused_and_audited_and_five_send_back_to_the_password(client, world):
    device, _ = enrol(world.admin)
    password(client, "admin")
    right = fresh_code(device)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = code(client, wrong)
    assert response.status_code == 200 and "验证码不对" in response.content.decode()
    assert not signed_in(client)
    entry = AuditEntry.objects.get(action="login", detail__factor="totp")
    assert entry.actor == world.admin and entry.community == world.community and entry.detail["success"] is False
    assert detail_lines(entry) == ["两步验证失败：手机验证码错误（第 1 次）"]
    for _ in range(3):
        code(client, wrong)
    response = code(client, wrong)
    assert response.url == reverse("login")
    assert AuditEntry.objects.filter(action="login", detail__factor="totp", detail__success=False).count() == 5
    # The right code no longer helps: the pending login is gone.
    assert code(client, right).url == reverse("login")
    assert not signed_in(client)


def test_the_device_throttle_makes_a_quick_retry_wait(client, world, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    device, _ = enrol(world.admin)
    password(client, "admin")
    right = fresh_code(device)
    code(client, f"{(int(right) + 1) % 1_000_000:06d}")
    response = code(client, right)
    assert "请等几秒钟" in response.content.decode() and not signed_in(client)


def test_a_recovery_code_works_once(client, world):
    _, codes = enrol(world.admin)
    assert len(codes) == 10 and len(set(codes)) == 10
    password(client, "admin")
    assert code(client, codes[0].upper()).url == reverse("home")  # typed in capitals, with its dash
    assert signed_in(client)
    used = AuditEntry.objects.get(action="login", detail__factor="recovery")
    assert used.detail == {"success": True, "factor": "recovery", "left": 9}
    assert detail_lines(used) == ["两步验证：使用了恢复码，还剩 9 个"]

    client.post(reverse("logout"))
    password(client, "admin")
    response = code(client, codes[0])
    assert "验证码不对" in response.content.decode() and not signed_in(client)
    assert code(client, codes[1].replace("-", " ")).url == reverse("home")


def test_new_recovery_codes_replace_the_old_ones(client, world):
    device, old = enrol(world.admin)
    password(client, "admin")
    code(client, fresh_code(device))
    assert client.post(reverse("two_factor_new_codes")).url == reverse("two_factor_codes")
    page = client.get(reverse("two_factor_codes")).content.decode()
    new = [t.token for t in StaticToken.objects.filter(device__user=world.admin)]
    assert len(new) == 10 and not {c.replace("-", "") for c in old} & set(new)
    assert all(two_factor.shown(t) in page for t in new)
    # Shown once: the page does not show them again.
    assert client.get(reverse("two_factor_codes")).url == reverse("two_factor")
    assert AuditEntry.objects.filter(action="update", detail__two_factor="recovery_codes").count() == 1


def test_any_user_may_enrol_from_their_account_page(client, world, login):
    login(world.volunteer)
    assert "开启两步验证" in client.get(reverse("two_factor")).content.decode()
    page = client.get(reverse("two_factor_enrol")).content.decode()
    assert "腾讯身份验证器" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=world.volunteer, confirmed=False)
    groups = two_factor.secret_groups(device)
    assert (
        len(groups) == 8
        and all(len(g) == 4 for g in groups)
        and " ".join(groups) in page.replace("</span> <span>", " ")
    )
    refused = client.post(reverse("two_factor_enrol"), {"code": "12345"})
    assert "6 位数字" in refused.content.decode()
    assert client.post(reverse("two_factor_enrol"), {"code": fresh_code(device)}).url == reverse("two_factor_codes")
    page = client.get(reverse("two_factor_codes")).content.decode()
    assert page.count("<li><code>") == 10 and "data-print" in page and "js/print.js" in page
    assert "抄在纸上" in page
    assert client.get(staff_page("tickets:mine")).status_code == 200  # verified by the confirmation
    assert AuditEntry.objects.filter(action="create", actor=world.volunteer, detail__two_factor="enrolled").exists()


def test_a_session_opened_before_enrolling_elsewhere_must_give_the_code(client, world, login):
    device, _ = enrol(world.leader)
    login(world.leader)  # a session that did not come through the password step
    blocked = client.get(staff_page())
    assert blocked.url == f"{reverse('login_code')}?next={staff_page().replace('/', '%2F')}"
    assert client.get(reverse("two_factor_enrol")).url == reverse("login_code")  # no new phone without the code
    assert code(client, fresh_code(device)).url == reverse("home")
    assert client.get(staff_page()).status_code == 200


def test_required_two_factor_sends_an_admin_to_enrol_but_not_a_volunteer(client, world, settings):
    settings.REQUIRE_2FA = True
    response = password(client, "admin")
    assert response.url == reverse("two_factor_enrol") and not signed_in(client)
    assert client.get(staff_page()).url.startswith(reverse("login"))
    page = client.get(reverse("two_factor_enrol")).content.decode()
    assert "本平台要求" in page
    device = TOTPDevice.objects.get(user=world.admin, confirmed=False)
    assert client.post(reverse("two_factor_enrol"), {"code": fresh_code(device)}).url == reverse("two_factor_codes")
    assert signed_in(client)
    assert "恢复码" in client.get(reverse("two_factor_codes")).content.decode()
    assert client.get(staff_page()).status_code == 200

    client.post(reverse("logout"))
    assert password(client, "volunteer").url == reverse("home")
    assert client.get(staff_page("tickets:mine")).status_code == 200


def test_required_two_factor_holds_an_admin_already_signed_in_and_an_overseer(client, world, settings, login):
    settings.REQUIRE_2FA = True
    login(world.admin)
    assert client.get(staff_page()).url == reverse("two_factor_enrol")
    assert client.get(reverse("audit", args=["xihu"])).url == reverse("two_factor_enrol")
    assert client.get(reverse("two_factor_enrol")).status_code == 200
    client.post(reverse("logout"))
    assert password(client, "overseer").url == reverse("two_factor_enrol")
    settings.REQUIRE_2FA = False
    assert password(client, "overseer").url == reverse("home")


def test_an_admin_resets_a_lost_phone_but_not_their_own(client, world, login):
    enrol(world.leader)
    enrol(world.admin)
    admin = login(world.admin)
    admin_device = TOTPDevice.objects.get(user=world.admin)
    code(admin, fresh_code(admin_device))
    page = admin.get(reverse("two_factor_users", args=["xihu"])).content.decode()
    assert "leader" in page and "已开启" in page
    response = admin.post(reverse("two_factor_reset", args=["xihu", world.leader.pk]))
    assert response.url == reverse("two_factor_users", args=["xihu"])
    assert not TOTPDevice.objects.filter(user=world.leader).exists()
    assert not StaticToken.objects.filter(device__user=world.leader).exists()
    entry = AuditEntry.objects.get(action="delete", detail__two_factor="reset")
    assert entry.actor == world.admin and entry.object_id == str(world.leader.pk) and entry.community == world.community
    assert detail_lines(entry) == ["两步验证：管理员重置"]

    admin.post(reverse("two_factor_reset", args=["xihu", world.admin.pk]))
    assert TOTPDevice.objects.filter(user=world.admin).exists()
    with pytest.raises(ActionRefused):
        two_factor.reset(world.admin, by=world.admin, community_id=world.community.pk)
    # Another community's admin cannot, nor for someone without a role here.
    enrol(world.leader)
    outsider = login(world.outsider)
    assert outsider.post(reverse("two_factor_reset", args=["xihu", world.leader.pk])).status_code == 404
    assert outsider.post(reverse("two_factor_reset", args=["other", world.leader.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=world.leader, confirmed=True).exists()


def test_after_a_reset_a_volunteer_logs_in_with_the_password_and_an_admin_enrols_again(client, world, settings):
    second = make_user("admin2", Role.ADMIN, community=world.community)
    enrol(world.admin)
    enrol(world.volunteer)
    two_factor.reset(world.admin, by=second, community_id=world.community.pk)
    two_factor.reset(world.volunteer, by=second, community_id=world.community.pk)
    settings.REQUIRE_2FA = True
    assert password(client, "volunteer").url == reverse("home")
    client.post(reverse("logout"))
    assert password(client, "admin").url == reverse("two_factor_enrol")


def test_the_operator_resets_an_overseer_from_the_command_line(client, world, settings):
    enrol(world.overseer)
    out = StringIO()
    call_command("reset_two_factor", "overseer", stdout=out)
    assert "已重置" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=world.overseer).exists()
    entry = AuditEntry.objects.get(action="delete", detail__via="command")
    assert entry.actor is None and entry.actor_name == "系统" and entry.object_id == str(world.overseer.pk)
    with pytest.raises(CommandError, match="没有启用两步验证"):
        call_command("reset_two_factor", "overseer")
    settings.REQUIRE_2FA = True
    assert password(client, "overseer").url == reverse("two_factor_enrol")


def token(client, username: str, **extra: str):
    body = {"username": username, "password": PASSWORD, **extra}
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_the_api_gives_no_token_for_the_password_alone_once_a_phone_is_enrolled(client, world, settings):
    assert token(client, "leader").status_code == 200
    device, codes = enrol(world.leader)
    refused = token(client, "leader")
    assert refused.status_code == 401 and "两步验证" in refused.json()["detail"]
    assert token(client, "leader", code="000000").status_code == 401
    assert AuditEntry.objects.filter(action="login", actor=world.leader, detail__factor="totp").count() == 1
    assert token(client, "leader", code=fresh_code(device)).status_code == 200
    assert token(client, "leader", code=codes[0]).status_code == 200
    settings.REQUIRE_2FA = True
    assert token(client, "admin").status_code == 401  # must enrol on the web first


@pytest.mark.browser
def test_an_admin_enrols_a_phone_on_a_390px_screen_and_logs_in_with_a_code(page: Page, live_server, world, settings):
    settings.REQUIRE_2FA = True
    log_in(page, live_server.url, "admin")
    expect(page.get_by_role("heading", name="绑定手机验证器")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 391, page.url
    secret = page.locator("#secret").inner_text().replace(" ", "").replace("\n", "")
    key = b32decode(secret)
    box = page.get_by_label("验证器里显示的 6 位数字")
    assert box.get_attribute("inputmode") == "numeric"
    assert box.bounding_box()["height"] >= 59
    box.fill(code_at(key, int(time.time()) // 30))
    page.get_by_role("button", name="确认启用").click()
    expect(page.get_by_role("heading", name="恢复码")).to_be_visible()
    assert page.locator(".recovery-list li").count() == 10
    expect(page.get_by_role("button", name="打印恢复码")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 391, page.url
    page.get_by_role("link", name="我已记下，继续").click()
    expect(page.get_by_role("link", name="审计日志")).to_be_visible()

    log_out(page)
    log_in(page, live_server.url, "admin")
    expect(page.get_by_role("heading", name="输入验证码")).to_be_visible()
    device = TOTPDevice.objects.get(user=world.admin, confirmed=True)
    page.get_by_label("验证码", exact=True).fill(fresh_code(device))
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_role("link", name="审计日志")).to_be_visible()
    assert page.url.rstrip("/").endswith("/c/xihu")
