"""Pages under /c/<code>/stats/: the community's dashboard and its groups', the lists behind the
figures and their Excel exports."""

from django.urls import path

from loudong.stats import views
from loudong.stats.report.views import work_report

app_name = "stats"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report/", work_report, name="work_report"),
    path("list/<str:key>/", views.records, name="records"),
    path("list/<str:key>/export/", views.records_export, name="records_export"),
    path("export/<slug:table>/", views.export, name="export"),
    path("held/<slug:key>/", views.held, name="held"),
    path("held/<slug:key>/export/", views.held_export, name="held_export"),
    path("group/<int:pk>/", views.group, name="group"),
    path("group/<int:pk>/list/<str:key>/", views.group_records, name="group_records"),
    path("group/<int:pk>/list/<str:key>/export/", views.group_records_export, name="group_records_export"),
    path("group/<int:pk>/export/<slug:table>/", views.group_export, name="group_export"),
    path("group/<int:pk>/held/<slug:key>/", views.group_held, name="group_held"),
    path("group/<int:pk>/held/<slug:key>/export/", views.group_held_export, name="group_held_export"),
]
