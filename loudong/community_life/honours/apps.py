from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "loudong.community_life.honours"
    label = "honours"
    verbose_name = "荣誉"
