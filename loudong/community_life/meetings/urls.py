"""Pages under /c/<code>/meetings/."""

app_name = "meetings"
urlpatterns: list = []
