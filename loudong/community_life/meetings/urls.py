"""Pages under /c/<code>/meetings/."""

from django.urls import path

from loudong.community_life.meetings import views, views_record

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_create, name="create"),
    path("tasks/", views.tasks_mine, name="tasks"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("recurring/", views.recurring, name="recurring"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/delete/", views.meeting_delete, name="delete"),
    path("<int:pk>/print/", views.minutes_print, name="print"),
    path("<int:pk>/agenda/", views_record.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/suggested/", views_record.agenda_suggest, name="agenda_suggest"),
    path("<int:pk>/agenda/<int:item>/remove/", views_record.agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/<int:item>/move/", views_record.agenda_move, name="agenda_move"),
    path("<int:pk>/attendance/", views_record.attendance, name="attendance"),
    path("<int:pk>/attendance/search/", views_record.attendance_search, name="attendance_search"),
    path("<int:pk>/minutes/", views_record.minutes_save, name="minutes"),
    path("<int:pk>/decisions/", views_record.decision_add, name="decision_add"),
    path("<int:pk>/decisions/<int:decision>/remove/", views_record.decision_remove, name="decision_remove"),
    path("<int:pk>/decisions/<int:decision>/request/", views_record.decision_request, name="decision_request"),
    path("<int:pk>/tasks/", views_record.task_add, name="task_add"),
    path("<int:pk>/tasks/<int:task>/reopen/", views.task_reopen, name="task_reopen"),
]
