from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "loudong.tickets"

    def ready(self) -> None:
        from loudong.hours.sources import register_source
        from loudong.tickets import hours_source

        register_source(hours_source)
