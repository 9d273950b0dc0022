from django.apps import AppConfig


class BlackboardConfig(AppConfig):
    name = "loudong.community_life.blackboard"
    label = "blackboard"
    verbose_name = "党史小黑板"
