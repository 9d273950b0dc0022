"""Public sign-in pages reached from an activity's QR code, under /a/ (no account)."""

from django.urls import path

from loudong.community_life.activities import views_public

app_name = "activity_signin"
urlpatterns = [
    path("<str:token>/", views_public.signin, name="signin"),
]
