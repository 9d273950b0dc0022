from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path

from loudong.api.urls import api
from loudong.home.views_audit import audit_export, audit_log
from loudong.ops.health import healthz
from loudong.partners.views_public import report_in
from loudong.partners.views_public import verify as verify_feedback_sheet


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page says; pages name the static icons themselves."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


urlpatterns = [
    path("favicon.ico", favicon),
    path("healthz", healthz, name="healthz"),
    path("", include("loudong.home.urls")),
    path("ask/t/<str:token>/my-data/", include("loudong.privacy.public_urls")),
    path("ask/", include("loudong.tickets.public_urls")),
    path("inbox/", include("loudong.notify.urls")),
    path("a/", include("loudong.community_life.activities.public_urls")),
    path("baodao/<slug:code>/", report_in, name="report_in"),
    path("fankui/<str:token>/", verify_feedback_sheet, name="feedback_sheet_verify"),
    path("stats/", include("loudong.stats.area_urls")),
    path("c/<slug:code>/audit/", audit_log, name="audit"),
    path("c/<slug:code>/audit/export.xlsx", audit_export, name="audit_export"),
    path("c/<slug:code>/privacy/", include("loudong.privacy.urls")),
    path("c/<slug:code>/policy/", include("loudong.policy.urls")),
    path("c/<slug:code>/roster/", include("loudong.registry.roster.urls")),
    path("c/<slug:code>/groups/", include("loudong.groups.urls")),
    path("c/<slug:code>/requests/", include("loudong.tickets.urls")),
    path("c/<slug:code>/outreach/", include("loudong.outreach.urls")),
    path("c/<slug:code>/meetings/", include("loudong.community_life.meetings.urls")),
    path("c/<slug:code>/activities/", include("loudong.community_life.activities.urls")),
    path("c/<slug:code>/blackboard/", include("loudong.community_life.blackboard.urls")),
    path("c/<slug:code>/honours/", include("loudong.community_life.honours.urls")),
    path("c/<slug:code>/hours/", include("loudong.hours.urls")),
    path("c/<slug:code>/partners/", include("loudong.partners.urls")),
    path("c/<slug:code>/stats/", include("loudong.stats.urls")),
    path("c/<slug:code>/lists/", include("loudong.projects.urls")),
    path("c/<slug:code>/", include("loudong.registry.urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("loudong.api.open311")),
]
