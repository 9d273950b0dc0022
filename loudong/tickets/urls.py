"""Staff pages of the request workflow, under /c/<code>/requests/."""

app_name = "tickets"
urlpatterns: list = []
