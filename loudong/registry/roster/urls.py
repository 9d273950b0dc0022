from django.urls import path

from loudong.registry.roster import views

app_name = "roster"
urlpatterns = [
    path("", views.import_page, name="import"),
    path("template/", views.template_download, name="template"),
    path("jobs/<int:job_id>/", views.job_page, name="job"),
    path("jobs/<int:job_id>/status/", views.job_status, name="status"),
    path("jobs/<int:job_id>/confirm/", views.confirm, name="confirm"),
    path("jobs/<int:job_id>/rejected.xlsx", views.rejected_download, name="rejected"),
]
