from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "loudong.community_life.meetings"
    label = "meetings"
    verbose_name = "红色议事厅"
