from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "loudong.feedback"
    verbose_name = "意见建议"
