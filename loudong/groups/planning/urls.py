"""党小组规划 and the coverage report, under /c/<code>/groups/plan/."""

from django.urls import path

from loudong.groups.planning import coverage, views

app_name = "planning"
urlpatterns = [
    path("", views.plan, name="plan"),
    path("check/", views.check, name="check"),
    path("confirm/", views.confirm, name="confirm"),
    path("apply/", views.apply_plan, name="apply"),
    path("coverage/", coverage.report, name="coverage"),
    path("coverage/members/<int:pk>/join/", coverage.join_group, name="join"),
    path("coverage/stairwells/<int:pk>/serve/", coverage.serve_stairwell, name="serve"),
]
