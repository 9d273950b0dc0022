from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "loudong.ops"
    label = "ops"
    verbose_name = "运维"
