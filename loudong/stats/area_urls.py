"""Roll-up pages for a subdistrict or a district, under /stats/."""

from django.urls import path

from loudong.stats import area_views
from loudong.stats.report.views import area_work_report

app_name = "area_stats"
urlpatterns = [
    path("", area_views.home, name="home"),
    path("subdistrict/<int:pk>/", area_views.dashboard, {"level": "subdistrict"}, name="subdistrict"),
    path("district/<int:pk>/", area_views.dashboard, {"level": "district"}, name="district"),
    path("<slug:level>/<int:pk>/report/", area_work_report, name="work_report"),
    path("<slug:level>/<int:pk>/list/<str:key>/", area_views.records, name="records"),
    path("<slug:level>/<int:pk>/list/<str:key>/export/", area_views.records_export, name="records_export"),
    path("<slug:level>/<int:pk>/export/<slug:table>/", area_views.export, name="export"),
    path("<slug:level>/<int:pk>/held/<slug:key>/", area_views.held, name="held"),
    path("<slug:level>/<int:pk>/held/<slug:key>/export/", area_views.held_export, name="held_export"),
]
