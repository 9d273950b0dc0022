from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "loudong.demo"
