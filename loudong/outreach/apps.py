from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "loudong.outreach"
    label = "outreach"
    verbose_name = "包户与敲门问需"
