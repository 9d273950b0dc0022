"""Roll-up pages for a subdistrict or a district, under /stats/."""

app_name = "area_stats"
urlpatterns: list = []
