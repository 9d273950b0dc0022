"""Pages under /c/<code>/blackboard/."""

from django.urls import path

from loudong.community_life.blackboard import views

app_name = "blackboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.write, name="write"),
    path("building/<int:pk>/", views.building, name="building"),
    path("building/<int:pk>/poster.pdf", views.poster, name="poster"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/hide/", views.hide, name="hide"),
    path("<int:pk>/show/", views.show, name="show"),
]
