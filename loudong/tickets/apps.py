from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "loudong.tickets"

    def ready(self) -> None:
        from loudong.accounts import retention
        from loudong.accounts.audit_display import name_values
        from loudong.groups.elections.hooks import requests_done
        from loudong.hours.sources import register_source
        from loudong.tickets import hours_source, intake, member_record, personal, tasks
        from loudong.tickets.models import Request
        from loudong.tickets.retention import CONTACT_RULE
        from loudong.worker import jobs

        register_source(hours_source)
        personal.connect()
        requests_done.connect(member_record.service_done)
        jobs.register("intake", intake.drain_job, every=jobs.ROUND)
        jobs.register("deadlines", tasks.sweep_job, every=jobs.MINUTE)
        retention.register(CONTACT_RULE)
        # The audit log shows where a request came from by its Chinese name.
        name_values("channel", Request.Channel.choices)
