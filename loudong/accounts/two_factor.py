"""Two-factor login: a TOTP code from an authenticator on the user's phone, or one of ten recovery codes.

The devices are django-otp's: one `TOTPDevice` (the phone) and one `StaticDevice` holding the recovery
codes, each code good once. Who must use it: admins and overseers, where the operator sets
`LOUDONG_REQUIRE_2FA`; anyone may enrol. A user who has a confirmed phone is asked for a code at
every login, required or not.

The login itself (loudong/home/views_login.py) never logs a user in between the password and the
code: the password step keeps the user's id in the session under `PENDING` and calls Django's
`login` only once the code is right (or, for a user who must enrol, once the phone is confirmed).
`TwoFactorMiddleware` covers the sessions that did not come through that door (a session opened
before the user enrolled or before the operator turned the requirement on, a phone reset by an
admin): a signed-in user who should be verified and is not reaches only the code and enrolment
pages and logging out.

Wrong codes are limited twice over: django-otp's throttle on the device (1, 2, 4, 8 … seconds
between tries, kept in the database across sessions and logins) and `MAX_TRIES` wrong codes per
password entered, after which the password is asked again. Every wrong code is audited, as are
enrolment, new recovery codes, the use of a recovery code and an admin's reset.
"""

import re
from base64 import b32encode
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from loudong.accounts.access import is_admin
from loudong.accounts.audit import record, record_account_event
from loudong.accounts.models import AuditEntry, Role, User
from loudong.lib.actions import ActionRefused, atomic_action

REQUIRED_ROLES = frozenset({Role.ADMIN, Role.OVERSEER})
RECOVERY_CODES = 10
MAX_TRIES = 5
# The session key of a user who gave the right password and still owes a code (or an enrolment).
PENDING = "loudong_2fa_pending"
PENDING_SECONDS = 15 * 60
PHONE_NAME = "手机验证器"
CODES_NAME = "恢复码"
SIX_DIGITS = re.compile(r"\d{6}")


def must_use(user: User) -> bool:
    """Whether the operator requires this user to log in with a second factor."""
    return settings.REQUIRE_2FA and bool({g.role for g in user.grant_list()} & REQUIRED_ROLES)


def phone(user: User) -> TOTPDevice | None:
    """The user's confirmed phone, if they enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_phone(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def owes_code(user: User) -> bool:
    """A signed-in user whose session has not passed the second factor that is owed: they have a
    phone, or must use one. Such a session opens only the code and enrolment pages, and no API call."""
    return not user.is_verified() and (has_phone(user) or must_use(user))


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def unconfirmed_phone(user: User) -> TOTPDevice:
    """The phone being enrolled: the same secret until it is confirmed, so a page reloaded after the
    scan still matches what the authenticator holds."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=PHONE_NAME, confirmed=False)


def secret_groups(device: TOTPDevice) -> list[str]:
    """The secret as an authenticator takes it by hand (base32), in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return [secret[i : i + 4] for i in range(0, len(secret), 4)]


def normalise(code: str) -> str:
    """What the user typed, without spaces, dashes and case (recovery codes are shown as abcd-efgh)."""
    return re.sub(r"[\s\-－—]", "", code or "").lower()


def _new_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=CODES_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def shown(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


@atomic_action
def confirm_phone(device: TOTPDevice, *, by: User, code: str, http: HttpRequest | None = None) -> list[str]:
    """Confirm the phone being enrolled with a code it shows now; it replaces any earlier phone, and
    ten new recovery codes replace any earlier ones. Returns the codes, to be shown once."""
    if device.user_id != by.pk or device.confirmed:
        raise ActionRefused("这个验证器已经启用或不属于您，请重新开始")
    code = normalise(code)
    if not SIX_DIGITS.fullmatch(code):
        raise ActionRefused("请输入验证器里显示的 6 位数字")
    if not device.verify_token(code):
        raise ActionRefused("验证码不对。请确认手机时间准确，输入验证器里正在显示的 6 位数字")
    TOTPDevice.objects.filter(user=by).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_codes(by)
    record_account_event(
        http,
        AuditEntry.Action.CREATE,
        by,
        detail={"two_factor": "enrolled"},
        actor=by,
    )
    return [shown(c) for c in codes]


@atomic_action
def renew_recovery_codes(user: User, *, by: User, http: HttpRequest | None = None) -> list[str]:
    """Ten new recovery codes for the user's own account; the old ones stop working."""
    if user.pk != by.pk or not has_phone(user):
        raise ActionRefused("请先启用两步验证")
    codes = _new_codes(user)
    record_account_event(
        http,
        AuditEntry.Action.UPDATE,
        user,
        detail={"two_factor": "recovery_codes"},
        actor=by,
    )
    return [shown(c) for c in codes]


