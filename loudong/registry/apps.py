from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "loudong.registry"
    verbose_name = "档案"
