"""Building-group pages under /c/<code>/groups/: planning, elections, venues and printing."""

from django.urls import include, path

urlpatterns = [
    path("plan/", include("loudong.groups.planning.urls")),
    path("elections/", include("loudong.groups.elections.urls")),
    path("venues/", include("loudong.groups.venues.urls")),
    path("print/", include("loudong.groups.printing.urls")),
]
