from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "loudong.home"
    label = "home"
