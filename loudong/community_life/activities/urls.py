"""Pages under /c/<code>/activities/."""

app_name = "activities"
urlpatterns: list = []
