"""The registry side of planning: a community as engine input, and a plan applied to the registry.

A plan's state (proposed or adjusted by hand) is `assignment`: stairwell pk (as text) -> the pk of
its group's venue stairwell. Members counted in a stairwell are the Member rows whose resident
lives in one of its households.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from loudong.accounts.audit import changes as changes_of
from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, Grant, Role
from loudong.groups.models import BuildingGroup
from loudong.groups.planning import engine
from loudong.policy.models import current_rules
from loudong.registry.forms_places import unplaced
from loudong.registry.models import Community, Household, Member, Stairwell


@dataclass
class Planning:
    community: Community
    policy: engine.Policy
    stairwells: list[Stairwell]  # registry rows, by building and name
    inputs: list[engine.Stairwell]  # the same, as the engine sees them (id = str(pk))
    by_id: dict[str, Stairwell] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {str(s.pk): s for s in self.stairwells}

    def evaluate(self, assignment: dict[str, str]) -> engine.Evaluation:
        return engine.evaluate(self.inputs, self.policy, assignment)

    def solve(self, time_limit: float | None = 20.0) -> engine.Plan:
        return engine.solve(self.inputs, self.policy, time_limit=time_limit)

    def current_assignment(self) -> dict[str, str]:
        """Today's groups, for those that have a venue stairwell."""
        return {
            str(s.pk): str(s.group.venue_stairwell_id)
            for s in self.stairwells
            if s.group_id and s.group.venue_stairwell_id and str(s.group.venue_stairwell_id) in self.by_id
        }

    def read_state(self, data: QueryDict) -> dict[str, str]:
        """The plan posted by the editor: field s<pk> holds the venue pk; unknown values are dropped
        (the stairwell then shows as without a group)."""
        return {sid: data[f"s{sid}"] for sid in self.by_id if data.get(f"s{sid}") in self.by_id}


def load(community: Community) -> Planning:
    rules = current_rules(community.pk)
    policy = engine.Policy(rules.min_members, rules.max_members, rules.group_cost)
    stairwells = list(
        Stairwell.objects.filter(community=community)
        .select_related("building", "group")
        .order_by("building__sort_key", "sort_key", "pk")
    )
    households = dict(
        Household.objects.filter(community=community).order_by().values_list("stairwell_id").annotate(n=Count("pk"))
    )
    members = dict(
        Member.objects.filter(community=community, resident__household__isnull=False)
        .order_by()
        .values_list("resident__household__stairwell_id")
        .annotate(n=Count("pk"))
    )
    inputs = []
    for s in stairwells:
        s.households_count, s.members_count = households.get(s.pk, 0), members.get(s.pk, 0)
        s.px, s.py = position(s)
        inputs.append(engine.Stairwell(str(s.pk), s.households_count, s.members_count, s.px, s.py,
                                       label=f"{s.building.name}{s.name}"))  # fmt: skip
    return Planning(community, policy, stairwells, inputs)


def position(stairwell: Stairwell) -> tuple[float, float]:
    """Where the stairwell's door is on the site plan; one never placed (the roster import leaves
    it at 0, 0) counts as the middle of its building's lower side."""
    building = stairwell.building
    if unplaced(stairwell, building):
        return building.x + building.width / 2, building.y + building.depth
    return stairwell.x, stairwell.y


# ---- what applying a plan changes ----


@dataclass
class GroupChange:
    venue: Stairwell
    stairwells: list[Stairwell]
    name: str
    group: BuildingGroup | None = None  # the existing group this becomes; None: a new group
    added: list[Stairwell] = field(default_factory=list)
    removed: list[Stairwell] = field(default_factory=list)
    venue_moved: bool = False
    dropped: list[tuple[str, Member]] = field(default_factory=list)  # ("组长" | "副组长", member)
    saved: BuildingGroup | None = None  # the row once applied

    @property
    def changed(self) -> bool:
        return self.group is None or bool(self.added or self.removed or self.venue_moved or self.dropped)


@dataclass
class PlanChanges:
    groups: list[GroupChange]
    emptied: list[BuildingGroup]  # groups that serve stairwells today and none in the plan; kept
    moved_members: list[tuple[Member, BuildingGroup | None, GroupChange]]

    @property
    def created(self) -> list[GroupChange]:
        return [g for g in self.groups if g.group is None]

    @property
    def updated(self) -> list[GroupChange]:
        return [g for g in self.groups if g.group is not None and g.changed]


