"""Signing in and out, and where each role lands."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts.models import Role
from loudong.demo.logins import DEMO_ACCOUNTS, DEMO_PASSWORD
from loudong.demo.models import DemoMarker


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


def login_view(request: HttpRequest) -> HttpResponse:
    demo = DemoMarker.objects.exists()
    return auth_views.LoginView.as_view(
        template_name="home/login.html",
        redirect_authenticated_user=True,
        extra_context={"demo_logins": DEMO_ACCOUNTS if demo else [], "demo_password": DEMO_PASSWORD},
    )(request)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    return auth_views.LogoutView.as_view()(request)


@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    """Signed in, but no community or area has given this account a role yet."""
    if request.user.grant_list():
        return redirect("home")
    return render(request, "home/no_role.html")
