from django.urls import path

from loudong.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.community_home, name="community"),
]
