from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "loudong.stats"
    label = "stats"
    verbose_name = "统计"

    def ready(self) -> None:
        from loudong.lib import sql  # noqa: F401 - registers the in_ids lookup the dashboards' reads use
