from django.apps import AppConfig


class GroupsConfig(AppConfig):
    name = "loudong.groups"
