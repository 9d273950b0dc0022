from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "loudong.partners"
    label = "partners"
    verbose_name = "双报到"

    def ready(self) -> None:
        from loudong.partners import personal

        personal.connect()
