"""Step: one demo account per role, all with the same published password.

Accounts are kept from one build to the next (only their grants and residents are renewed), so
audit entries that name them keep pointing at them.
"""

from axes.utils import reset as reset_lockout

from loudong.accounts.models import ApiToken, Grant, Role, User
from loudong.demo.context import DemoSite
from loudong.demo.people import age_on_reference
from loudong.registry.models import Member

DEMO_PASSWORD = "loudong-demo"
FIRST_GROUP_BUILDING = "环城北路93号"
OVERSEER_NAME = "青山街道督查"

# username, role shown on the login page and in the printout
DEMO_ACCOUNTS = (
    ("demo-admin", "社区管理员"),
    ("demo-leader", "楼栋党小组组长（环城北路93号）"),
    ("demo-volunteer", "党员志愿者（环城北路93号）"),
    ("demo-resident", "居民"),
    ("demo-overseer", "青山街道（只读）"),
)

# 长辈版 by default for the retired leader and one resident, so a newcomer sees it (the switch is in the top bar)
ELDER_ACCOUNTS = {"demo-leader", "demo-resident"}


def build_logins(site: DemoSite) -> None:
    demo = site.main
    rng = demo.rng("logins")
    community = demo.community
    group = demo.groups[FIRST_GROUP_BUILDING]
    leader = group.leader
    in_building = [
        m for m in demo.members
        if m.group_id == group.pk and m.resident.household.stairwell.building.name == FIRST_GROUP_BUILDING
        and m not in (group.leader, group.deputy)
    ]  # fmt: skip
    # A working member: the one who takes requests in the demo.
    working = [m for m in in_building if m.employment == Member.Employment.WORKING]
    volunteer = rng.choice(working or in_building)
    member_pks = {m.resident.pk for m in demo.members}
    neighbours = [
        r
        for r in demo.residents_of(FIRST_GROUP_BUILDING)
        if r.pk not in member_pks and r.phone and 35 <= age_on_reference(r) <= 70
    ]
    resident = rng.choice(neighbours)

    accounts = {
        "demo-admin": (demo.plan.admin_name, None, [Grant(role=Role.ADMIN, community=community)]),
        "demo-leader": (
            leader.resident.name,
            leader.resident,
            [Grant(role=Role.LEADER, community=community, group=group)],
        ),
        "demo-volunteer": (
            volunteer.resident.name,
            volunteer.resident,
            [Grant(role=Role.VOLUNTEER, community=community, group=group)],
        ),
        "demo-resident": (resident.name, resident, [Grant(role=Role.RESIDENT, community=community)]),
        "demo-overseer": (OVERSEER_NAME, None, [Grant(role=Role.OVERSEER, subdistrict=site.subdistrict)]),
    }
    for username, _ in DEMO_ACCOUNTS:
        display_name, person, grants = accounts[username]
        user = User.objects.filter(username=username).first() or User(username=username)
        user.display_name, user.resident, user.is_active = display_name, person, True
        user.first_name = user.last_name = user.email = ""
        user.is_staff = user.is_superuser = False
        user.elder_mode = username in ELDER_ACCOUNTS
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.grants.all().delete()
        for grant in grants:
            grant.user = user
        Grant.objects.bulk_create(grants)
        reset_lockout(username=username)
        site.users[username] = user
    # An API token the leader's program holds: the admin sees it under 接口令牌 and may revoke it.
    leader_user = site.users["demo-leader"]
    leader_user.api_tokens.all().delete()
    ApiToken.issue(leader_user, "组长的对接程序")
