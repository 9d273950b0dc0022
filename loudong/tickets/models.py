"""点单: requests from residents, their timeline, photos, supporters and the working-day calendar.

What the rows hold beyond the obvious:
- Request.remind_at, next_escalation_at: precomputed, indexed moments the worker sweeps on
  (the reminder at 75% of the time, the next overdue escalation step).
- Request.response_late: set once when the response deadline passed untaken (one event, one notice).
- Request.question: the open question to the resident while WAITING (shown on the tracking page).
- Request.support_count: "我也遇到" count, kept on the row so lists need no join.
- Request.scope: a shared place or a household (policy.rules); only shared-place requests are ever
  shown to neighbours (loudong.tickets.publicity). public_note: what staff chose to tell them.
- Supporter.tracking_token: the joiner's own link, to a page of public facts only.
- Request.extension_count, updated_at.
- RequestEvent.at defaults to timezone.now (not auto_now_add) so the demo can write past history.
- RequestSequence: the per-community daily counter behind Request.number.
- CalendarOverride: admin overrides of China's calendar (date, is_workday, note).

State changes happen only in loudong.tickets.actions; deadline rules live in loudong.tickets.deadlines.
"""

from django.db import models
from django.db.models import Case, F, Lookup, Q, Value, When
from django.utils import timezone

from loudong.lib.shanghai import deadline_label
from loudong.policy import rules


class Status(models.TextChoices):
    SUBMITTED = "submitted", "待派单"
    DISPATCHED = "dispatched", "待接单"
    ACCEPTED = "accepted", "办理中"
    WAITING = "waiting", "等待居民补充"
    RESOLVED = "resolved", "待确认"
    CLOSED = "closed", "已办结"
    REJECTED = "rejected", "不予受理"
    MERGED = "merged", "已合并"
    ESCALATED = "escalated", "已上报社区"


# Statuses whose time limit is running (WAITING is paused; RESOLVED waits for the resident).
RUNNING = (Status.SUBMITTED, Status.DISPATCHED, Status.ACCEPTED, Status.ESCALATED)
OPEN = (*RUNNING, Status.WAITING)
FINAL = (Status.CLOSED, Status.REJECTED, Status.MERGED)
# The contact name of a request whose contact fields were anonymised (loudong.tickets.retention).
ANONYMISED = "已匿名"


class Scope(models.TextChoices):
    SHARED = rules.SHARED, rules.SCOPES[rules.SHARED]
    HOUSEHOLD = rules.HOUSEHOLD, rules.SCOPES[rules.HOUSEHOLD]


class StatusAmong(Lookup):
    """`status__among=OPEN`: `status__in` with the statuses written into the statement instead of bound
    as parameters, because SQLite uses a partial index (Request.Meta.indexes) only when it can see the
    values match the index's condition. Only the Status values are accepted, so nothing is injected."""

    lookup_name = "among"
    prepare_rhs = False

    def as_sql(self, compiler: object, connection: object) -> tuple[str, list]:
        lhs, params = self.process_lhs(compiler, connection)
        listed = ", ".join(f"'{Status(value).value}'" for value in self.rhs)
        return f"{lhs} IN ({listed})", params


class RequestQuerySet(models.QuerySet):
    def visible_to(self, user: "models.Model") -> "RequestQuerySet":
        """admin: the community; leader: the group's requests; volunteer: assigned to them or entered
        by them; resident account: their own. Overseers see roll-ups elsewhere, not requests."""
        from loudong.tickets.access import request_scope  # the access rules import the models

        return self.filter(request_scope(user))

    def open(self) -> "RequestQuerySet":
        return self.filter(status__among=OPEN)

    def overdue(self, now: "timezone.datetime | None" = None) -> "RequestQuerySet":
        return self.filter(status__among=RUNNING, due_at__lte=now or timezone.now())

    def needs_action_first(self, now: "timezone.datetime") -> "RequestQuerySet":
        """Overdue first, the longest overdue at the top; then the newest: a request that has just come
        in is on the first screen, not under weeks of older ones."""
        late = Q(status__among=RUNNING, due_at__lte=now)
        return self.alias(
            late_first=Case(When(late, then=Value(0)), default=Value(1)),
            late_due=Case(When(late, then=F("due_at"))),
        ).order_by("late_first", "late_due", "-created_at", "-id")


