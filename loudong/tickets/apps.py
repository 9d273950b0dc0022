from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "loudong.tickets"

    def ready(self) -> None:
        # A resident's requests and 我要点单 on their community's home page (drawn in registry, below).
        from loudong.registry import home
        from loudong.tickets.home_section import resident_section

        home.register(resident_section)
