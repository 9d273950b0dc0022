from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "loudong.api"

    def ready(self) -> None:
        from loudong.accounts import retention
        from loudong.api.idempotency import RULES

        for rule in RULES:
            retention.register(rule)
