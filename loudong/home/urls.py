from django.urls import path

from loudong.home import views_community, views_login, views_security

urlpatterns = [
    path("", views_login.home, name="home"),
    path("accounts/login/", views_login.login_view, name="login"),
    path("accounts/logout/", views_login.logout_view, name="logout"),
    path("accounts/no-role/", views_login.no_role, name="no_role"),
    path("accounts/tokens/", views_security.api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views_security.revoke_token, name="revoke_token"),
    path("overview/", views_community.overview, name="overview"),
    path("c/<slug:code>/", views_community.community_home, name="community"),
    path("c/<slug:code>/locks/", views_security.locks, name="locks"),
    path("c/<slug:code>/locks/unlock/", views_security.unlock, name="unlock"),
]
