"""The registry (档案): places from district down to household, and the people who live there.

Every row below the community carries `community` so any query can be scoped with one filter.
"""

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from loudong.lib.dates import DAY, MONTH, YEAR, format_date
from loudong.lib.identity import mask_id_number, mask_phone
from loudong.lib.natural import natural_key
from loudong.lib.pinyin import name_keys
from loudong.registry.public_links import PublicLink


class District(models.Model):
    name = models.CharField("区", max_length=50)
    code = models.SlugField(unique=True)

    def __str__(self) -> str:
        return self.name


class Subdistrict(models.Model):
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="subdistricts")
    name = models.CharField("街道", max_length=50)
    code = models.SlugField(unique=True)

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="communities")
    name = models.CharField("社区", max_length=50)
    code = models.SlugField("社区代码", unique=True)
    # Size of the site plan in metres; buildings are placed on it by x, y.
    site_width = models.FloatField("平面图宽（米）", default=400)
    site_height = models.FloatField("平面图高（米）", default=300)

    class Meta:
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name


class PlaceQuerySet(models.QuerySet):
    """Keeps `sort_key` (the natural order of the name, see loudong.lib.natural) filled on bulk writes;
    `save()` fills it row by row."""

    def bulk_create(self, objs: object, *args: object, **kwargs: object) -> list:
        objs = list(objs)
        for obj in objs:
            obj.sort_key = natural_key(getattr(obj, obj.SORTED_BY))
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: object, fields: object, *args: object, **kwargs: object) -> int:
        objs, fields = list(objs), list(fields)
        if self.model.SORTED_BY in fields:
            for obj in objs:
                obj.sort_key = natural_key(getattr(obj, obj.SORTED_BY))
            fields.append("sort_key")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs: object) -> int:
        if isinstance(kwargs.get(self.model.SORTED_BY), str):
            kwargs["sort_key"] = natural_key(kwargs[self.model.SORTED_BY])
        return super().update(**kwargs)


class Place(models.Model):
    """A building, stairwell or household, listed in the natural order of its name or room."""

    SORTED_BY = "name"
    # A database default too: scripts and database clients may insert rows with plain SQL.
    sort_key = models.CharField(max_length=255, editable=False, default="", db_default="")

    objects = PlaceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: object, **kwargs: object) -> None:
        self.sort_key = natural_key(getattr(self, self.SORTED_BY))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.SORTED_BY in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)


class Building(PublicLink, Place):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField("楼栋", max_length=60)
    address = models.CharField("地址", max_length=120, blank=True)
    x = models.FloatField("平面图横坐标（米）", default=0)
    y = models.FloatField("平面图纵坐标（米）", default=0)
    width = models.FloatField("宽（米）", default=30)
    depth = models.FloatField("深（米）", default=12)
    adjacent = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name="相邻楼栋")

    class Meta:
        ordering = ["sort_key", "id"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="building_unique_name")]
        indexes = [models.Index(fields=["community", "sort_key"])]

    def __str__(self) -> str:
        return self.name


class Stairwell(Place):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="stairwells")
    name = models.CharField("单元", max_length=30)
    x = models.FloatField("平面图横坐标（米）", default=0)
    y = models.FloatField("平面图纵坐标（米）", default=0)
    adjacent = models.ManyToManyField("self", blank=True, symmetrical=True, verbose_name="相邻单元")
    group = models.ForeignKey(
        "groups.BuildingGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="stairwells"
    )

    class Meta:
        ordering = ["building__sort_key", "sort_key", "id"]
        constraints = [models.UniqueConstraint(fields=["building", "name"], name="stairwell_unique_name")]
        indexes = [models.Index(fields=["building", "sort_key"])]

    def __str__(self) -> str:
        return f"{self.building.name}{self.name}"


class DatePrecision(models.TextChoices):
    """How precisely a date was written: rosters give 入党时间 and 出生年月 to the month."""

    DAY = DAY, "日"
    MONTH = MONTH, "月"
    YEAR = YEAR, "年"


def precision_field(verbose_name: str) -> models.CharField:
    # A database default too: the roster import writes rows with plain INSERTs.
    return models.CharField(
        verbose_name, max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY, db_default=DAY
    )


