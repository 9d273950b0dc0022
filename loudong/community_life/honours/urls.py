"""Pages under /c/<code>/honours/."""

app_name = "honours"
urlpatterns: list = []
