from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "loudong.registry"
    verbose_name = "档案"

    def ready(self) -> None:
        from loudong.registry import personal
        from loudong.registry.roster.tasks import fail_stalled_job
        from loudong.worker import jobs

        jobs.register("stalled imports", fail_stalled_job, every=jobs.MINUTE)
        personal.connect()
