"""Pages under /c/<code>/stats/."""

app_name = "stats"
urlpatterns: list = []
