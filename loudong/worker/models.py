from django.db import models


class Heartbeat(models.Model):
    """A `loudong worker` process was alive at last_seen (loudong.worker.heartbeat)."""

    worker = models.CharField("后台进程", max_length=200, unique=True)  # host:pid
    started_at = models.DateTimeField("启动时间")
    last_seen = models.DateTimeField("最近运行", db_index=True)

    class Meta:
        verbose_name = "后台进程心跳"

    def __str__(self) -> str:
        return self.worker
