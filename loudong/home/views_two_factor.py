"""Two-factor pages: the user's own (账号安全, enrolling a phone, recovery codes) and the admin's list of
the community's accounts, where a lost phone is reset. The rules live in loudong.accounts.two_factor;
the login steps in views_login."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from loudong.accounts import two_factor
from loudong.accounts.models import Role, User
from loudong.home.views_login import finish_login, pending_user
from loudong.lib.actions import ActionRefused
from loudong.registry.access import community_for

NEW_CODES = "loudong_2fa_new_codes"


def enrol(request: HttpRequest) -> HttpResponse:
    """Enrol a phone: scan the QR code (or type the secret), confirm with a code, then see the recovery
    codes once. Opened by a signed-in user, or right after the password by one who must enrol (not yet
    logged in: the confirmation completes the login)."""
    if request.user.is_authenticated:
        user, pending = request.user, False
        if two_factor.has_phone(user) and not user.is_verified():
            return redirect("login_code")
    else:
        user, pending = pending_user(request), True
        if user is None or not two_factor.must_use(user):
            messages.info(request, "请先输入用户名和密码")
            return redirect("login")
        if two_factor.has_phone(user):
            return redirect("login_code")
    device = two_factor.unconfirmed_phone(user)
    error = ""
    if request.method == "POST":
        try:
            codes = two_factor.confirm_phone(device, by=user, code=request.POST.get("code", ""), http=request)
        except ActionRefused as refused:
            error = refused.message
        else:
            if pending:
                going = finish_login(request, user, device)
            else:
                otp_login(request, device)
                going = "two_factor"
            request.session[NEW_CODES] = {"codes": codes, "next": going}
            return redirect("two_factor_codes")
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "home/two_factor_enrol.html",
        {
            "qr_svg": qr.svg_inline(border=3, light="#fff", omitsize=True, title="扫码添加到验证器"),
            "secret": two_factor.secret_groups(device),
            "error": error,
            "required": two_factor.must_use(user),
            "replacing": two_factor.has_phone(user),
            "account": user,
        },
    )


@login_required
def codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown this once, with a print button."""
    new = request.session.pop(NEW_CODES, None)
    if not new:
        messages.info(request, "恢复码只在生成时显示一次。如果没有记下，请重新生成一组。")
        return redirect("two_factor")
    return render(request, "home/two_factor_codes.html", {"codes": new["codes"], "next": resolve_url(new["next"])})


@login_required
@require_POST
def new_codes(request: HttpRequest) -> HttpResponse:
    try:
        fresh = two_factor.renew_recovery_codes(request.user, by=request.user, http=request)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("two_factor")
    request.session[NEW_CODES] = {"codes": fresh, "next": "two_factor"}
    return redirect("two_factor_codes")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """账号安全: whether two-factor login is on, and the ways to turn it on or renew the codes."""
    user = request.user
    device = two_factor.phone(user)
    return render(
        request,
        "home/two_factor.html",
        {
            "device": device,
            "codes_left": two_factor.recovery_codes_left(user) if device else 0,
            "required": two_factor.must_use(user),
        },
    )


@login_required
def community_accounts(request: HttpRequest, code: str) -> HttpResponse:
    """The admin's list of everyone who holds a role in the community, with their two-factor state."""
    community = community_for(request.user, code, {Role.ADMIN})
    users = (
        User.objects.filter(grants__community=community)
        .distinct()
        .prefetch_related("grants")
        .order_by("display_name", "username")
    )
    with_phone = set(TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list("user_id", flat=True))
    rows = [
        {
            "user": u,
            "roles": sorted({g.get_role_display() for g in u.grants.all() if g.community_id == community.pk}),
            "enrolled": u.pk in with_phone,
            "may_reset": u.pk in with_phone and u.pk != request.user.pk,
        }
        for u in users
    ]
    return render(request, "home/two_factor_users.html", {"community": community, "rows": rows})


@login_required
@require_POST
def reset(request: HttpRequest, code: str, user_id: int) -> HttpResponse:
    community = community_for(request.user, code, {Role.ADMIN})
    user = get_object_or_404(User, pk=user_id)
    if not user.grants.filter(community=community).exists():
        raise Http404
    try:
        two_factor.reset(user, by=request.user, community_id=community.pk, http=request)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, f"已重置 {user} 的两步验证：旧手机上的验证码和恢复码都已作废，TA 下次登录后重新绑定手机。"
        )
    return redirect("two_factor_users", code=community.code)
