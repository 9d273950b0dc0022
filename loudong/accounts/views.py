from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from loudong.accounts.models import Role
from loudong.demo.models import DemoMarker

DEMO_LOGINS = [
    ("demo-admin", "社区管理员"),
    ("demo-leader", "楼栋党小组组长（环城北路93号）"),
    ("demo-volunteer", "党员志愿者（环城北路93号）"),
    ("demo-resident", "居民"),
    ("demo-overseer", "青山街道（只读）"),
]
DEMO_PASSWORD = "loudong-demo"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own first page."""
    grants = request.user.grant_list()
    roles = {g.role for g in grants}
    community = next((g.community for g in grants if g.community_id), None)
    if community and roles & {Role.ADMIN, Role.LEADER, Role.VOLUNTEER, Role.RESIDENT}:
        return redirect("registry:community", code=community.code)
    if Role.OVERSEER in roles:
        return redirect("registry:overview")
    return redirect("accounts:no_role")


def login_view(request: HttpRequest) -> HttpResponse:
    demo = DemoMarker.objects.exists()
    return auth_views.LoginView.as_view(
        template_name="accounts/login.html",
        redirect_authenticated_user=True,
        extra_context={"demo_logins": DEMO_LOGINS if demo else [], "demo_password": DEMO_PASSWORD},
    )(request)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    return auth_views.LogoutView.as_view()(request)
