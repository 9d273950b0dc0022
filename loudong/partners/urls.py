"""Staff pages under /c/<code>/partners/."""

from django.urls import path

from loudong.partners import views_posts, views_public, views_reports, views_sheets, views_units

app_name = "partners"
urlpatterns = [
    path("reports/", views_reports.queue, name="reports"),
    path("reports/new/", views_reports.new, name="report_new"),
    path("reports/<int:pk>/", views_reports.detail, name="report"),
    path("reports/<int:pk>/confirm/", views_reports.confirm, name="confirm"),
    path("reports/<int:pk>/decline/", views_reports.decline, name="decline"),
    path("poster.pdf", views_public.poster, name="poster"),
    path("units/", views_units.units, name="units"),
    path("units/new/", views_units.edit, name="unit_new"),
    path("units/<int:pk>/", views_units.unit, name="unit"),
    path("units/<int:pk>/edit/", views_units.edit, name="unit_edit"),
    path("units/<int:pk>/phone/", views_units.phone, name="unit_phone"),
    path("units/<int:pk>/agreements/", views_units.agreement_new, name="agreement_new"),
    path("agreements/<int:pk>/", views_units.agreement_file, name="agreement"),
    path("posts/", views_posts.posts, name="posts"),
    path("posts/new/", views_posts.edit, name="post_new"),
    path("posts/holders/", views_posts.holders, name="holders"),
    path("posts/<int:pk>/", views_posts.post, name="post"),
    path("posts/<int:pk>/edit/", views_posts.edit, name="post_edit"),
    path("posts/<int:pk>/claim/", views_posts.claim, name="claim"),
    path("posts/<int:pk>/release/", views_posts.release, name="release"),
    path("sheets/", views_sheets.index, name="sheets"),
    path("sheets/evaluate/<int:member_id>/", views_sheets.evaluate, name="evaluate"),
    path("sheets/sheet.pdf", views_sheets.sheet_pdf, name="sheet_pdf"),
]
