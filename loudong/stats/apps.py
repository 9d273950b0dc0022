from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "loudong.stats"
    label = "stats"
    verbose_name = "统计"

    def ready(self) -> None:
        from loudong.hours.sources import register_totals
        from loudong.stats import tally
        from loudong.stats.coverage import refresh_job
        from loudong.tickets.hooks import finished_request_changed
        from loudong.worker import jobs

        finished_request_changed.connect(tally.mark)
        jobs.register("tallies", refresh_job, every=jobs.MINUTE)
        register_totals("errand", tally.errand_minutes)
