"""Pages under /c/<code>/activities/."""

from django.urls import path

from loudong.community_life.activities import views, views_attendance

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/delete/", views.activity_delete, name="delete"),
    path("<int:pk>/poster.pdf", views.poster, name="poster"),
    path("<int:pk>/minutes/", views.serving_minutes, name="minutes"),
    path("<int:pk>/photos/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/photos/<int:photo_id>/", views.photo, name="photo"),
    path("<int:pk>/photos/<int:photo_id>/delete/", views.photo_delete, name="photo_delete"),
    path("<int:pk>/attendance/", views_attendance.attendance, name="attendance"),
    path("<int:pk>/attendance/tick/", views_attendance.tick, name="tick"),
    path("<int:pk>/attendance/<int:attendance_id>/remove/", views_attendance.remove, name="remove"),
]
