from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "loudong.community_life.activities"
    label = "activities"
    verbose_name = "微文化活动"
