"""First pages: a community's home page, drawn for each role, and the overseer's roll-up."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from loudong.accounts.access import PEOPLE_ROLES
from loudong.accounts.models import Role, User
from loudong.groups.models import BuildingGroup
from loudong.home import elder
from loudong.home.menu import elder_tiles_for, menu_for
from loudong.home.resident import resident_card
from loudong.registry.access import (
    community_for,
    overseen_communities,
    visible_buildings,
    visible_households,
    visible_members,
    visible_residents,
    visible_stairwells,
)
from loudong.registry.models import Building, CareTag, Community, Household, Member, Resident, Stairwell
from loudong.registry.views_places import site_plan

HOME_ROLES = {Role.ADMIN, Role.LEADER, Role.VOLUNTEER, Role.RESIDENT}


@dataclass
class Figure:
    label: str
    value: int
    definition: str
    url: str


@login_required
def community_home(request: HttpRequest, code: str) -> HttpResponse:
    """Admin and leader: figures and the site plan; volunteer: 我的党小组; resident: 我的家. In 长辈版 the
    leader's and volunteer's page is their main actions as big tiles."""
    user = request.user
    community = community_for(user, code, HOME_ROLES)
    roles = user.roles_in(community.pk)
    context: dict = {"community": community, "is_admin": Role.ADMIN in roles, "menu": menu_for(roles, code)}
    tiles = elder_tiles_for(roles, code) if elder.chosen(request) and "all" not in request.GET else []
    if tiles:  # 长辈版: the main actions alone, the rest one tap away (全部功能)
        context.update(menu=[], tiles=tiles, tile_groups=list(my_groups(user, community)))
        if Role.RESIDENT in roles:
            context["asking"] = resident_card(user, community)
        return render(request, "home/community.html", context)
    if roles & PEOPLE_ROLES:
        context["figures"] = registry_figures(user, community, whole=Role.ADMIN in roles)
        context["plan"] = site_plan(user, community)
    context["my_groups"] = [group_card(user, community, group) for group in my_groups(user, community)]
    if Role.RESIDENT in roles:
        context["asking"] = resident_card(user, community)
        context["my_home"] = home_card(user, community)
    return render(request, "home/community.html", context)


def registry_figures(user: User, community: Community, *, whole: bool) -> list[Figure]:
    """The registry in figures, each defined in one line and linked to the list behind it."""
    where = "社区" if whole else "本小组服务范围内"
    buildings_url = reverse("registry:buildings", args=[community.code])
    residents_url = reverse("registry:residents", args=[community.code])
    members_url = reverse("registry:members", args=[community.code])
    residents = visible_residents(user, community)
    members = visible_members(user, community)
    households = visible_households(user, community)
    figures = [
        Figure("楼栋", visible_buildings(user, community).count(), f"{where}登记的楼栋", buildings_url),
        Figure(
            "单元（楼道）",
            visible_stairwells(user, community).count(),
            f"{where}各楼栋的单元数",
            buildings_url,
        ),
        Figure("住户", households.count(), f"{where}登记的户数（按房号计）", buildings_url),
        Figure("居民", residents.count(), f"{where}登记在册的居民人数", residents_url),
        Figure("党员", members.count(), f"{where}有党员档案的居民人数", members_url),
        Figure(
            "已编入党小组的党员",
            members.filter(group__isnull=False).count(),
            "党员档案中已指定楼栋党小组的人数",
            f"{members_url}?group=any",
        ),
        Figure(
            "有党小组服务的住户",
            households.filter(stairwell__group__isnull=False).count(),
            "所在单元已由一个楼栋党小组服务的户数",
            buildings_url,
        ),
    ]
    tagged = dict(residents.filter(care_tags__isnull=False).order_by().values_list("care_tags").annotate(n=Count("pk")))
    for tag in CareTag.objects.filter(community=community):
        figures.append(
            Figure(
                tag.name,
                tagged.get(tag.pk, 0),
                f"带有“{tag.name}”关爱标签的居民人数",
                f"{residents_url}?tag={tag.pk}",
            )
        )
    return figures


def my_groups(user: User, community: Community) -> QuerySet[BuildingGroup]:
    """The groups the user serves in as a volunteer or leads, from their own grants."""
    group_ids = [
        g.group_id for g in user.grant_list()
        if g.community_id == community.pk and g.group_id and g.role in (Role.VOLUNTEER, Role.LEADER)
    ]  # fmt: skip
    return BuildingGroup.objects.filter(pk__in=group_ids).select_related("leader__resident", "deputy__resident")


def group_card(user: User, community: Community, group: BuildingGroup) -> dict:
    fellows = (
        visible_residents(user, community)
        .filter(member__group=group)
        .select_related("household__stairwell__building", "member")
        .prefetch_related("member__service_items")
    )
    stairwells = Stairwell.objects.filter(group=group).select_related("building")
    return {"group": group, "fellows": fellows, "stairwells": stairwells}


def home_card(user: User, community: Community) -> dict:
    """我的家: the user's household and its people (the group serving it: see loudong.home.resident)."""
    own = (
        visible_residents(user, community)
        .filter(pk=user.resident_id)
        .select_related("household__stairwell__building")
        .first()
    )
    if own is None:
        return {"resident": None}
    household = own.household
    people = visible_residents(user, community).filter(household=household) if household else [own]
    return {"resident": own, "household": household, "people": people}


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """Roll-ups over the overseer's subdistrict or district: counts only, never a name or a phone."""
    if not any(grant.role == Role.OVERSEER for grant in request.user.grant_list()):
        raise Http404
    communities = overseen_communities(request.user)
    ids = [c.pk for c in communities]
    counted = {
        "buildings": Building.objects.filter(community__in=ids),
        "households": Household.objects.filter(community__in=ids),
        "residents": Resident.objects.filter(community__in=ids),
        "members": Member.objects.filter(community__in=ids),
        "groups": BuildingGroup.objects.filter(community__in=ids),
        "grouped_members": Member.objects.filter(community__in=ids, group__isnull=False),
    }
    per_kind = {
        kind: dict(queryset.order_by().values_list("community_id").annotate(n=Count("pk")))
        for kind, queryset in counted.items()
    }
    rows = [{"community": c, **{kind: per_kind[kind].get(c.pk, 0) for kind in counted}} for c in communities]
    totals = {kind: sum(row[kind] for row in rows) for kind in counted}
    return render(request, "home/overview.html", {"rows": rows, "totals": totals})
