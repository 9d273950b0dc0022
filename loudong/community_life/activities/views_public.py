"""The sign-in page a resident reaches by scanning the activity's QR code, under /a/<token>/: no
account, a name with the building or a phone. Never says who was matched, nor whether a phone is
registered, nor whether that person had signed in already: only 已签到.

Bad scans get plain answers: an unknown token (404), sign-in not open yet or closed (open from two
hours before the start to a day after the end), the honeypot and minimum fill time, and rate limits
per phone's address and per activity.
"""

import math

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from loudong.accounts import ratelimit
from loudong.community_life.activities import actions
from loudong.community_life.activities.forms import SignInForm, seconds_since, start_token
from loudong.community_life.activities.models import Activity
from loudong.lib.actions import ActionRefused
from loudong.registry.models import Building

COOKIE_DAYS = 3


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, f"community_life/activities/public/{template}", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def _cookie(activity: Activity) -> str:
    return f"signed-in-{activity.pk}"


def _limited(request: HttpRequest, activity: Activity) -> HttpResponse | None:
    """Per phone's address, then per activity. An exempt address (load tests) is counted like any
    other but never refused."""
    exempt = ratelimit.is_exempt(request)
    refused = ratelimit.hit("signin_client", ratelimit.client_address(request))
    if refused is None or exempt:
        refused = ratelimit.hit("signin_activity", activity.pk)
    if refused is None or exempt:
        return None
    minutes = max(1, math.ceil(refused.retry_after / 60))
    message = f"签到太频繁了，请 {minutes} 分钟后再试，或请现场的组织者帮您登记。"
    response = _page(request, "closed.html", {"activity": activity, "message": message}, status=429)
    response["Retry-After"] = str(refused.retry_after)
    return response


@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest, token: str) -> HttpResponse:
    activity = Activity.objects.select_related("community").filter(signin_token=token[:32]).first()
    if activity is None:
        return _page(request, "unknown.html", {}, status=404)
    state = activity.signin_state()
    if state != "open":
        status = 409 if state == "early" else 410
        return _page(request, "closed.html", {"activity": activity, "state": state}, status=status)
    buildings = list(Building.objects.filter(community=activity.community).order_by("sort_key"))
    signed_here = request.get_signed_cookie(_cookie(activity), default="", salt="activity.signin") == "1"
    if request.method == "GET":
        form = SignInForm(initial={"started": start_token()}, buildings=buildings)
        return _page(request, "signin.html", {"activity": activity, "form": form, "signed_here": signed_here})
    form = SignInForm(request.POST, buildings=buildings)
    refusal = ""
    if form.is_valid():
        refusal = form.bot_refusal()
        if not refusal:
            limited = _limited(request, activity)
            if limited is not None:
                return limited
            try:
                actions.sign_in(
                    activity,
                    http=request,
                    name=form.cleaned_data["name"],
                    building=form.cleaned_data["building_obj"],
                    phone=form.cleaned_data["phone"],
                )
            except ActionRefused as error:
                refusal = error.message
            else:
                response = _page(request, "done.html", {"activity": activity})
                response.set_signed_cookie(
                    _cookie(activity),
                    "1",
                    salt="activity.signin",
                    max_age=COOKIE_DAYS * 86400,
                    httponly=True,
                    samesite="Lax",
                )
                return response
    if seconds_since(request.POST.get("started", "")) is None:
        form.data = form.data.copy()
        form.data["started"] = start_token()
    if form.data.get("website"):
        form.data = form.data.copy()
        form.data["website"] = ""
    context = {"activity": activity, "form": form, "refusal": refusal, "signed_here": signed_here}
    return _page(request, "signin.html", context, status=400)