def plan_changes(planning: Planning, assignment: dict[str, str]) -> PlanChanges:
    """Match the planned groups to today's groups and list what applying would change.

    A planned group takes over the group whose venue it keeps; otherwise the unmatched group
    serving most of its stairwells (so names, leaders and history carry over); otherwise it is
    new, named after its venue's building. Leaders and deputies stay while they live in the group.
    """
    planned: dict[str, list[Stairwell]] = {}
    for s in planning.stairwells:
        if str(s.pk) in assignment:
            planned.setdefault(assignment[str(s.pk)], []).append(s)
    existing = list(BuildingGroup.objects.filter(community=planning.community)
                    .select_related("leader__resident__household", "deputy__resident__household"))  # fmt: skip
    serving: dict[int, set[int]] = {}
    for s in planning.stairwells:
        if s.group_id:
            serving.setdefault(s.group_id, set()).add(s.pk)
    match: dict[str, BuildingGroup] = {}
    for group in existing:
        venue = str(group.venue_stairwell_id)
        if venue in planned and venue not in match:
            match[venue] = group
    taken = {g.pk for g in match.values()}
    overlaps = sorted(
        ((len(serving.get(g.pk, set()) & {s.pk for s in members}), venue, g.pk, g)
         for venue, members in planned.items() if venue not in match
         for g in existing if g.pk not in taken),
        key=lambda t: (-t[0], t[1], t[2]),
    )  # fmt: skip
    for overlap, venue, _, group in overlaps:
        if overlap and venue not in match and group.pk not in taken:
            match[venue] = group
            taken.add(group.pk)
    names = {g.name for g in existing}
    changes = []
    for venue_id, members in planned.items():
        venue, group = planning.by_id[venue_id], match.get(venue_id)
        change = GroupChange(venue, members, group.name if group else _new_name(venue, names), group)
        names.add(change.name)
        if group is not None:
            before, after = serving.get(group.pk, set()), {s.pk for s in members}
            change.added = [s for s in members if s.pk not in before]
            change.removed = [s for s in planning.stairwells if s.pk in before and s.pk not in after]
            change.venue_moved = group.venue_stairwell_id != venue.pk
            for role, member in (("组长", group.leader), ("副组长", group.deputy)):
                if member is not None and _home(member) not in after:
                    change.dropped.append((role, member))
        changes.append(change)
    # A group that loses every stairwell is kept (its history stays) but stops being led; one that
    # served nothing before is left alone.
    emptied = [g for g in existing if g.pk not in taken and serving.get(g.pk)]
    return PlanChanges(changes, emptied, _moved_members(planning, assignment, changes))


def _home(member: Member) -> int | None:
    household = member.resident.household
    return household.stairwell_id if household else None


def _new_name(venue: Stairwell, taken: set[str]) -> str:
    for name in (f"{venue.building.name}党小组", f"{venue.building.name}{venue.name}党小组"):
        if name not in taken:
            return name
    n = 2
    while f"{venue.building.name}{venue.name}党小组（{n}）" in taken:
        n += 1
    return f"{venue.building.name}{venue.name}党小组（{n}）"


def _moved_members(
    planning: Planning, assignment: dict[str, str], changes: list[GroupChange]
) -> list[tuple[Member, BuildingGroup | None, GroupChange]]:
    by_venue = {str(c.venue.pk): c for c in changes}
    moved = []
    members = (Member.objects.filter(community=planning.community, resident__household__isnull=False)
               .select_related("resident__household", "group"))  # fmt: skip
    for member in members:
        change = by_venue.get(assignment.get(str(member.resident.household.stairwell_id)))
        if change is None:
            continue
        if change.group is None or member.group_id != change.group.pk:
            moved.append((member, member.group, change))
    moved.sort(key=lambda t: t[0].resident.name_pinyin)
    return moved


# ---- applying a plan ----


