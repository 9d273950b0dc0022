"""What a figure is counted over: a group, a community, a subdistrict or a district.

`scope_for(user, level, pk)` is the only way a view gets a Scope; it answers 404 outside what the
user may see (the rules of loudong.accounts.access): an admin their community and its groups, a
leader their group, an overseer their subdistrict or district and everything under it.
Personal data (names, phones, rooms) is shown only to admins and leaders: `shows_people`.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import QuerySet
from django.http import Http404

from loudong.accounts.models import Role, User
from loudong.groups.models import BuildingGroup
from loudong.registry.access import oversees
from loudong.registry.models import Community, District, Subdistrict

LEVELS = ("group", "community", "subdistrict", "district")
LEVEL_LABELS = {"group": "楼栋党小组", "community": "社区", "subdistrict": "街道", "district": "区"}


@dataclass(frozen=True)
class Scope:
    level: str  # "group" | "community" | "subdistrict" | "district"
    pk: int
    name: str

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @cached_property
    def _community_ids(self) -> list[int]:
        if self.level == "community":
            return [self.pk]
        if self.level == "group":
            return list(BuildingGroup.objects.filter(pk=self.pk).values_list("community_id", flat=True))
        if self.level == "subdistrict":
            rows = Community.objects.filter(subdistrict_id=self.pk)
        else:
            rows = Community.objects.filter(subdistrict__district_id=self.pk)
        return list(rows.order_by("pk").values_list("pk", flat=True))

    def community_ids(self) -> list[int]:
        """The communities the scope covers (a group: its community)."""
        return list(self._community_ids)

    def requests(self) -> QuerySet:
        """Every request in the scope, of any date and status."""
        from loudong.tickets.models import Request

        if self.level == "group":
            return Request.objects.filter(group_id=self.pk)
        if self.level == "community":
            return Request.objects.filter(community_id=self.pk)
        return Request.objects.filter(community_id__in_ids=self.community_ids())

    def filter_by_community(self, rows: QuerySet, field: str = "community_id") -> QuerySet:
        """Any community-owned rows (members, households, visits ...) narrowed to the scope's communities."""
        return rows.filter(**{f"{field}__in_ids": self.community_ids()})

    @classmethod
    def for_community(cls, code: str) -> "Scope":
        community = Community.objects.filter(code=code).first()
        if community is None:
            raise Http404
        return cls("community", community.pk, community.name)

    @classmethod
    def for_group(cls, group: BuildingGroup) -> "Scope":
        return cls("group", group.pk, group.name)


def _grants(user: User) -> list:
    return user.grant_list() if user.is_authenticated else []


def scope_for(user: User, level: str, pk: int) -> Scope:
    """The scope if `user` may see its figures; Http404 otherwise (also for an unknown level or pk)."""
    grants = _grants(user)
    if level == "group":
        group = BuildingGroup.objects.filter(pk=pk).select_related("community__subdistrict").first()
        if group is None:
            raise Http404
        ok = any(
            (g.role == Role.LEADER and g.group_id == group.pk)
            or (g.role == Role.ADMIN and g.community_id == group.community_id)
            for g in grants
        )
        if ok or oversees(user, group.community):
            return Scope("group", group.pk, group.name)
    elif level == "community":
        community = Community.objects.filter(pk=pk).select_related("subdistrict").first()
        if community is None:
            raise Http404
        if any(g.role == Role.ADMIN and g.community_id == community.pk for g in grants) or oversees(user, community):
            return Scope("community", community.pk, community.name)
    elif level == "subdistrict":
        sub = Subdistrict.objects.filter(pk=pk).first()
        if sub is not None and any(
            g.role == Role.OVERSEER and (g.subdistrict_id == sub.pk or g.district_id == sub.district_id) for g in grants
        ):
            return Scope("subdistrict", sub.pk, sub.name)
    elif level == "district":
        district = District.objects.filter(pk=pk).first()
        if district is not None and any(g.role == Role.OVERSEER and g.district_id == district.pk for g in grants):
            return Scope("district", district.pk, district.name)
    raise Http404


def shows_people(user: User, scope: Scope) -> bool:
    """May this user see names and (masked) contacts in the scope's lists? Admins and leaders only;
    an overseer sees counts and lists without people."""
    grants = _grants(user)
    if scope.level == "community":
        return any(g.role == Role.ADMIN and g.community_id == scope.pk for g in grants)
    if scope.level == "group":
        community_ids = scope.community_ids()
        return any(
            (g.role == Role.LEADER and g.group_id == scope.pk)
            or (g.role == Role.ADMIN and g.community_id in community_ids)
            for g in grants
        )
    return False


def child_scopes(scope: Scope) -> list[Scope]:
    """The level below, for roll-up tables: a district's subdistricts, a subdistrict's communities,
    a community's groups; a group has none."""
    if scope.level == "district":
        rows = Subdistrict.objects.filter(district_id=scope.pk).order_by("name")
        return [Scope("subdistrict", s.pk, s.name) for s in rows]
    if scope.level == "subdistrict":
        rows = Community.objects.filter(subdistrict_id=scope.pk).order_by("name")
        return [Scope("community", c.pk, c.name) for c in rows]
    if scope.level == "community":
        rows = BuildingGroup.objects.filter(community_id=scope.pk).order_by("name")
        return [Scope("group", g.pk, g.name) for g in rows]
    return []
