from django.urls import path

from loudong.home import views_community, views_login, views_password

urlpatterns = [
    path("", views_login.home, name="home"),
    path("accounts/login/", views_login.login_view, name="login"),
    path("accounts/logout/", views_login.logout_view, name="logout"),
    path("accounts/password/", views_password.password_change, name="password_change"),
    path("accounts/no-role/", views_login.no_role, name="no_role"),
    path("overview/", views_community.overview, name="overview"),
    path("c/<slug:code>/", views_community.community_home, name="community"),
]
