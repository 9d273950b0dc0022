"""Django's PostgreSQL backend with one change: a kept connection's health check.

With CONN_HEALTH_CHECKS, Django runs `SELECT 1` before a request's first query, one more round trip
and statement on every request (an API submission is otherwise two). Here a connection that a
request let go of less than HEALTH_CHECK_AFTER_IDLE seconds ago is taken as it is: on a busy server
every connection is in use all the time, and a database restarted while requests run fails those
requests anyway. A connection that sat idle longer (a quiet night, a restart or failover between
requests, a firewall's idle cut) is checked as Django checks it. A query on a dead connection marks
it, and Django closes it at the end of that request (errors_occurred), so at most one request per
process meets a database that went away within the window.
"""

import time

from django.db.backends.postgresql import base

HEALTH_CHECK_AFTER_IDLE = 5.0  # seconds


class DatabaseWrapper(base.DatabaseWrapper):
    _released_at: float | None = None  # when a request last let go of the connection (monotonic)
    _recently_used = False

    def close_if_unusable_or_obsolete(self) -> None:
        """Called by Django as each request starts and ends (close_old_connections)."""
        now = time.monotonic()
        super().close_if_unusable_or_obsolete()
        self._recently_used = (
            self.connection is not None
            and self._released_at is not None
            and now - self._released_at < HEALTH_CHECK_AFTER_IDLE
        )
        self._released_at = now if self.connection is not None else None

    def close_if_health_check_failed(self) -> None:
        if self.connection is not None and self._recently_used and not self.health_check_done:
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def close(self) -> None:
        super().close()
        self._released_at, self._recently_used = None, False
