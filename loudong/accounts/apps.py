from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "loudong.accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from loudong.accounts import personal, signals
        from loudong.accounts.retention import purge_expired_job
        from loudong.worker import jobs

        user_logged_in.connect(signals.record_login, dispatch_uid="loudong_record_login")
        user_login_failed.connect(signals.record_login_failure, dispatch_uid="loudong_record_login_failure")
        user_locked_out.connect(signals.remember_unlock_time, dispatch_uid="loudong_remember_unlock_time")
        jobs.register("audit retention", purge_expired_job, every=jobs.HOUR)
        personal.connect()
