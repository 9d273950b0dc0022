from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "loudong.worker"
    label = "worker"
    verbose_name = "后台进程"

    def ready(self) -> None:
        from loudong.worker import heartbeat, jobs

        jobs.register("heartbeat cleanup", heartbeat.clean_job, every=jobs.HOUR)