class Household(Place):
    SORTED_BY = "room"
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    stairwell = models.ForeignKey(Stairwell, on_delete=models.CASCADE, related_name="households")
    room = models.CharField("房号", max_length=20)
    # 户号 as the community's household rosters number it; people of one 户号 are one household.
    number = models.CharField("户号", max_length=30, blank=True, default="", db_default="")

    class Meta:
        ordering = ["stairwell__building__sort_key", "stairwell__sort_key", "sort_key", "id"]
        constraints = [models.UniqueConstraint(fields=["stairwell", "room"], name="household_unique_room")]
        indexes = [models.Index(fields=["community", "number"]), models.Index(fields=["stairwell", "sort_key"])]

    def __str__(self) -> str:
        return f"{self.stairwell}{self.room}室"


class CareTag(models.Model):
    """独居老人, 高龄, 低保, 残疾, 困难家庭, ...: the community's list; visit frequency is policy."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="care_tags")
    name = models.CharField("关爱标签", max_length=20)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="caretag_unique_name")]

    def __str__(self) -> str:
        return self.name


class ServiceItem(models.Model):
    """What a party member offers to do for neighbours (政策咨询, 代买代办, 理发, ...)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="service_items")
    name = models.CharField("服务项目", max_length=30)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="serviceitem_unique_name")]

    def __str__(self) -> str:
        return self.name


class ResidentQuerySet(models.QuerySet):
    def visible_to(self, user: "models.Model") -> "ResidentQuerySet":
        from loudong.registry.access import resident_scope

        return self.filter(resident_scope(user))

    def search(self, query: str) -> "ResidentQuerySet":
        """Characters match anywhere in the name; Latin letters match initials or full pinyin.

        Initials use an index range (prefix match); full pinyin also matches inside the name
        so "guangqian" finds 刘光前.
        """
        text = "".join(query.split()).lower()
        if not text:
            return self
        if text.isascii() and text.isalpha():
            return self.filter(
                Q(name_initials__gte=text, name_initials__lt=text + "\x7f") | Q(name_pinyin__contains=text)
            )
        if text.isdigit() and len(text) >= 4:
            return self.filter(Q(phone__endswith=text) | Q(name__contains=text))
        return self.filter(name__contains=text)


class Resident(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", "男"
        FEMALE = "F", "女"

    class Relation(models.TextChoices):
        """与户主关系, in the groups of GB/T 4761."""

        HEAD = "head", "户主"
        SPOUSE = "spouse", "配偶"
        CHILD = "child", "子女"
        PARENT = "parent", "父母"
        GRANDCHILD = "grandchild", "孙子女"
        SIBLING = "sibling", "兄弟姐妹"
        OTHER = "other", "其他"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="residents")
    household = models.ForeignKey(Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="residents")
    name = models.CharField("姓名", max_length=40)
    name_pinyin = models.CharField(max_length=120, editable=False, default="")
    name_initials = models.CharField(max_length=40, editable=False, default="")
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    birth_precision = precision_field("出生日期写到")
    phone = models.CharField("联系电话", max_length=20, blank=True)
    id_number = models.CharField("身份证号", max_length=18, null=True, blank=True)
    care_tags = models.ManyToManyField(CareTag, blank=True, related_name="residents", verbose_name="关爱标签")
    note = models.CharField("备注", max_length=200, blank=True)
    relation = models.CharField(
        "与户主关系", max_length=12, choices=Relation.choices, blank=True, default="", db_default=""
    )
    ethnicity = models.CharField("民族", max_length=10, blank=True, default="", db_default="")
    education = models.CharField("文化程度", max_length=10, blank=True, default="", db_default="")
    workplace = models.CharField("工作单位", max_length=100, blank=True, default="", db_default="")
    post = models.CharField("职务", max_length=50, blank=True, default="", db_default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        ordering = ["name_pinyin", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["community", "id_number"], condition=Q(id_number__isnull=False), name="resident_unique_id"
            )
        ]
        indexes = [
            models.Index(fields=["community", "name_initials"]),
            models.Index(fields=["community", "name_pinyin"]),
            models.Index(fields=["community", "name"]),
            models.Index(fields=["community", "phone"]),  # placing a request matches the caller by phone
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name_pinyin, self.name_initials = name_keys(self.name)
        if not self.id_number:
            self.id_number = None
        super().save(*args, **kwargs)

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = timezone.localdate()
        born = self.birth_date
        return today.year - born.year - ((today.month, today.day) < (born.month, born.day))

    @property
    def birth_written(self) -> str:
        """出生日期 as written: '1950年3月2日', or '1950年3月' when the roster gave only the month."""
        return format_date(self.birth_date, self.birth_precision)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number or "")


