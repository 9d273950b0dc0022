"""Pages under /c/<code>/blackboard/."""

app_name = "blackboard"
urlpatterns: list = []
