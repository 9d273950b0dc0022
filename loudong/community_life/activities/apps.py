from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "loudong.community_life.activities"
    label = "activities"
    verbose_name = "微文化活动"

    def ready(self) -> None:
        from loudong.community_life.activities import hours_source, personal
        from loudong.hours.sources import register_source

        register_source(hours_source)
        personal.connect()
