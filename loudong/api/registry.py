"""Registry endpoints: the same scoped querysets as the pages, phones and ID numbers always masked."""

from datetime import date

from django.db.models import Count
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from loudong.accounts.access import PEOPLE_ROLES
from loudong.api.auth import BearerToken
from loudong.api.errors import ErrorOut
from loudong.api.ids import Id
from loudong.registry.access import community_for, visible_buildings, visible_residents
from loudong.registry.models import Member, Resident, Stairwell
from loudong.registry.views_common import page_of, resident_list

router = Router(auth=BearerToken(), tags=["档案"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class ResidentOut(Schema):
    id: int
    name: str
    gender: str = Field(description="男 / 女 / 空")
    age: int | None
    household: str = Field(description="楼栋单元房号，未登记为空")
    phone: str = Field(description="遮挡后的电话，如 138****8000")
    id_number: str = Field(description="遮挡后的身份证号")
    care_tags: list[str]
    is_member: bool


class MemberOut(Schema):
    joined_on: date | None
    standing: str
    registration: str
    employment: str
    group: str
    service_items: list[str]


class ResidentDetailOut(ResidentOut):
    birth_date: date | None
    note: str
    member: MemberOut | None


class ResidentPage(Schema):
    count: int
    page: int
    pages: int
    results: list[ResidentOut]


class ResidentQuery(Schema):
    q: str = Field("", max_length=40, description="汉字、全拼或拼音首字母")
    page: int = Field(1, ge=1, le=1_000_000, description="页码，每页 50 人")


class StairwellOut(Schema):
    id: int
    name: str
    group: str | None
    households: int


class BuildingOut(Schema):
    id: int
    name: str
    address: str
    x: float
    y: float
    width: float
    depth: float
    adjacent: list[int]
    stairwells: list[StairwellOut]


def resident_out(resident: Resident) -> dict:
    return {
        "id": resident.pk,
        "name": resident.name,
        "gender": resident.get_gender_display(),
        "age": resident.age,
        "household": str(resident.household) if resident.household else "",
        "phone": resident.phone_masked,
        "id_number": resident.id_number_masked,
        "care_tags": [tag.name for tag in resident.care_tags.all()],
        "is_member": hasattr(resident, "member"),
    }


def member_out(member: Member | None) -> dict | None:
    if member is None:
        return None
    return {
        "joined_on": member.joined_on,
        "standing": member.get_standing_display(),
        "registration": member.registration_display,
        "employment": member.get_employment_display(),
        "group": member.group.name if member.group else "",
        "service_items": [item.name for item in member.service_items.all()],
    }


@router.get("/communities/{code}/residents", response={200: ResidentPage, **ERRORS})
def residents(request: HttpRequest, code: str, query: Query[ResidentQuery]) -> dict:
    """Residents of the community the caller may see (admin: all; leader: their group's), 50 a page."""
    community = community_for(request.auth, code, PEOPLE_ROLES)
    found = visible_residents(request.auth, community).search(query.q)
    page = page_of(resident_list(found), query.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [resident_out(r) for r in page.object_list],
    }


@router.get("/residents/{resident_id}", response={200: ResidentDetailOut, **ERRORS})
def resident(request: HttpRequest, resident_id: Id) -> dict:
    """One resident; outside the caller's scope it does not exist (404)."""
    user = request.auth
    scoped = resident_list(Resident.objects.visible_to(user)).select_related("member__group")
    found = get_object_or_404(scoped.prefetch_related("member__service_items"), pk=resident_id)
    if not user.roles_in(found.community_id) & PEOPLE_ROLES:
        raise Http404
    return {
        **resident_out(found),
        "birth_date": found.birth_date,
        "note": found.note,
        "member": member_out(getattr(found, "member", None)),
    }


@router.get("/communities/{code}/buildings", response={200: list[BuildingOut], **ERRORS})
def buildings(request: HttpRequest, code: str) -> list[dict]:
    """Buildings the caller may see, with stairwells, the group serving each and its household count."""
    community = community_for(request.auth, code, PEOPLE_ROLES)
    listed = visible_buildings(request.auth, community).order_by("sort_key").prefetch_related("adjacent")
    by_building: dict[int, list[dict]] = {}
    stairwells = (
        Stairwell.objects.filter(building__in=listed)
        .select_related("group")
        .annotate(household_count=Count("households"))
        .order_by("sort_key")
    )
    for stairwell in stairwells:
        by_building.setdefault(stairwell.building_id, []).append({
            "id": stairwell.pk,
            "name": stairwell.name,
            "group": stairwell.group.name if stairwell.group else None,
            "households": stairwell.household_count,
        })  # fmt: skip
    return [
        {
            "id": b.pk,
            "name": b.name,
            "address": b.address,
            "x": b.x,
            "y": b.y,
            "width": b.width,
            "depth": b.depth,
            "adjacent": [a.pk for a in b.adjacent.all()],
            "stairwells": by_building.get(b.pk, []),
        }  # fmt: skip
        for b in listed
    ]
