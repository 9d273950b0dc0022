from django.urls import path

from loudong.policy import views

app_name = "policy"
urlpatterns = [
    path("", views.show, name="show"),
    path("edit/", views.edit, name="edit"),
    path("history/", views.history, name="history"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.download, name="download"),
]
