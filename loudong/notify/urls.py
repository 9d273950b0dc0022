"""The in-app inbox, under /inbox/."""

app_name = "notify"
urlpatterns: list = []
