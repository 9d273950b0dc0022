"""Keys for Open311 clients, remembered answers to idempotent POSTs, and rate-limit counters."""

import hashlib
import secrets

from django.db import models


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """An Open311 client (a city's 12345 hotline, a partner app) allowed to place requests in one
    community. Only the key's hash is stored; the key itself is shown once when it is created."""

    community = models.ForeignKey(
        "registry.Community", on_delete=models.CASCADE, related_name="api_keys", verbose_name="社区"
    )
    name = models.CharField("名称", max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "Open311 接口密钥"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.name}（{self.community}）"

    @classmethod
    def issue(cls, community: models.Model, name: str) -> tuple["ApiKey", str]:
        raw = secrets.token_urlsafe(32)
        return cls.objects.create(community=community, name=name, key_hash=key_hash(raw)), raw

    @classmethod
    def find(cls, raw: str) -> "ApiKey | None":
        if not raw:
            return None
        return cls.objects.select_related("community").filter(key_hash=key_hash(raw), active=True).first()


class IdempotencyRecord(models.Model):
    """The answer given to a POST carrying an Idempotency-Key, so a retry gets the same answer.

    `owner` is "user:<id>" or "key:<id>": one unique constraint covers both kinds of caller, and a
    second POST with the same key waits on it (PostgreSQL) or on the write lock (SQLite) until the
    first one has committed, then replays its answer.
    """

    owner = models.CharField(max_length=40)
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    api_key = models.ForeignKey(ApiKey, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    body_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_owner_key")]

    def __str__(self) -> str:
        return f"{self.owner} {self.method} {self.path} [{self.key}]"
