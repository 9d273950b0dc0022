from django.urls import path

from loudong.home import (
    elder,
    views_community,
    views_feedback,
    views_login,
    views_password,
    views_security,
    views_two_factor,
)

urlpatterns = [
    path("", views_login.home, name="home"),
    path("accounts/login/", views_login.login_view, name="login"),
    path("accounts/login/code/", views_login.login_code, name="login_code"),
    path("accounts/logout/", views_login.logout_view, name="logout"),
    path("accounts/password/", views_password.password_change, name="password_change"),
    path("elder/", elder.toggle, name="elder_toggle"),
    path("feedback/", views_feedback.feedback_new, name="feedback_new"),
    path("feedback/<str:token>/", views_feedback.feedback_show, name="feedback_show"),
    path("c/<slug:code>/feedback/", views_feedback.feedback_queue, name="feedback_queue"),
    path("c/<slug:code>/feedback/<int:pk>/answer/", views_feedback.feedback_answer, name="feedback_answer"),
    path("accounts/no-role/", views_login.no_role, name="no_role"),
    path("accounts/tokens/", views_security.api_tokens, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", views_security.revoke_token, name="revoke_token"),
    path("c/<slug:code>/locks/", views_security.locks, name="locks"),
    path("c/<slug:code>/locks/unlock/", views_security.unlock, name="unlock"),
    path("accounts/two-factor/", views_two_factor.account, name="two_factor"),
    path("accounts/two-factor/enrol/", views_two_factor.enrol, name="two_factor_enrol"),
    path("accounts/two-factor/codes/", views_two_factor.codes, name="two_factor_codes"),
    path("accounts/two-factor/codes/new/", views_two_factor.new_codes, name="two_factor_new_codes"),
    path("overview/", views_community.overview, name="overview"),
    path("c/<slug:code>/", views_community.community_home, name="community"),
    path("c/<slug:code>/two-factor/", views_two_factor.community_accounts, name="two_factor_users"),
    path("c/<slug:code>/two-factor/<int:user_id>/reset/", views_two_factor.reset, name="two_factor_reset"),
]
