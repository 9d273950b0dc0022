"""覆盖情况: who and what no group serves after people moved, and groups outside the policy's sizes,
each with its fix one click away (community admins)."""

import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry, Role
from loudong.groups.models import BuildingGroup
from loudong.groups.planning.community import move_volunteer_role, position
from loudong.policy.models import current_rules
from loudong.registry.access import community_for
from loudong.registry.models import Community, Household, Member, Stairwell


def admin_community(request: HttpRequest, code: str) -> Community:
    return community_for(request.user, code, {Role.ADMIN})


@login_required
def report(request: HttpRequest, code: str) -> HttpResponse:
    community = admin_community(request, code)
    rules = current_rules(community.pk)
    members = list(
        Member.objects.filter(community=community)
        .select_related("resident__household__stairwell__building", "resident__household__stairwell__group", "group")
        .order_by("resident__name_pinyin", "pk")
    )
    loose, mismatched = [], []
    for member in members:
        household = member.resident.household
        serving = household.stairwell.group if household else None
        if member.group_id is None:
            loose.append({"member": member, "serving": serving, "household": household})
        elif serving is not None and member.group_id != serving.pk:
            mismatched.append({"member": member, "serving": serving})
    groups = list(
        BuildingGroup.objects.filter(community=community)
        .select_related("venue_stairwell__building")
        .annotate(member_count=Count("members", distinct=True), stairwell_count=Count("stairwells", distinct=True))
        .order_by("name")
    )
    unserved = unserved_stairwells(community, groups)
    households = Household.objects.filter(community=community).count()
    outside = [g for g in groups if not rules.min_members <= g.member_count <= rules.max_members]
    context = {
        "community": community, "rules": rules, "loose": loose, "mismatched": mismatched, "unserved": unserved,
        "small": [g for g in outside if g.member_count < rules.min_members],
        "large": [g for g in outside if g.member_count > rules.max_members], "outside_count": len(outside),
        "figures": [
            ("居住在社区的党员", len(members), f"{len(members) - len(loose)} 人已编入党小组"),
            ("住户", households, f"{households - sum(s.households_count for s in unserved)} 户有党小组服务"),
            ("党小组", len(groups),
             f"{len(groups) - len(outside)} 个人数符合规定（{rules.min_members}–{rules.max_members} 人）"),
        ],
    }  # fmt: skip
    return render(request, "groups/planning/coverage.html", context)


def unserved_stairwells(community: Community, groups: list[BuildingGroup]) -> list[Stairwell]:
    """Stairwells with households and no group, each with the group whose venue is nearest."""
    stairwells = list(
        Stairwell.objects.filter(community=community, group__isnull=True)
        .select_related("building")
        .annotate(households_count=Count("households"))
        .filter(households_count__gt=0)
        .order_by("building__sort_key", "sort_key")
    )
    venues = [(g, position(g.venue_stairwell)) for g in groups if g.venue_stairwell_id and g.stairwell_count]
    for stairwell in stairwells:
        x, y = position(stairwell)
        nearest = min(venues, key=lambda v: math.hypot(v[1][0] - x, v[1][1] - y), default=None)
        stairwell.nearest = nearest[0] if nearest else None
        stairwell.metres = round(math.hypot(nearest[1][0] - x, nearest[1][1] - y)) if nearest else None
    return stairwells


@login_required
@require_POST
def join_group(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """加入本单元所在的党小组: the member joins the group serving the stairwell they live in."""
    community = admin_community(request, code)
    member = get_object_or_404(
        Member.objects.select_related("resident__household__stairwell__group", "group"), community=community, pk=pk
    )
    household = member.resident.household
    group = household.stairwell.group if household else None
    if group is None:
        messages.error(request, f"{member.resident.name}住的单元还没有党小组，请先重新规划。")
        return redirect("planning:coverage", code=community.code)
    old = member.group
    if old != group:
        with transaction.atomic():
            member.group = group
            member.save(update_fields=["group", "updated_at"])
            record(request, AuditEntry.Action.UPDATE, member,
                   detail=changes({"group": str(old) if old else None}, {"group": str(group)}))  # fmt: skip
            move_volunteer_role(request, member, old, group)
    messages.success(request, f"{member.resident.name}已编入{group.name}。")
    return redirect("planning:coverage", code=community.code)


@login_required
@require_POST
def serve_stairwell(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """并入最近的党小组: the chosen group serves the stairwell, and the members living there join it."""
    community = admin_community(request, code)
    stairwell = get_object_or_404(Stairwell.objects.select_related("building"), community=community, pk=pk)
    group = BuildingGroup.objects.filter(community=community, pk=request.POST.get("group") or 0).first()
    if group is None:
        messages.error(request, "请选择一个本社区的党小组。")
        return redirect("planning:coverage", code=community.code)
    with transaction.atomic():
        old = stairwell.group
        stairwell.group = group
        stairwell.save(update_fields=["group"])
        record(request, AuditEntry.Action.UPDATE, stairwell,
               detail=changes({"group": str(old) if old else None}, {"group": str(group)}))  # fmt: skip
        living = Member.objects.filter(community=community, resident__household__stairwell=stairwell)
        for member in living.select_related("resident", "group").exclude(group=group):
            previous = member.group
            member.group = group
            member.save(update_fields=["group", "updated_at"])
            record(request, AuditEntry.Action.UPDATE, member,
                   detail=changes({"group": str(previous) if previous else None}, {"group": str(group)}))  # fmt: skip
            move_volunteer_role(request, member, previous, group)
    messages.success(request, f"{stairwell}已由{group.name}服务。")
    return redirect("planning:coverage", code=community.code)