def apply_plan(request: HttpRequest, planning: Planning, assignment: dict[str, str]) -> PlanChanges:
    """Create or update the groups, set every stairwell's and every resident member's group, and let
    volunteers' and leaders' roles follow, in one transaction; each change is audit-logged."""
    with transaction.atomic():
        changes = plan_changes(planning, assignment)
        dropped: list[tuple[BuildingGroup, Member]] = []
        for change in changes.groups:
            group = _save_group(request, change)
            dropped += [(group, member) for _, member in change.dropped]
            pks = [s.pk for s in change.stairwells]
            Stairwell.objects.filter(pk__in=pks).update(group=group)
            Member.objects.filter(community=planning.community, resident__household__stairwell__in=pks).update(
                group=group, updated_at=timezone.now()
            )
        for group in changes.emptied:
            dropped += [(group, m) for m in (group.leader, group.deputy) if m is not None]
            before = _snapshot(group, [s for s in planning.stairwells if s.group_id == group.pk])
            group.leader = group.deputy = None
            group.save(update_fields=["leader", "deputy"])
            record(request, AuditEntry.Action.UPDATE, group, detail=changes_of(before, _snapshot(group, [])))
        _follow_roles(request, changes, dropped)
        record(request, AuditEntry.Action.UPDATE, planning.community, detail={
            "操作": "应用党小组规划", "党小组数": len(changes.groups), "新建": len(changes.created),
            "调整": len(changes.updated), "不再服务单元的党小组": len(changes.emptied),
            "调整党小组的党员": len(changes.moved_members),
        })  # fmt: skip
    return changes


def _snapshot(group: BuildingGroup, stairwells: list[Stairwell]) -> dict:
    return {
        "name": group.name,
        "venue_stairwell": str(group.venue_stairwell) if group.venue_stairwell_id else None,
        "leader": str(group.leader) if group.leader_id else None,
        "deputy": str(group.deputy) if group.deputy_id else None,
        "服务单元": sorted(str(s) for s in stairwells),
    }


def _save_group(request: HttpRequest, change: GroupChange) -> BuildingGroup:
    if change.group is None:
        group = BuildingGroup.objects.create(
            community=change.venue.community, name=change.name, venue_stairwell=change.venue
        )
        change.saved = group
        record(request, AuditEntry.Action.CREATE, group, detail=changes_of({}, _snapshot(group, change.stairwells)))
        return group
    group = change.saved = change.group
    if change.changed:
        before = _snapshot(group, [s for s in change.stairwells if s not in change.added] + change.removed)
        group.venue_stairwell = change.venue
        for role, _ in change.dropped:
            setattr(group, "leader" if role == "组长" else "deputy", None)
        group.save(update_fields=["venue_stairwell", "leader", "deputy"])
        record(request, AuditEntry.Action.UPDATE, group, detail=changes_of(before, _snapshot(group, change.stairwells)))
    return group


def _follow_roles(request: HttpRequest, changes: PlanChanges, dropped: list[tuple[BuildingGroup, Member]]) -> None:
    """A volunteer's role moves with their member record; a leader or deputy no longer living in
    the group loses the leader role for it."""
    for member, old, change in changes.moved_members:
        move_volunteer_role(request, member, old, change.saved)
    for group, member in dropped:
        user = getattr(member.resident, "user", None)
        for grant in Grant.objects.filter(user=user, role=Role.LEADER, group=group) if user else []:
            reason = f"党小组规划后不再住在{group.name}服务的单元"
            record(request, AuditEntry.Action.DELETE, grant, detail={"原因": reason})
            grant.delete()


def move_volunteer_role(request: HttpRequest, member: Member, old: BuildingGroup | None, new: BuildingGroup) -> None:
    """The member's volunteer role (党员志愿者) for their old group now covers the new one."""
    user = getattr(member.resident, "user", None)
    if user is None or old is None or old == new:
        return
    for grant in Grant.objects.filter(user=user, role=Role.VOLUNTEER, group=old):
        if Grant.objects.filter(user=user, role=Role.VOLUNTEER, group=new).exists():
            record(request, AuditEntry.Action.DELETE, grant, detail={"原因": f"已是{new.name}的党员志愿者"})
            grant.delete()
        else:
            grant.group = new
            grant.save(update_fields=["group"])
            record(request, AuditEntry.Action.UPDATE, grant, detail={"党小组": [old.name, new.name]})
