"""Users, the roles they hold (each scoped to a place or a group), API tokens and the audit log."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone


class User(AbstractUser):
    display_name = models.CharField("姓名", max_length=40, blank=True)
    resident = models.OneToOneField(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="user"
    )
    # When the password was last set: API tokens issued before then no longer open anything, whoever
    # set it and however (the password page, `grant_role --password`, a shell), checked in the same
    # statement that reads the token (loudong.api.auth).
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # 长辈版: large text and large targets on every page, for this account on any device (a browser
    # remembers it in the `elder` cookie too, for the pages before login; loudong.home.elder).
    elder_mode = models.BooleanField("长辈版", default=False)

    def __str__(self) -> str:
        return self.display_name or self.username

    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        if not getattr(self, "_rehashing", False):
            self.password_changed_at = timezone.now()

    def check_password(self, raw_password: str) -> bool:
        # A right password stored with an older hasher is hashed again on login (Django calls
        # set_password and saves the password field alone): the same password, so tokens stay.
        self._rehashing = True
        try:
            return super().check_password(raw_password)
        finally:
            self._rehashing = False

    def save(self, *args: object, **kwargs: object) -> None:
        fields = kwargs.get("update_fields")
        if fields is not None and "password" in fields and not getattr(self, "_rehashing", False):
            kwargs["update_fields"] = {*fields, "password_changed_at"}
        super().save(*args, **kwargs)

    def first_community_id(self) -> int | None:
        """The community of the user's first grant: whose audit log records the account's own events
        (login, logout, password, two-factor login)."""
        return next((g.community_id for g in self.grants.order_by("id") if g.community_id), None)

    def grant_list(self) -> list["Grant"]:
        """The user's grants, loaded once per request object."""
        if not hasattr(self, "_grants"):
            self._grants = list(self.grants.select_related("community", "group", "subdistrict", "district"))
        return self._grants

    def roles_in(self, community_id: int) -> set[str]:
        return {g.role for g in self.grant_list() if g.community_id == community_id}


class Role(models.TextChoices):
    RESIDENT = "resident", "居民"
    VOLUNTEER = "volunteer", "党员志愿者"
    LEADER = "leader", "楼栋党小组组长"
    ADMIN = "admin", "社区管理员"
    OVERSEER = "overseer", "街道/区（只读）"


class Grant(models.Model):
    """One role held by one user over one scope.

    admin / resident: a community; leader / volunteer: a group (and its community);
    overseer: a subdistrict or a whole district.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants")
    role = models.CharField("角色", max_length=16, choices=Role.choices)
    community = models.ForeignKey("registry.Community", null=True, blank=True, on_delete=models.CASCADE)
    group = models.ForeignKey("groups.BuildingGroup", null=True, blank=True, on_delete=models.CASCADE)
    subdistrict = models.ForeignKey("registry.Subdistrict", null=True, blank=True, on_delete=models.CASCADE)
    district = models.ForeignKey("registry.District", null=True, blank=True, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="grant_scope_matches_role",
                condition=(
                    models.Q(role__in=["admin", "resident"], community__isnull=False, group__isnull=True)
                    | models.Q(role__in=["leader", "volunteer"], community__isnull=False, group__isnull=False)
                    | models.Q(role="overseer", community__isnull=True)
                    & (models.Q(subdistrict__isnull=False) | models.Q(district__isnull=False))
                ),
            )
        ]

    def __str__(self) -> str:
        scope = self.group or self.community or self.subdistrict or self.district
        return f"{self.get_role_display()} · {scope}"


def token_idle_days() -> int:
    return max(1, int(getattr(settings, "API_TOKEN_IDLE_DAYS", 30)))


class ApiTokenQuerySet(models.QuerySet):
    def live(self, now: datetime | None = None) -> "ApiTokenQuerySet":
        """Tokens that still open the API: used (or issued) within the idle time, issued after the
        owner's password was last set, the owner active. loudong.api.auth checks the same in SQL."""
        return self.filter(user__is_active=True).exclude(self._ended(now))

    def ended(self, now: datetime | None = None) -> "ApiTokenQuerySet":
        return self.filter(self._ended(now) | models.Q(user__is_active=False))

    @staticmethod
    def _ended(now: datetime | None) -> models.Q:
        idle_since = (now or timezone.now()) - timedelta(days=token_idle_days())
        return (
            models.Q(last_used_at__lt=idle_since)
            | models.Q(last_used_at__isnull=True, created_at__lt=idle_since)
            | models.Q(created_at__lt=models.F("user__password_changed_at"))
        )


class ApiToken(models.Model):
    """A bearer token for the JSON API; only its hash is stored. It ends after API_TOKEN_IDLE_DAYS
    without use, when its owner's password is set again, or when revoked (the row deleted)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("名称", max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "接口令牌"

    def __str__(self) -> str:
        return f"{self.user} 的接口令牌“{self.name or '接口'}”"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> str:
        raw = secrets.token_urlsafe(32)
        cls.objects.create(user=user, key_hash=cls.hash(raw), name=(name.strip() or "接口")[:100])
        return raw

    def expires_at(self) -> datetime:
        return (self.last_used_at or self.created_at) + timedelta(days=token_idle_days())


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: object) -> int:
        raise PermissionDenied("审计日志只能追加，不能修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("审计日志只能追加，不能删除")


class AuditEntry(models.Model):
    """Append-only: who created, changed, deleted, viewed or exported personal data, when and from where.

    The database itself refuses UPDATE and DELETE (triggers, see the migrations); only the retention
    job removes old entries (loudong.accounts.retention), and says so in the log. The ORM refuses both.
    Foreign keys are not enforced so that entries outlive what they describe.
    """

    class Action(models.TextChoices):
        CREATE = "create", "新增"
        UPDATE = "update", "修改"
        DELETE = "delete", "删除"
        VIEW = "view", "查看"
        EXPORT = "export", "导出"
        IMPORT = "import", "导入"
        LOGIN = "login", "登录"
        LOGOUT = "logout", "退出登录"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    community = models.ForeignKey(
        "registry.Community",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    object_type = models.CharField("对象类型", max_length=40)
    object_id = models.CharField(max_length=40, blank=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    detail = models.JSONField("内容", default=dict, blank=True)
    ip = models.GenericIPAddressField("来源地址", null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["community", "-at"])]
        verbose_name = "审计日志"

    def __str__(self) -> str:
        return f"{self.actor_name} {self.get_action_display()} {self.object_repr}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionDenied("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionDenied("审计日志只能追加，不能删除")


class AuditName(models.Model):
    """A person's name, phone or ID number as the audit log refers to it: entries hold the token
    (`⟦token⟧`) instead of the value, and the log is shown with the value put back. Erasing the
    person (个人信息保护法 §47) deletes their rows here, so the append-only entries keep only a pseudonym.
    Rows with no resident are values an audited object named outside the registry (a sign-in's name)."""

    token = models.CharField(max_length=16, unique=True)
    resident_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    text = models.CharField(max_length=200)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["resident_id", "text"], name="auditname_one_per_value")]

    def __str__(self) -> str:
        return self.token


class RateCounter(models.Model):
    """Hits of one client or one building in one fixed time window; incremented with an upsert so
    several app processes share the count."""

    scope = models.CharField(max_length=120)
    window_start = models.BigIntegerField()  # seconds since the epoch
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "window_start"], name="ratecounter_scope_window")]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.scope} @ {self.window_start}: {self.hits}"
