"""/healthz: for a load balancer, a monitor or deploy/smoke. No login, no personal data, no audit
entry: whether the database answers and whether a `loudong worker` was seen lately
(loudong.worker.heartbeat; HEALTH_WORKER_MAX_AGE, env LOUDONG_HEALTH_WORKER_MAX_AGE, default 180 s)."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from loudong.worker import heartbeat

log = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and a worker was seen within the limit; 503 naming what fails."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        seen = heartbeat.last_seen()
    except DatabaseError as error:
        log.warning("health check: the database does not answer: %s", error)
        return JsonResponse({"database": "error", "worker": "unknown", "detail": "数据库无法连接"}, status=503)
    limit = settings.HEALTH_WORKER_MAX_AGE
    if seen is None:
        body = {"database": "ok", "worker": "missing", "worker_seen_seconds_ago": None}
        return JsonResponse({**body, "detail": "没有后台进程（loudong worker）运行过"}, status=503)
    ago = max(0, round((timezone.now() - seen).total_seconds()))
    body = {"database": "ok", "worker": "ok" if ago <= limit else "stale", "worker_seen_seconds_ago": ago}
    if ago > limit:
        detail = f"后台进程（loudong worker）已 {ago} 秒没有运行（上限 {limit} 秒）"
        return JsonResponse({**body, "detail": detail}, status=503)
    return JsonResponse(body)
