from django.urls import path

from loudong.privacy import views_admin as views

app_name = "privacy"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/copy.pdf", views.export, {"extension": "pdf"}, name="pdf"),
    path("<int:pk>/copy.xlsx", views.export, {"extension": "xlsx"}, name="xlsx"),
    path("new/<int:resident_id>/", views.in_person, name="in_person"),
]
