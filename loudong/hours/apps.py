from django.apps import AppConfig


class HoursConfig(AppConfig):
    name = "loudong.hours"
    label = "hours"
    verbose_name = "志愿服务时长"

    def ready(self) -> None:
        from loudong.hours import personal

        personal.connect()