class Member(PublicLink):
    """党员档案: a party member's record, kept on the resident where they live.

    Groups form by residence, so `registration` (组织关系) may be outside the community.
    """

    class Standing(models.TextChoices):
        FULL = "full", "正式党员"
        PROBATIONARY = "probationary", "预备党员"

    class Registration(models.TextChoices):
        LOCAL = "local", "本社区党组织"
        OTHER = "other", "其他单位党组织"
        MOBILE = "mobile", "流动党员"

    class Employment(models.TextChoices):
        WORKING = "working", "在职"
        RETIRED = "retired", "退休"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="members")
    resident = models.OneToOneField(Resident, on_delete=models.CASCADE, related_name="member")
    joined_on = models.DateField("入党日期", null=True, blank=True)
    joined_precision = precision_field("入党日期写到")
    standing = models.CharField("党员类别", max_length=16, choices=Standing.choices, default=Standing.FULL)
    registration = models.CharField("组织关系", max_length=16, choices=Registration.choices, default=Registration.LOCAL)
    registered_org = models.CharField("组织关系所在单位", max_length=100, blank=True)
    employment = models.CharField("在职/退休", max_length=16, choices=Employment.choices, blank=True)
    service_items = models.ManyToManyField(ServiceItem, blank=True, related_name="members", verbose_name="服务项目")
    group = models.ForeignKey(
        "groups.BuildingGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    # Consent to print the full phone on notice boards and contact cards; masked without it.
    # A database default too: the roster import writes members with plain INSERTs.
    publish_phone = models.BooleanField("同意公示电话", default=False, db_default=False)
    publish_phone_consented_at = models.DateTimeField("同意公示电话的时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["resident__name_pinyin"]

    def __str__(self) -> str:
        return self.resident.name

    @property
    def joined_written(self) -> str:
        """入党日期 as written: '1985年7月1日', or '1985年7月' when the roster gave only the month."""
        return format_date(self.joined_on, self.joined_precision)

    @property
    def registration_display(self) -> str:
        if self.registration == self.Registration.OTHER and self.registered_org:
            return self.registered_org
        return self.get_registration_display()


class ImportJob(models.Model):
    """One roster upload: the file, progress while it runs, and the result when done.

    An upload whose header the community has not confirmed before is first read without saving
    (a dry run): the admin checks how each column is read and confirms; then it imports."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "正在导入"
        REVIEW = "review", "待确认"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when the import starts and at each chunk: a running job without a recent one has lost its
    # worker process (killed, machine restarted), and `loudong worker` marks it failed.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # The summary: counts, places created, the header; each rejected or doubtful row is an ImportRow.
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # The field each column is read as ('' = not imported); empty until previewed or remembered.
    mapping = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=dict, blank=True)  # the dry run: counts and sample rows
    confirmed_at = models.DateTimeField(null=True, blank=True)  # set: the task imports for real

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class ImportRow(models.Model):
    """One row of an import's result: refused (with its reason and the cells as uploaded, for the
    download to fix and upload again) or imported with a warning. Rows, not one JSON value on the
    job, so 100,000 of them are read a page or a stream at a time."""

    class Kind(models.TextChoices):
        REJECTED = "rejected", "没有导入"
        WARNING = "warning", "导入了，有提醒"

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    row_number = models.PositiveIntegerField()  # as the spreadsheet shows it
    message = models.TextField()
    cells = models.JSONField(default=list, blank=True)  # rejected rows: every cell as text

    class Meta:
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["job", "kind", "row_number"])]

    def __str__(self) -> str:
        return f"第{self.row_number}行：{self.message}"


class RosterMapping(models.Model):
    """How a community's roster template is read, as its admin confirmed it: next month's file
    with the same header goes straight through."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="roster_mappings")
    signature = models.CharField(max_length=64)  # loudong.registry.roster.fields.header_signature
    header = models.JSONField(default=list)
    mapping = models.JSONField(default=list)  # one field name per column, '' = not imported
    confirmed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "signature"], name="rostermapping_unique_signature")
        ]

    def __str__(self) -> str:
        return " | ".join(self.header)


def groups_of(community: Community) -> QuerySet:
    """The community's building groups, reached through the registry's own foreign key: groups sit
    above the registry, which names them only by that relation (stairwells and members point to them)."""
    return Stairwell._meta.get_field("group").related_model.objects.filter(community=community)
