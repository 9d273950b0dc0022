from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "loudong.privacy"
    label = "privacy"
    verbose_name = "个人信息权利"

    def ready(self) -> None:
        from loudong.privacy import personal
        from loudong.tickets.hooks import tracking_notes

        personal.connect()
        tracking_notes.connect(personal.tracking_notes)
