"""楼栋党小组: a group of party members serving the stairwells it is given.

Elections (选举) and venues (红色议事厅) live beside the group; planning has its own package.
"""

from django.db import models

from loudong.registry.public_links import PublicLink


class BuildingGroup(PublicLink):
    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="groups")
    name = models.CharField("党小组", max_length=60)
    venue_stairwell = models.ForeignKey(
        "registry.Stairwell",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="红色议事厅所在单元",
    )
    leader = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="组长"
    )
    deputy = models.ForeignKey(
        "registry.Member",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="副组长",
    )
    founded_on = models.DateField("成立日期", null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="group_unique_name")]

    def __str__(self) -> str:
        return self.name


class Election(models.Model):
    """选举: a group's members elect the leader (组长) or the deputy (副组长).

    Stages: nominating (建议名单 and nominations) → voting → closed. Secrecy is kept by storing who
    voted (Elector.voted) apart from what was chosen (counters on Candidate and `blank_votes`):
    nothing links one to the other, and neither carries a timestamp.
    """

    class Office(models.TextChoices):
        LEADER = "leader", "组长"
        DEPUTY = "deputy", "副组长"

    class Stage(models.TextChoices):
        NOMINATING = "nominating", "提名中"
        VOTING = "voting", "投票中"
        CLOSED = "closed", "已结束"

    class Outcome(models.TextChoices):
        ELECTED = "elected", "已选出"
        NO_QUORUM = "no_quorum", "投票人数未超过半数，选举无效"
        TIE = "tie", "最高票相同，转入决选"
        NO_WINNER = "no_winner", "无人得票，未选出"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(BuildingGroup, on_delete=models.CASCADE, related_name="elections")
    office = models.CharField("职务", max_length=10, choices=Office.choices)
    stage = models.CharField("状态", max_length=12, choices=Stage.choices, default=Stage.NOMINATING)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    runoff_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="runoffs", verbose_name="决选自"
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)
    opened_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    voting_started_at = models.DateTimeField("开始投票时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    closed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices, blank=True)
    elected = models.ForeignKey(
        "registry.Member", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="当选人"
    )
    blank_votes = models.PositiveIntegerField("弃权票", default=0)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "office"], condition=~models.Q(stage="closed"), name="election_one_open_per_office"
            )
        ]

    def __str__(self) -> str:
        runoff = f"（第{self.round}轮决选）" if self.round > 1 else ""
        return f"{self.group.name}{self.get_office_display()}选举{runoff}"

    @property
    def is_open(self) -> bool:
        return self.stage != self.Stage.CLOSED


class Elector(models.Model):
    """选民名单: a member who may vote in an election, and whether they have — never their choice."""

    class Channel(models.TextChoices):
        PHONE = "phone", "手机投票"
        PAPER = "paper", "纸质选票"

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="electors")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="+")
    voted = models.BooleanField("已投票", default=False)
    channel = models.CharField("投票方式", max_length=8, choices=Channel.choices, blank=True)

    class Meta:
        ordering = ["member__resident__name_pinyin"]
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="elector_once")]

    def __str__(self) -> str:
        return str(self.member)


class Candidate(models.Model):
    """候选人: proposed by the platform (建议名单) or nominated; `votes` is a bare counter."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    member = models.ForeignKey("registry.Member", on_delete=models.CASCADE, related_name="+")
    proposed = models.BooleanField("建议名单", default=False)
    nominated_by = models.CharField("提名人", max_length=80, blank=True)
    score = models.FloatField("参考分", default=0)
    reasons = models.JSONField("理由", default=list, blank=True)
    votes = models.PositiveIntegerField("得票", default=0)

    class Meta:
        ordering = ["-proposed", "-score", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="candidate_once")]

    def __str__(self) -> str:
        return str(self.member)


class Venue(models.Model):
    """红色议事厅: a meeting room in a member's home, open while the household's consent stands."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(BuildingGroup, on_delete=models.CASCADE, related_name="venues", verbose_name="党小组")
    host = models.ForeignKey(
        "registry.Member", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="主人（党员）"
    )
    household = models.ForeignKey(
        "registry.Household", on_delete=models.CASCADE, related_name="+", verbose_name="所在住户"
    )
    name = models.CharField("名称", max_length=40, default="红色议事厅")
    opening_times = models.CharField("开放时间", max_length=100, blank=True)
    opened_on = models.DateField("启用日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["group__name", "-opened_on", "-id"]

    def __str__(self) -> str:
        return f"{self.group.name}{self.name}"


class VenueConsent(models.Model):
    """The host's and family's consent to hold the venue at home; withdrawing it closes the venue."""

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="consents")
    given_on = models.DateField("同意日期")
    people = models.ManyToManyField("registry.Resident", blank=True, related_name="+", verbose_name="同意的家庭成员")
    others = models.CharField("其他同意人", max_length=100, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.CharField("登记人", max_length=80, blank=True)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    withdrawal_note = models.CharField("撤回说明", max_length=200, blank=True)

    class Meta:
        ordering = ["-given_on", "-id"]

    def __str__(self) -> str:
        return f"{self.venue} 同意书（{self.given_on}）"


class VenueKitItem(models.Model):
    """One line of the kit handed over to a venue, until it is returned."""

    class Kind(models.TextChoices):
        BOOKS = "books", "红色书籍"
        NEWSPAPERS = "newspapers", "报刊"
        CHAIRS = "chairs", "椅子"
        KETTLE = "kettle", "水壶"
        FLAG = "flag", "党旗"
        BOARDS = "boards", "党建展板"
        OTHER = "other", "其他"

    community = models.ForeignKey("registry.Community", on_delete=models.CASCADE, related_name="+")
    venue = models.ForeignKey(Venue, on_delete=models.CASCADE, related_name="kit")
    kind = models.CharField("物品", max_length=12, choices=Kind.choices)
    description = models.CharField("名称或说明", max_length=100, blank=True)
    quantity = models.PositiveIntegerField("数量", default=1)
    handed_over_on = models.DateField("发放日期")
    returned_on = models.DateField("收回日期", null=True, blank=True)
    return_note = models.CharField("收回说明", max_length=200, blank=True)

    class Meta:
        ordering = ["returned_on", "kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} × {self.quantity}"
