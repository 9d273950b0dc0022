"""Pages under /c/<code>/hours/."""

app_name = "hours"
urlpatterns: list = []
