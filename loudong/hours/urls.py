"""Pages under /c/<code>/hours/."""

from django.urls import path

from loudong.hours import views, views_certificates

app_name = "hours"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("correct/", views.ask_change, name="ask_change"),
    path("missing/", views.ask_missing, name="ask_missing"),
    path("team/", views.team, name="team"),
    path("team/<int:pk>/", views.member_hours, name="member"),
    path("team/<int:pk>/certificate/", views_certificates.issue, name="issue"),
    path("corrections/", views.queue, name="queue"),
    path("corrections/<int:pk>/decide/", views.decide, name="decide"),
    path("certificates/<int:pk>.pdf", views_certificates.certificate_pdf, name="certificate"),
    path("verify/<str:token>/", views_certificates.verify, name="verify"),
]