class Request(models.Model):
    """点单: one ask from a resident, served by the group of its building."""

    Status = Status
    Scope = Scope

    class Kind(models.TextChoices):
        CONSULT = "consult", "咨询"
        HELP = "help", "求助"
        COMPLAINT = "complaint", "投诉"
        REPORT = "report", "举报"
        SUGGESTION = "suggestion", "建议"

    class Channel(models.TextChoices):
        QR = "qr", "扫码点单"
        VISIT = "visit", "敲门问需"
        MEETING = "meeting", "议事会"
        PHONE = "phone", "电话"
        WALK_IN = "walk_in", "上门反映"
        OPEN311 = "open311", "12345转办"
        API = "api", "接口"

    class Resolution(models.TextChoices):
        ONLINE = "online", "线上答疑"
        OFFLINE = "offline", "线下跑腿"

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", "满意"
        BASIC = "basic", "基本满意"
        UNSATISFIED = "unsatisfied", "不满意"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="requests")
    number = models.CharField("编号", max_length=32, unique=True)
    # RESTRICT: a building with requests cannot be deleted alone, but goes with its community.
    building = models.ForeignKey(
        "registry.Building", on_delete=models.RESTRICT, related_name="requests", verbose_name="楼栋"
    )
    stairwell = models.ForeignKey(
        "registry.Stairwell", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="单元"
    )
    household = models.ForeignKey(
        "registry.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    room = models.CharField("房号", max_length=20, blank=True)
    group = models.ForeignKey(
        "groups.BuildingGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        verbose_name="楼栋党小组",
    )
    category_code = models.CharField(max_length=40)
    category_name = models.CharField("类别", max_length=40)
    kind = models.CharField("诉求类型", max_length=16, choices=Kind.choices, default=Kind.HELP)
    # A household's matter unless said otherwise: the side on which nothing is shown to neighbours.
    scope = models.CharField("范围", max_length=12, choices=Scope.choices, default=Scope.HOUSEHOLD)
    channel = models.CharField("来源", max_length=16, choices=Channel.choices, default=Channel.QR)
    description = models.TextField("诉求内容")
    contact_name = models.CharField("联系人", max_length=40, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    anonymous = models.BooleanField("对志愿者匿名", default=False)
    resident = models.ForeignKey(
        "registry.Resident", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    tracking_token = models.CharField(max_length=32, unique=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    assignee = models.ForeignKey(
        "registry.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        verbose_name="承办志愿者",
    )

    created_at = models.DateTimeField("点单时间", default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    response_due_at = models.DateTimeField("响应期限", null=True, blank=True, db_index=True)
    response_late = models.BooleanField(default=False)
    due_at = models.DateTimeField("办结期限", null=True, blank=True, db_index=True)
    remind_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    next_escalation_at = models.DateTimeField(null=True, blank=True, db_index=True)
    escalation_level = models.SmallIntegerField(default=0)
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.IntegerField(default=0)
    question = models.TextField("向居民询问", blank=True)
    public_note = models.CharField("公开进展", max_length=200, blank=True)
    public_note_at = models.DateTimeField(null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(default=0)

    resolution = models.CharField("办理方式", max_length=16, choices=Resolution.choices, blank=True)
    reply = models.TextField("答复 / 办理情况", blank=True)
    time_spent_minutes = models.PositiveIntegerField("用时（分钟）", null=True, blank=True)
    rating = models.CharField("评价", max_length=16, choices=Rating.choices, blank=True)
    rating_comment = models.TextField("评价留言", blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    support_count = models.PositiveIntegerField(default=0)
    flagged_unreasonable = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=200, blank=True)
    reject_reason = models.CharField(max_length=200, blank=True)
    escalate_reason = models.CharField(max_length=200, blank=True)

    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status", "created_at"]),
            models.Index(fields=["group", "status", "created_at"]),
            models.Index(fields=["assignee", "status"]),
            models.Index(fields=["building", "category_code", "status"]),
            models.Index(fields=["status", "resolved_at"]),
            # Figures select a period's requests by collection time, at each level.
            models.Index(fields=["community", "created_at"]),
            models.Index(fields=["group", "created_at"]),
            models.Index(fields=["created_at"]),
            # The leader's queue: requests counted by status (a leader's list is filtered by group and
            # community), the finished ones latest first, overdue ones by deadline, and a building's newest
            # open requests (the candidates for duplicates). The partial ones hold only the few open rows
            # of a large table; SQLite uses them for queries written with status__among.
            models.Index(fields=["community", "updated_at"], name="request_community_updated"),
            models.Index(fields=["group", "community", "updated_at"], name="request_group_updated"),
            models.Index(
                fields=["community", "due_at"], condition=Q(status__in=RUNNING), name="request_running_community_due"
            ),
            models.Index(
                fields=["group", "community", "due_at"],
                condition=Q(status__in=RUNNING),
                name="request_running_group_deadline",
            ),
            models.Index(fields=["group", "community", "status"], name="request_group_status"),
            models.Index(fields=["building", "created_at"], condition=Q(status__in=OPEN), name="request_open_building"),
            # The dashboards' reads of the open requests (loudong.stats.compute: grouped_counts of an
            # area's, open_by_day): on PostgreSQL the index holds every column they read, so the stalled
            # ones spread over the table are counted without visiting it, in the order they are grouped.
            models.Index(
                fields=["community", "category_code", "created_at"],
                condition=Q(status__in=OPEN),
                name="request_open_stats",
                include=[
                    "id",
                    "category_name",
                    "status",
                    "resolution",
                    "escalate_reason",
                    "dispatched_at",
                    "accepted_at",
                    "resolved_at",
                    "rated_at",
                    "rating",
                    "due_at",
                    "response_due_at",
                ],
            ),
            # Finished requests whose contact fields are still held: the retention job reads those
            # finished before its limit (loudong.tickets.retention).
            models.Index(
                fields=["closed_at"],
                condition=Q(status__in=FINAL) & ~Q(contact_name=ANONYMISED),
                name="request_contact_kept",
            ),
            # The few finished requests dispatched and never taken: while their response deadline is
            # ahead, the dashboards count them differently from the tallies (stats.compute._response_pending).
            models.Index(
                fields=["response_due_at"],
                name="request_finished_response_due",
                condition=~Q(status__in=OPEN) & Q(accepted_at__isnull=True, dispatched_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.category_name}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_overdue(self) -> bool:
        return self.status in RUNNING and self.due_at is not None and self.due_at <= timezone.now()

    @property
    def due_label(self) -> str:
        """办结期限 in words: the one text the staff page, the tracking page and the slip show."""
        return deadline_label(self.due_at)

    @property
    def place_label(self) -> str:
        parts = [self.building.name]
        if self.stairwell_id:
            parts.append(self.stairwell.name)
        if self.room:
            parts.append(f"{self.room}室")
        return "".join(parts)


Request._meta.get_field("status").register_lookup(StatusAmong)

EVENT_LABELS = {
    "placed": "点单",
    "dispatched": "派单",
    "accepted": "接单",
    "declined": "退回组长",
    "resolved": "办结",
    "confirmed": "居民确认",
    "rated": "居民评价",
    "reopened": "重新办理",
    "closed": "自动办结",
    "rejected": "不予受理",
    "merged": "合并",
    "escalated": "上报社区",
    "paused": "询问居民（暂停计时）",
    "resumed": "收到回复（恢复计时）",
    "extended": "延期",
    "reminded": "到期提醒",
    "overdue": "超期督办",
    "commented": "补充留言",
    "flagged": "志愿者认为诉求不合理",
    "supported": "我也遇到",
    "scoped": "更改范围",
    "published": "公开进展",
    "suggested": "扫便民联系卡点单",
}


class RequestEvent(models.Model):
    """The timeline: one row per change, written by loudong.tickets.actions only."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=60, blank=True)
    kind = models.CharField(max_length=16)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"]), models.Index(fields=["kind", "at"])]

    def __str__(self) -> str:
        return f"{self.request_id} {self.kind}"

    @property
    def label(self) -> str:
        """The event in plain Chinese for timelines."""
        return EVENT_LABELS.get(self.kind, self.kind)


class RequestPhoto(models.Model):
    class Stage(models.TextChoices):
        ASKED = "asked", "居民上传"
        DONE = "done", "办理照片"

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="photos")
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.ASKED)
    image = models.FileField(upload_to="requests/%Y/%m/")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.image.name


class Supporter(models.Model):
    """我也遇到: a neighbour joins an open request instead of filing a duplicate (or the resident of a
    duplicate merged into it). Their link shows the shared problem's status and public note only."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="supporters")
    contact_phone = models.CharField(max_length=20, blank=True)
    tracking_token = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.request_id} 我也遇到"


class RequestSequence(models.Model):
    """The last number given out per community and day (Shanghai date)."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "day"], name="request_sequence_unique_day")]

    def __str__(self) -> str:
        return f"{self.community_id} {self.day} {self.last}"


class CalendarOverride(models.Model):
    """A date that is a working day or a rest day regardless of the national calendar: in one
    community (its admin sets it: a local holiday, a day off for an event), or, without a community,
    everywhere (set by the operators, e.g. a State Council change the calendar library lacks). A
    community's own row wins over an everywhere row of the same date."""

    community = models.ForeignKey(
        "registry.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField("日期")
    is_workday = models.BooleanField("上班", default=False)
    note = models.CharField("说明", max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["community", "date"], name="calendar_one_per_community_day"),
            models.UniqueConstraint(
                fields=["date"], condition=models.Q(community__isnull=True), name="calendar_one_everywhere_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"


class Intake(models.Model):
    """点单 received: a checked submission, written as this one row and acknowledged at once; it becomes
    a Request right after (loudong.tickets.intake: the worker in batches, or the resident's receipt
    page on demand). Places are plain ids, not foreign keys, so that a submission outlives a building
    or stairwell deleted meanwhile: it then stays here with its error for the admins, retried.
    The community and the user who sent it are foreign keys without a constraint in the database:
    PostgreSQL's check of one locks the referenced row (FOR KEY SHARE, a write to the community's row
    by every submission, shared among concurrent ones); the submission's own statement has just read
    both, and deleting either goes through Django, which cascades or clears as declared."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    building_id = models.IntegerField()
    stairwell_id = models.IntegerField(null=True, blank=True)
    household_id = models.IntegerField(null=True, blank=True)
    resident_id = models.IntegerField(null=True, blank=True)
    member_id = models.IntegerField(null=True, blank=True)  # the volunteer whose contact card was scanned
    room = models.CharField(max_length=20, blank=True)
    category_code = models.CharField(max_length=40)
    kind = models.CharField(max_length=16)
    scope = models.CharField(max_length=12, blank=True)  # blank: the category's usual one
    channel = models.CharField(max_length=16)
    description = models.TextField()
    contact_name = models.CharField(max_length=40, blank=True)
    contact_phone = models.CharField(max_length=20, blank=True)
    anonymous = models.BooleanField(default=False)
    photos = models.JSONField(default=list, blank=True)  # names in the media storage, already stored
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_constraint=False
    )
    client = models.CharField(max_length=60, blank=True)  # the address the rate limits count
    idempotency_owner = models.CharField(max_length=40, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    body_hash = models.CharField(max_length=64, blank=True)
    # The digest of the public form's signed start time: a form page is good for one submission.
    form_token = models.CharField(max_length=64, blank=True)
    tracking_token = models.CharField(max_length=32, unique=True)
    received_at = models.DateTimeField(default=timezone.now)
    request = models.OneToOneField(Request, null=True, blank=True, on_delete=models.CASCADE, related_name="intake")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_owner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="intake_unique_idempotency_key",
            ),
            models.UniqueConstraint(fields=["form_token"], condition=~Q(form_token=""), name="intake_form_token_once"),
        ]
        indexes = [
            models.Index(fields=["retry_at"], condition=Q(request__isnull=True), name="intake_pending"),
            models.Index(fields=["client", "received_at"], name="intake_client_window"),
            models.Index(fields=["building_id", "received_at"], name="intake_building_window"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_token} {self.category_code}"
