from django.urls import path

from loudong.groups import views as group_views
from loudong.groups.elections import views

app_name = "elections"
urlpatterns = [
    path("", group_views.groups, name="groups"),
    path("g/<int:pk>/", group_views.group_detail, name="group"),
    path("g/<int:pk>/new/", views.election_open, name="open"),
    path("<int:pk>/", views.election_detail, name="detail"),
    path("<int:pk>/nominate/", views.nominate, name="nominate"),
    path("<int:pk>/candidates/<int:candidate>/remove/", views.remove_candidate, name="remove_candidate"),
    path("<int:pk>/start/", views.start, name="start"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/paper/", views.paper, name="paper"),
    path("<int:pk>/close/", views.close, name="close"),
]
