"""Pages under /c/<code>/honours/."""

from django.urls import path

from loudong.community_life.honours import views

app_name = "honours"
urlpatterns = [
    path("", views.honours, name="list"),
    path("new/", views.create, name="create"),
    path("people/", views.people, name="people"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/delete/", views.delete, name="delete"),
]
