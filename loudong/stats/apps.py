from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "loudong.stats"
    label = "stats"
    verbose_name = "统计"

    def ready(self) -> None:
        from loudong.hours.sources import register_totals
        from loudong.stats import tally
        from loudong.tickets.hooks import finished_request_changed

        finished_request_changed.connect(tally.mark)
        register_totals("errand", tally.errand_minutes)
