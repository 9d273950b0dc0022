from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "loudong.accounts"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from loudong.accounts import personal, retention, sessions, signals, tokens
        from loudong.worker import jobs

        user_logged_in.connect(signals.record_login, dispatch_uid="loudong_record_login")
        user_logged_out.connect(signals.record_logout, dispatch_uid="loudong_record_logout")
        user_login_failed.connect(signals.record_login_failure, dispatch_uid="loudong_record_login_failure")
        signals.password_changed.connect(tokens.end_on_password_change, dispatch_uid="loudong_tokens_end")
        user_locked_out.connect(signals.remember_unlock_time, dispatch_uid="loudong_remember_unlock_time")
        user_logged_in.connect(sessions.mark_login, dispatch_uid="loudong_session_mark_login")
        signals.password_changed.connect(signals.record_password_change, dispatch_uid="loudong_record_password_change")
        jobs.register("audit retention", retention.purge_expired_job, every=jobs.HOUR)
        retention.register(retention.TASK_RESULT_RULE)
        jobs.register("api token expiry", tokens.end_expired_job, every=jobs.HOUR)
        personal.connect()
