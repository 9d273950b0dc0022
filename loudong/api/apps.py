from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "loudong.api"

    def ready(self) -> None:
        from loudong.api.idempotency import purge_expired_job
        from loudong.worker import jobs

        jobs.register("idempotency", purge_expired_job, every=jobs.HOUR)
