"""Pages under /c/<code>/lists/: 需求清单, 资源清单, 项目清单."""

from django.urls import path

from loudong.projects import views_lists, views_need, views_project

app_name = "projects"
urlpatterns = [
    path("needs/", views_lists.needs, name="needs"),
    path("needs/new/", views_lists.need_new, name="need_new"),
    path("needs/<int:pk>/", views_need.need_detail, name="need"),
    path("needs/<int:pk>/start/", views_need.need_start, name="need_start"),
    path("needs/<int:pk>/edit/", views_need.need_edit, name="need_edit"),
    path("needs/<int:pk>/close/", views_need.need_close, name="need_close"),
    path("needs/<int:pk>/reopen/", views_need.need_reopen, name="need_reopen"),
    path("needs/from-request/<int:pk>/", views_need.need_from_request, name="need_from_request"),
    path("needs/from-visit/<int:pk>/", views_need.need_from_visit, name="need_from_visit"),
    path("needs/from-decision/<int:pk>/", views_need.need_from_decision, name="need_from_decision"),
    path("resources/", views_lists.resources, name="resources"),
    path("resources/new/", views_lists.resource_new, name="resource_new"),
    path("resources/list-offers/", views_lists.list_offers, name="list_offers"),
    path("resources/<int:pk>/active/", views_lists.resource_active, name="resource_active"),
    path("projects/", views_lists.projects, name="projects"),
    path("projects/<int:pk>/", views_project.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views_project.project_edit, name="project_edit"),
    path("projects/<int:pk>/steps/", views_project.step_add, name="step_add"),
    path("projects/<int:pk>/steps/<int:step>/", views_project.step_mark, name="step_mark"),
    path("projects/<int:pk>/steps/<int:step>/remove/", views_project.step_remove, name="step_remove"),
    path("projects/<int:pk>/begin/", views_project.project_begin, name="project_begin"),
    path("projects/<int:pk>/finish/", views_project.project_finish, name="project_finish"),
    path("projects/<int:pk>/cancel/", views_project.project_cancel, name="project_cancel"),
]
