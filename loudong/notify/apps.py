from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "loudong.notify"

    def ready(self) -> None:
        from loudong.accounts import retention
        from loudong.notify import personal
        from loudong.notify.outbox import send_due_job
        from loudong.notify.retention import RULES
        from loudong.worker import jobs

        jobs.register("outbox", send_due_job, every=jobs.MINUTE)
        for rule in RULES:
            retention.register(rule)
        personal.connect()
