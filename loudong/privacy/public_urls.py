"""The resident's privacy page, under their tracking link: /ask/t/<token>/my-data/."""

from django.urls import path

from loudong.privacy import views_public as views

app_name = "privacy_public"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/copy.pdf", views.download, {"extension": "pdf"}, name="pdf"),
    path("<int:pk>/copy.xlsx", views.download, {"extension": "xlsx"}, name="xlsx"),
]
