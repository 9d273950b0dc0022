"""长辈版 (elder mode): larger text, larger targets and one column on every page, by the MIIT rules for
elder-friendly websites.

Where the choice comes from, first match wins:
1. `?elder=1` or `?elder=0` on any page (a QR code can open in it), remembered as in 2 and 3;
2. the browser's `elder` cookie: what was chosen on this browser, before or after login;
3. the account, for a signed-in user (`User.elder_mode`), so a new phone opens in the mode chosen
   on another one (the demo's leader and resident have it on).

Only a choice sets the cookie (the top bar's 长辈版 / 标准版 button posts to `toggle`; `?elder=`), and a
choice made while signed in is kept on the account too. The page is drawn in the chosen mode on the
server (a class on <html> and one more style sheet), so it never flashes in the other mode first.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE = "elder"
PARAMETER = "elder"
COOKIE_AGE = 365 * 24 * 3600
ASKED = {"1": True, "0": False}


def asked(request: HttpRequest) -> bool | None:
    """What `?elder=` asks for on this request, if anything."""
    return ASKED.get(request.GET.get(PARAMETER, ""))


def chosen(request: HttpRequest) -> bool:
    """Whether this request's page is drawn in elder mode (worked out once per request)."""
    if not hasattr(request, "_elder"):
        wanted = asked(request)
        if wanted is None:
            wanted = ASKED.get(request.COOKIES.get(COOKIE, ""))
        if wanted is None:
            user = getattr(request, "user", None)
            wanted = bool(user is not None and user.is_authenticated and user.elder_mode)
        request._elder = wanted
    return request._elder


def remember(request: HttpRequest, response: HttpResponse, on: bool) -> None:
    """Keep the choice on the account (if signed in) and in the browser."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.elder_mode != on:
        user.elder_mode = on
        user.save(update_fields=["elder_mode"])
    response.set_cookie(
        COOKIE, "1" if on else "0", max_age=COOKIE_AGE, samesite="Lax", secure=request.is_secure(), httponly=True
    )


def without_parameter(path: str) -> str:
    """The path with `elder=` taken out of its query, so a link back does not ask for it again."""
    parts = urlsplit(path)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != PARAMETER]
    return parts.path + (f"?{urlencode(query)}" if query else "")


class ElderModeMiddleware:
    """Remembers the choice a page's `?elder=` makes."""

    def __init__(self, get_response) -> None:  # noqa: ANN001 (Django's middleware protocol)
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        wanted = asked(request)
        response = self.get_response(request)
        if wanted is not None:
            remember(request, response, wanted)
        return response


def context(request: HttpRequest) -> dict:
    """For base.html: the mode, and where the top bar's switch comes back to."""
    return {"elder": chosen(request), "elder_back": without_parameter(request.get_full_path())}


@require_POST
def toggle(request: HttpRequest) -> HttpResponse:
    """The top bar's 长辈版 / 标准版 button: switches the mode and returns to the page it was on."""
    on = request.POST.get(PARAMETER) == "1"
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = resolve_url("home")
    response = redirect(without_parameter(back))
    remember(request, response, on)
    return response
