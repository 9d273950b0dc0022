"""Staff pages of the request workflow, under /c/<code>/requests/."""

from django.urls import path

from loudong.tickets import views_actions, views_entry, views_staff
from loudong.tickets.slip import slip_view

app_name = "tickets"
urlpatterns = [
    path("", views_staff.queue, name="queue"),
    path("mine/", views_staff.mine, name="mine"),
    path("new/", views_entry.create, name="create"),
    path("new/residents/", views_entry.resident_search, name="resident_search"),
    path("calendar/", views_entry.calendar, name="calendar"),
    path("calendar/<int:pk>/delete/", views_entry.calendar_delete, name="calendar_delete"),
    path("<int:pk>/", views_staff.detail, name="detail"),
    path("<int:pk>/dispatch/", views_staff.dispatch, name="dispatch"),
    path("<int:pk>/accept/", views_staff.accept, name="accept"),
    path("<int:pk>/photos/<int:photo_id>/", views_staff.photo, name="photo"),
    path("<int:pk>/slip.pdf", slip_view, name="slip"),
    path("<int:pk>/<slug:step>/", views_actions.act, name="act"),
]