def may_reset(by: User, user: User, community_id: int) -> bool:
    """A community's admin may reset the two-factor login of someone else who holds a role there."""
    return by.pk != user.pk and is_admin(by, community_id) and user.grants.filter(community_id=community_id).exists()


def _remove_devices(user: User) -> None:
    removed = [*TOTPDevice.objects.filter(user=user), *StaticDevice.objects.filter(user=user)]
    if not removed:
        raise ActionRefused("这个账号没有启用两步验证")
    for device in removed:
        device.delete()


@atomic_action
def reset(user: User, *, by: User, community_id: int, http: HttpRequest | None = None) -> None:
    """A lost phone: the admin removes the user's phone and recovery codes; the user enrols again
    at their next login (if they must) or may log in with the password alone (if they need not)."""
    if not may_reset(by, user, community_id):
        raise ActionRefused("只能重置本社区其他人员的两步验证，不能重置自己的")
    _remove_devices(user)
    record(
        http,
        AuditEntry.Action.DELETE,
        user,
        actor=by,
        community_id=community_id,
        object_type="user",
        detail={"two_factor": "reset"},
    )


@atomic_action
def reset_by_operator(user: User) -> None:
    """The same, by the operator from the command line (`loudong reset_two_factor`): for an overseer,
    who holds no community role an admin could reset, or a community's only admin."""
    _remove_devices(user)
    record_account_event(
        None,
        AuditEntry.Action.DELETE,
        user,
        detail={"two_factor": "reset", "via": "command"},
    )


@dataclass(frozen=True)
class Verdict:
    """The outcome of one code: the device that took it, or why not (a Chinese sentence) and whether
    the try counts towards MAX_TRIES."""

    device: Device | None = None
    refusal: str = ""
    counts: bool = True


def check(user: User, code: str, *, tries: int = 0, http: HttpRequest | None = None) -> Verdict:
    """Check a code typed at login: six digits go to the phone, anything else to the recovery codes.

    `tries` is how many wrong codes this login has had before; a wrong code is audited with its
    number. A code refused only because the device's throttle is on is not counted or audited: the
    user is asked to wait a few seconds."""
    code = normalise(code)
    factor = "totp" if SIX_DIGITS.fullmatch(code) else "recovery"
    model = TOTPDevice if factor == "totp" else StaticDevice
    device = model.objects.filter(user=user, confirmed=True).first()
    if not code:
        return Verdict(refusal="请输入验证码", counts=False)
    if device is not None:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            return Verdict(refusal="输错次数较多，请等几秒钟再输入", counts=False)
        with transaction.atomic():
            device = model.objects.select_for_update().get(pk=device.pk)
            accepted = device.verify_token(code)
        if accepted:
            if factor == "recovery":
                left = recovery_codes_left(user)
                record_account_event(
                    http,
                    AuditEntry.Action.LOGIN,
                    user,
                    detail={"success": True, "factor": "recovery", "left": left},
                    actor=user,
                )
            return Verdict(device)
    record_account_event(
        http,
        AuditEntry.Action.LOGIN,
        user,
        detail={"success": False, "factor": factor, "tries": tries + 1},
        actor=user,
    )
    if factor == "totp":
        return Verdict(refusal="验证码不对，请输入验证器里正在显示的 6 位数字")
    return Verdict(refusal="验证码不对。手机验证码是 6 位数字；恢复码是 8 位字母和数字，每个只能用一次")


# What an unverified user may still open besides the code and enrolment pages: logging out, static
# files, and the API and Open311, which take bearer tokens and keys rather than this session.
OPEN_PATHS = ("/static/", "/media/", "/favicon.ico", "/api/", "/open311/")
OPEN_URL_NAMES = ("login", "login_code", "logout", "two_factor_enrol")


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: a signed-in user who has a phone, or who must use one, and
    whose session is not verified, is sent to the code page (or to enrol) from every other page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not self.open(request.path) and not user.is_verified():
            if has_phone(user):
                return redirect(f"{reverse('login_code')}?{urlencode({'next': request.get_full_path()})}")
            if must_use(user):
                return redirect("two_factor_enrol")
        return self.get_response(request)

    @staticmethod
    def open(path: str) -> bool:
        return path.startswith(OPEN_PATHS) or path in {reverse(name) for name in OPEN_URL_NAMES}
