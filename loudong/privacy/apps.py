from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "loudong.privacy"
    label = "privacy"
    verbose_name = "个人信息权利"

    def ready(self) -> None:
        from loudong.accounts.audit_display import name_values
        from loudong.privacy import personal
        from loudong.tickets.hooks import tracking_notes

        personal.connect()
        name_values("via", [("tracking", "居民从点单链接下载"), ("admin", "社区管理员下载")])
        tracking_notes.connect(personal.tracking_notes)
