from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "loudong.outreach"
    label = "outreach"
    verbose_name = "包户与敲门问需"

    def ready(self) -> None:
        from loudong.hours.sources import register_source
        from loudong.outreach import hours_source, personal

        register_source(hours_source)
        personal.connect()
