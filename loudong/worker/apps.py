from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "loudong.worker"
    label = "worker"
    verbose_name = "后台进程"
