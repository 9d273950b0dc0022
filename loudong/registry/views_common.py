"""What every registry view shares: which community a request may act in, and the scoped querysets.

Scoping itself lives in loudong.accounts.access; these helpers only combine it with the community
named in the address, so a view never builds a query of people or places by itself.
"""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from loudong.accounts.access import community_for, stairwell_scope
from loudong.accounts.models import Role, User
from loudong.registry.models import (
    Building,
    Community,
    Household,
    Member,
    Resident,
    ResidentQuerySet,
    Stairwell,
)

PER_PAGE = 50
# Who reads the registry's people and places pages; volunteers, residents and overseers do not.
PEOPLE_ROLES = {Role.ADMIN, Role.LEADER}


def people_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, PEOPLE_ROLES)


def admin_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, {Role.ADMIN})


def is_admin(user: User, community: Community) -> bool:
    return Role.ADMIN in user.roles_in(community.pk)


def visible_residents(user: User, community: Community) -> ResidentQuerySet:
    return Resident.objects.visible_to(user).filter(community=community)


def visible_members(user: User, community: Community) -> QuerySet[Member]:
    return Member.objects.filter(
        community=community, resident__in=visible_residents(user, community).values("pk")
    )


def visible_buildings(user: User, community: Community) -> QuerySet[Building]:
    scoped = Building.objects.filter(community=community).filter(stairwell_scope(user, "stairwells__"))
    return Building.objects.filter(pk__in=scoped.values("pk"))


def visible_stairwells(user: User, community: Community) -> QuerySet[Stairwell]:
    return Stairwell.objects.filter(community=community).filter(stairwell_scope(user))


def visible_households(user: User, community: Community) -> QuerySet[Household]:
    return Household.objects.filter(community=community).filter(stairwell_scope(user, "stairwell__"))


def resident_list(residents: ResidentQuerySet) -> ResidentQuerySet:
    """What a row of the residents list shows, loaded in three queries for a whole page."""
    return residents.select_related("household__stairwell__building", "member").prefetch_related("care_tags")


def page_of(queryset: QuerySet, number: object) -> Page:
    """One page of 50: a count and a slice, the same on the page, the API and the benchmark."""
    return Paginator(queryset, PER_PAGE).get_page(number)


def is_htmx(request: HttpRequest) -> bool:
    """A partial update from htmx (a history restore wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def varies_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response
