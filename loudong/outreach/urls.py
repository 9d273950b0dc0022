"""Pages under /c/<code>/outreach/."""

app_name = "outreach"
urlpatterns: list = []
