from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "loudong.stats"
    label = "stats"
    verbose_name = "统计"
