"""Pages under /c/<code>/outreach/."""

from django.urls import path

from loudong.outreach import views_assign, views_coverage, views_visits

app_name = "outreach"
urlpatterns = [
    path("", views_visits.mine, name="mine"),
    path("visits/", views_visits.visit_list, name="visits"),
    path("visits/new/", views_visits.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views_visits.visit_detail, name="visit"),
    path("visits/<int:pk>/request/", views_visits.visit_to_request, name="visit_request"),
    path("households/<int:pk>/", views_visits.household_detail, name="household"),
    path("residents/<int:pk>/phone/", views_visits.phone, name="phone"),
    path("assign/", views_assign.groups, name="groups"),
    path("assign/<int:pk>/", views_assign.group, name="group"),
    path("assign/<int:pk>/propose/", views_assign.propose, name="propose"),
    path("assign/<int:pk>/confirm/", views_assign.confirm, name="confirm"),
    path("assign/<int:pk>/discard/", views_assign.discard, name="discard"),
    path("assign/<int:pk>/move/<int:household>/", views_assign.move, name="move"),
    path("coverage/", views_coverage.coverage, name="coverage"),
    path("coverage/list/", views_coverage.coverage_list, name="coverage_list"),
]
