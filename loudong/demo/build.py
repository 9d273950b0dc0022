"""Build the demo: 石鼓区 → 青山街道 → 西湖新村社区 (and 东风社区 beside it), in one transaction.

The demo communities are rebuilt whole on every run, keeping their primary keys so the audit log
(append-only, no database foreign keys) still points at them. Steps run in order; a feature adds
its demo data by appending a step that reads what earlier steps built from the DemoSite.
"""

from collections.abc import Callable

from django.db import transaction
from django.db.models import Count

from loudong.demo.activities import build_activities
from loudong.demo.building_groups import build_groups
from loudong.demo.context import DemoCommunity, DemoSite
from loudong.demo.group_life import build_group_life
from loudong.demo.honours import build_honours
from loudong.demo.hours import build_hours
from loudong.demo.logins import build_logins
from loudong.demo.meetings import build_meetings
from loudong.demo.members import build_members
from loudong.demo.models import DemoMarker
from loudong.demo.outreach import build_outreach
from loudong.demo.partners import build_partners
from loudong.demo.people import CARE_TAGS, build_people
from loudong.demo.places import build_places
from loudong.demo.plans import DISTRICT, PLANS, SUBDISTRICT, CommunityPlan
from loudong.demo.privacy import build_privacy
from loudong.demo.projects import build_projects
from loudong.demo.requests import build_requests
from loudong.policy.models import save_rules
from loudong.policy.rules import Rules
from loudong.registry.models import CareTag, Community, District, Household, Subdistrict
from loudong.stats import coverage, tally

POLICY_NOTE = "社区党总支制定《楼栋党小组实施方案》"


def write_policy(site: DemoSite) -> None:
    save_rules(site.main.community.pk, Rules(), note=POLICY_NOTE)


STEPS: list[Callable[[DemoSite], None]] = [
    build_places,
    build_people,
    build_members,
    build_groups,
    write_policy,
    build_logins,
    build_group_life,
    build_requests,
    build_outreach,
    build_meetings,
    build_activities,
    build_honours,
    build_partners,
    build_hours,
    build_projects,
    build_privacy,
    lambda site: tally.rebuild(),  # the stats tallies of everything the steps wrote (pages only read them)
    lambda site: coverage.rebuild(),  # and the group coverage
]


def build_demo() -> DemoSite:
    with transaction.atomic():
        district, _ = District.objects.update_or_create(code=DISTRICT[0], defaults={"name": DISTRICT[1]})
        subdistrict, _ = Subdistrict.objects.update_or_create(
            code=SUBDISTRICT[0], defaults={"name": SUBDISTRICT[1], "district": district}
        )
        communities = {plan.code: DemoCommunity(plan, _fresh_community(plan, subdistrict)) for plan in PLANS}
        site = DemoSite(district=district, subdistrict=subdistrict, communities=communities)
        for step in STEPS:
            step(site)
        DemoMarker.objects.all().delete()
        DemoMarker.objects.create()
    return site


def _fresh_community(plan: CommunityPlan, subdistrict: Subdistrict) -> Community:
    """Delete the community and everything in it (rows of every feature cascade), keep its id."""
    pk = Community.objects.filter(code=plan.code).values_list("pk", flat=True).first()
    if pk is not None:
        Community.objects.filter(pk=pk).delete()
    return Community.objects.create(
        pk=pk,
        subdistrict=subdistrict,
        code=plan.code,
        name=plan.name,
        site_width=plan.site_width,
        site_height=plan.site_height,
    )


def summary_lines(site: DemoSite) -> list[str]:
    """Counts read back from the database, in Chinese, one block per community."""
    lines = []
    for demo in site.communities.values():
        c = demo.community
        lines.append(f"{site.district.name} → {site.subdistrict.name} → {c.name}（{c.code}）")
        lines.append(
            f"  楼栋 {c.buildings.count()} 栋，住户 {Household.objects.filter(community=c).count():,} 户，"
            f"居民 {c.residents.count():,} 人，党员 {c.members.count()} 名，楼栋党小组 {c.groups.count()} 个"
        )
        tags = dict(CareTag.objects.filter(community=c).annotate(n=Count("residents")).values_list("name", "n"))
        lines.append("  关爱对象：" + "，".join(f"{name} {tags.get(name, 0)} 人" for name in CARE_TAGS))
    return lines + site.summary
