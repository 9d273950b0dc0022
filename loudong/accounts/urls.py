from django.urls import path

from loudong.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("no-role/", views.no_role, name="no_role"),
]
