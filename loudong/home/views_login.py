"""Signing in and out, and where each role lands.

Login is one or two steps. The password step (`login_view`) logs in a user who has no phone enrolled
and need not have one, as before. A user who has a phone, or who must enrol one
(loudong.accounts.two_factor.must_use), is NOT logged in by the password: the session only keeps
their id under `two_factor.PENDING` (for 15 minutes), and Django's `login` runs after the second step,
the right code (`login_code`) or a confirmed phone (views_two_factor.enrol). Between the two steps the
session is anonymous, so no page, API call or signal treats the user as signed in; the login audit
entry (user_logged_in) is written once, when the login is complete. Five wrong codes end the pending
login: the password is asked again.
"""

import time

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.models import Device

from loudong.accounts import two_factor
from loudong.accounts.models import Role, User
from loudong.demo.logins import DEMO_ACCOUNTS, DEMO_PASSWORD
from loudong.demo.models import DemoMarker

TRIES = "loudong_2fa_tries"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own first page."""
    grants = request.user.grant_list()
    roles = {g.role for g in grants}
    community = next((g.community for g in grants if g.community_id), None)
    if community and roles & {Role.ADMIN, Role.LEADER, Role.VOLUNTEER, Role.RESIDENT}:
        return redirect("community", code=community.code)
    if Role.OVERSEER in roles:
        return redirect("overview")
    return redirect("no_role")


class PasswordStep(auth_views.LoginView):
    template_name = "home/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        has_phone = two_factor.has_phone(user)
        if not has_phone and not two_factor.must_use(user):
            return super().form_valid(form)
        session = self.request.session
        session.cycle_key()
        session.pop(TRIES, None)
        session[two_factor.PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login_code" if has_phone else "two_factor_enrol")


def login_view(request: HttpRequest) -> HttpResponse:
    demo = DemoMarker.objects.exists()
    return PasswordStep.as_view(
        extra_context={"demo_logins": DEMO_ACCOUNTS if demo else [], "demo_password": DEMO_PASSWORD},
    )(request)


def pending_user(request: HttpRequest) -> User | None:
    """The user who gave the right password in this session and still owes the second step."""
    pending = request.session.get(two_factor.PENDING)
    if not pending:
        return None
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None or time.time() - pending["at"] > two_factor.PENDING_SECONDS:
        request.session.pop(two_factor.PENDING, None)
        return None
    user.backend = pending["backend"]
    return user


def finish_login(request: HttpRequest, user: User, device: Device) -> str:
    """Complete a pending login verified by `device`; returns where the user was going."""
    pending = request.session.pop(two_factor.PENDING)
    request.session.pop(TRIES, None)
    auth_login(request, user)
    otp_login(request, device)
    return pending["next"]


def next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return wanted
    return resolve_url("home")


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the phone, or a recovery code. Also asked of a signed-in session
    that was never verified (TwoFactorMiddleware sends it here)."""
    signed_in = request.user.is_authenticated
    if signed_in:
        user = request.user
        if user.is_verified() or not two_factor.has_phone(user):
            return redirect(next_url(request))
    else:
        user = pending_user(request)
        if user is None:
            messages.info(request, "请先输入用户名和密码")
            return redirect("login")
        if not two_factor.has_phone(user):
            return redirect("two_factor_enrol")
    error = ""
    if request.method == "POST":
        tries = request.session.get(TRIES, 0)
        verdict = two_factor.check(user, request.POST.get("code", ""), tries=tries, http=request)
        if verdict.device is not None:
            if signed_in:
                request.session.pop(TRIES, None)
                otp_login(request, verdict.device)
                return redirect(next_url(request))
            return redirect(finish_login(request, user, verdict.device))
        error = verdict.refusal
        if verdict.counts:
            request.session[TRIES] = tries = tries + 1
            if tries >= two_factor.MAX_TRIES:
                request.session.pop(two_factor.PENDING, None)
                request.session.pop(TRIES, None)
                if signed_in:
                    auth_logout(request)
                messages.error(request, f"验证码连续输错 {two_factor.MAX_TRIES} 次，请重新输入密码")
                return redirect("login")
    left = two_factor.MAX_TRIES - request.session.get(TRIES, 0)
    return render(
        request,
        "home/login_code.html",
        {"error": error, "left": left, "next": request.GET.get("next", ""), "account": user},
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    response = auth_views.LogoutView.as_view()(request)
    # What the app kept on the phone for use without a network (pages, the upload queue) goes with the
    # session; static/js/offline.js clears it too, for browsers that ignore this header.
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    """Signed in, but no community or area has given this account a role yet."""
    if request.user.grant_list():
        return redirect("home")
    return render(request, "home/no_role.html")
