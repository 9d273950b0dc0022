from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "loudong.community_life.honours"
    label = "honours"
    verbose_name = "荣誉"

    def ready(self) -> None:
        # Meetings, honours and the blackboard's part of a person's data (loudong.lib.personal).
        from loudong.community_life import personal

        personal.connect()
