from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "loudong.groups"

    def ready(self) -> None:
        from loudong.groups import personal

        personal.connect()
