"""Listing resources: entered by the admin, or the partner units' offers and the in-post members'
skills not listed yet; stopping and restarting them."""

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts.audit import changes, record
from loudong.accounts.models import User
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.partners.models import Offer, PartnerUnit, ReportIn
from loudong.projects.access import may_enter
from loudong.projects.actions.base import Action, check_place, clean_kind, clean_text, title_of
from loudong.projects.kinds import guess_kind
from loudong.projects.models import Resource
from loudong.registry.models import Building, Community

# ---- resources --------------------------------------------------------------------------------


def _resource_snapshot(resource: Resource) -> dict:
    return {
        "资源": resource.title,
        "资源类型": resource.get_kind_display(),
        "提供方": resource.owner_label,
        "能提供多少、什么时间": resource.capacity,
        "可用": resource.active,
    }


@atomic_action
def enter_resource(
    community: Community,
    *,
    by: User,
    kind: str,
    title: str,
    owner_name: str,
    description: str = "",
    capacity: str = "",
    building: Building | None = None,
    place: str = "",
    http: HttpRequest | None = None,
    now: datetime | None = None,
) -> Resource:
    if not may_enter(by, community):
        raise ActionRefused("只有社区管理员可以录入资源。")
    check_place(community, None, building)
    resource = Resource.objects.create(
        community=community,
        kind=clean_kind(kind),
        title=clean_text(title, "资源", 60),
        owner_name=clean_text(owner_name, "提供方", 100),
        description=clean_text(description, "说明", 300, required=False),
        capacity=clean_text(capacity, "能提供多少、什么时间", 100, required=False),
        building=building,
        place=clean_text(place, "地点", 150, required=False),
        source=Resource.Source.ENTERED,
        created_by=by,
        created_at=now or timezone.now(),
    )
    record(http, Action.CREATE, resource, actor=by, detail={"changes": changes({}, _resource_snapshot(resource))})
    return resource


def unlisted_offers(community: Community) -> tuple[list[tuple[PartnerUnit, str]], list[ReportIn]]:
    """What the partners offer that the resources list does not hold yet: (unit, kind) of the active
    units' offers, and the confirmed reports-in of members with skills."""
    listed = set(Resource.objects.filter(community=community, unit__isnull=False).values_list("unit_id", "kind"))
    units = [
        (unit, kind)
        for unit in PartnerUnit.objects.filter(community=community).active().order_by("name", "pk")
        for kind in unit.offers
        if kind in Offer.values and (unit.pk, kind) not in listed
    ]
    members = list(
        ReportIn.objects.filter(
            community=community,
            status=ReportIn.Status.CONFIRMED,
            member__isnull=False,
            resource__isnull=True,
        )
        .exclude(skills="")
        .select_related("unit", "member__resident", "household__stairwell__building")
        .order_by("submitted_at", "pk")
    )
    return units, members


def _unit_resource(unit: PartnerUnit, kind: str, by: User, now: datetime) -> Resource:
    return Resource(
        community_id=unit.community_id,
        kind=kind,
        title=f"{Offer(kind).label}",
        description=unit.offers_note[:300],
        source=Resource.Source.UNIT,
        unit=unit,
        owner_name=unit.name[:100],
        place=unit.address[:150],
        created_by=by,
        created_at=now,
    )


def _member_resource(report: ReportIn, by: User, now: datetime) -> Resource:
    skills = "、".join(report.skill_tags)
    household = report.household
    return Resource(
        community_id=report.community_id,
        kind=guess_kind(f"{skills} {report.skills_note}"),
        title=title_of(skills)[:60],
        description=report.skills_note[:300],
        capacity=report.available[:100],
        source=Resource.Source.MEMBER,
        report_in=report,
        member=report.member,
        building=household.stairwell.building if household is not None else None,
        created_by=by,
        created_at=now,
    )


@atomic_action
def list_partner_offers(
    community: Community, *, by: User, http: HttpRequest | None = None, now: datetime | None = None
) -> list[Resource]:
    """列入资源清单: every offer of an active partner unit and every confirmed in-post member's skills
    not listed yet becomes a resource (running it again adds nothing)."""
    if not may_enter(by, community):
        raise ActionRefused("只有社区管理员可以把共建单位和报到党员的资源列入清单。")
    now = now or timezone.now()
    units, members = unlisted_offers(community)
    made = [_unit_resource(unit, kind, by, now) for unit, kind in units]
    made += [_member_resource(report, by, now) for report in members]
    for resource in made:
        resource.save()
        record(
            http,
            Action.CREATE,
            resource,
            actor=by,
            detail={"来源": resource.get_source_display(), "changes": changes({}, _resource_snapshot(resource))},
        )
    return made


@atomic_action
def set_resource_active(resource: Resource, active: bool, *, by: User, http: HttpRequest | None = None) -> Resource:
    """停用 / 启用: a resource no longer offered is kept (its projects keep it) but not suggested."""
    if not may_enter(by, resource.community):
        raise ActionRefused("只有社区管理员可以停用或启用资源。")
    if resource.active == active:
        return resource
    before = _resource_snapshot(resource)
    resource.active = active
    resource.save(update_fields=["active"])
    record(http, Action.UPDATE, resource, actor=by, detail={"changes": changes(before, _resource_snapshot(resource))})
    return resource
