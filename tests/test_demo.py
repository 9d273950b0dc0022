"""`loudong demo`: the demo community of the account, its people, groups and demo logins.

The demo is built once for this module (inside a transaction rolled back at the end); each test
runs in its own savepoint on top of it.
"""

import re
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse
from helpers.demo import built_demo

from loudong.accounts.models import AuditEntry, Grant, Role, User
from loudong.demo.models import DemoMarker
from loudong.demo.plans import XIHU
from loudong.groups.models import BuildingGroup
from loudong.lib.identity import birth_date_from_id, gender_from_id, normalize_id_number
from loudong.policy.models import PolicyVersion
from loudong.registry.models import Building, Community, District, Household, Member, Resident, Stairwell

FIRST_GROUPS = {
    "环城北路93号": "肖伯群",
    "学宫巷3号": "刘光前",
    "船山路63号西湖广场综合楼": "郭旭中",
    "船山路39号小西门综合楼": "杨学成",
}
DEMO_USERS = ("demo-admin", "demo-leader", "demo-volunteer", "demo-resident", "demo-overseer")
pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    with built_demo(django_db_blocker) as output:
        yield output


@pytest.fixture
def xihu(demo_output) -> Community:
    return Community.objects.get(code="xihu-xincun")


def building_of(resident: Resident) -> str:
    return resident.household.stairwell.building.name


def fingerprint() -> tuple:
    """Everything that makes the demo what it is, without database ids."""
    residents = Resident.objects.values_list(
        "community__code",
        "name",
        "gender",
        "birth_date",
        "phone",
        "id_number",
        "household__stairwell__building__name",
        "household__stairwell__name",
        "household__room",
    )
    tags = Resident.care_tags.through.objects.values_list("resident__name", "resident__phone", "caretag__name")
    members = Member.objects.values_list(
        "resident__name",
        "resident__phone",
        "joined_on",
        "standing",
        "registration",
        "registered_org",
        "employment",
        "group__name",
    )
    groups = BuildingGroup.objects.values_list(
        "community__code",
        "name",
        "leader__resident__name",
        "deputy__resident__name",
        "venue_stairwell__building__name",
        "venue_stairwell__name",
        "founded_on",
    )
    stairwells = Stairwell.objects.values_list("building__name", "name", "x", "y", "group__name")
    buildings = Building.objects.values_list("community__code", "name", "address", "x", "y", "width", "depth")
    users = User.objects.filter(username__in=DEMO_USERS).values_list(
        "username",
        "display_name",
        "resident__name",
        "resident__phone",
        "grants__role",
        "grants__community__code",
        "grants__group__name",
        "grants__subdistrict__code",
    )
    parts = (residents, tags, members, groups, stairwells, buildings, users)
    return tuple(sorted(map(repr, q)) for q in parts)


def test_demo_builds_a_community_of_the_size_of_the_account(xihu):
    assert 20 <= xihu.buildings.count() <= 30
    assert 1400 <= Household.objects.filter(community=xihu).count() <= 1600
    assert 2800 <= xihu.residents.count() <= 3200
    # The roster's 80 and the 12 in-post members whose reporting in the admin confirmed (双报到).
    assert xihu.members.count() == 92
    assert xihu.subdistrict.name == "青山街道" and xihu.subdistrict.district.name == "石鼓区"
    assert xihu.name == "西湖新村社区"


def test_neighbouring_community_gives_the_overseer_more_than_one_row(xihu):
    dongfeng = Community.objects.get(code="dongfeng")
    assert dongfeng.subdistrict == xihu.subdistrict
    assert dongfeng.buildings.count() >= 3 and dongfeng.members.count() >= 5 and dongfeng.groups.count() == 1


def test_buildings_have_addresses_and_do_not_overlap_on_the_site_plan(xihu):
    buildings = list(xihu.buildings.all())
    for b in buildings:
        assert b.address.startswith("衡阳市石鼓区")
        assert 0 <= b.x and b.x + b.width <= xihu.site_width
        assert 0 <= b.y and b.y + b.depth <= xihu.site_height
        assert 1 <= b.stairwells.count() <= 4
    for i, a in enumerate(buildings):
        for b in buildings[i + 1 :]:
            apart_x = a.x + a.width <= b.x or b.x + b.width <= a.x
            apart_y = a.y + a.depth <= b.y or b.y + b.depth <= a.y
            assert apart_x or apart_y, f"{a} overlaps {b}"


def test_adjacency_is_symmetric_and_links_close_buildings(xihu):
    hcbl93 = xihu.buildings.get(name="环城北路93号")
    assert set(hcbl93.adjacent.values_list("name", flat=True)) == {"环城北路91号", "环城北路95号"}
    for b in xihu.buildings.prefetch_related("adjacent"):
        for other in b.adjacent.all():
            assert b in other.adjacent.all()


def test_rooms_are_numbered_by_floor_within_five_to_seven_floors(xihu):
    rooms = Household.objects.filter(community=xihu).values_list("room", flat=True)
    floors = {int(room) // 100 for room in rooms}
    assert min(floors) == 1 and 5 <= max(floors) <= 7
    assert all(1 <= int(room) % 100 <= 4 for room in rooms)
    # The ground floor of a 综合楼 is shops.
    complex_ = "船山路63号西湖广场综合楼"
    shops = Household.objects.filter(stairwell__building__name=complex_, room__startswith="1")
    assert not shops.exists()


def test_the_four_first_groups_are_led_by_the_people_named_in_the_account(xihu):
    for building, leader_name in FIRST_GROUPS.items():
        group = BuildingGroup.objects.get(community=xihu, name=f"{building}党小组")
        leader = group.leader.resident
        assert leader.name == leader_name and building_of(leader) == building
        assert xihu.residents.filter(name=leader_name).count() == 1
        assert leader.phone and normalize_id_number(leader.id_number) == leader.id_number
        assert group.leader.employment == Member.Employment.RETIRED
        assert group.venue_stairwell == leader.household.stairwell
        assert group.deputy and group.deputy != group.leader
        assert group.founded_on is not None
        assert Member.objects.filter(resident__household__stairwell__building__name=building).count() >= 5


def test_groups_serve_their_building_and_neighbours_and_some_buildings_are_left_unserved(xihu):
    groups = list(BuildingGroup.objects.filter(community=xihu))
    assert 6 <= len(groups) <= 7
    for group in groups:
        building = group.venue_stairwell.building
        allowed = {building.pk, *building.adjacent.values_list("pk", flat=True)}
        served = set(group.stairwells.values_list("building_id", flat=True))
        assert building.pk in served and served <= allowed
        assert 5 <= group.members.count() <= 15
    unserved = xihu.buildings.exclude(stairwells__group__isnull=False)
    assert 2 <= unserved.count() <= 8


def test_every_member_belongs_to_the_group_serving_their_stairwell(xihu):
    members = Member.objects.filter(community=xihu).select_related("resident__household__stairwell")
    for member in members:
        assert member.group_id == member.resident.household.stairwell.group_id


def test_members_are_mostly_retired_with_mixed_registration_and_services(xihu):
    members = list(Member.objects.filter(community=xihu).prefetch_related("service_items"))
    employment = Counter(m.employment for m in members)
    registration = Counter(m.registration for m in members)
    assert employment["retired"] > employment["working"] > 0
    assert 1 <= sum(m.standing == Member.Standing.PROBATIONARY for m in members) <= 6
    assert 40 <= registration["local"] <= 60 and registration["other"] >= 10 and registration["mobile"] >= 2
    assert all(m.registered_org for m in members if m.registration == Member.Registration.OTHER)
    assert all(1 <= len(m.service_items.all()) <= 4 for m in members)
    assert all(m.joined_on and m.joined_on.year - m.resident.birth_date.year >= 18 for m in members)


def test_every_id_number_is_valid_and_matches_birth_date_and_gender(xihu):
    residents = list(xihu.residents.all())
    with_id = [r for r in residents if r.id_number]
    assert 0.6 <= len(with_id) / len(residents) <= 0.8
    for r in with_id:
        assert normalize_id_number(r.id_number) == r.id_number
        assert r.id_number.startswith("430407")
        assert birth_date_from_id(r.id_number) == r.birth_date and gender_from_id(r.id_number) == r.gender


def test_phones_are_eleven_digit_mobiles_and_unique(xihu):
    phones = [p for p in xihu.residents.values_list("phone", flat=True) if p]
    assert len(phones) == len(set(phones)) > 2000
    assert all(len(p) == 11 and p[0] == "1" and p[1] in "3456789" for p in phones)


def test_names_are_searchable_by_pinyin_initials(xihu):
    assert list(xihu.residents.search("xbq").values_list("name", flat=True)) == ["肖伯群"]
    assert xihu.residents.search("liuguangqian").filter(name="刘光前").exists()


def test_the_age_mix_is_that_of_an_old_neighbourhood(xihu):
    ages = [r.age for r in xihu.residents.all()]
    assert 0.3 <= sum(a >= 60 for a in ages) / len(ages) <= 0.5
    assert any(a < 10 for a in ages) and any(a >= 90 for a in ages)


def test_care_tags_are_plausible(xihu):
    tagged = {
        name: list(xihu.residents.filter(care_tags__name=name).annotate(n=Count("household__residents")))
        for name in ("独居老人", "高龄", "低保", "残疾", "困难家庭")
    }
    assert tagged["独居老人"] and all(r.n == 1 and r.age >= 60 for r in tagged["独居老人"])
    assert tagged["高龄"] and all(r.age >= 80 for r in tagged["高龄"])
    total = xihu.residents.count()
    for name in ("低保", "残疾", "困难家庭"):
        assert 0.005 <= len(tagged[name]) / total <= 0.08, name


def test_policy_starts_at_version_one_from_the_plan(xihu):
    versions = list(PolicyVersion.objects.filter(community=xihu))
    assert [v.number for v in versions] == [1]
    assert versions[0].note == "社区党总支制定《楼栋党小组实施方案》"
    assert versions[0].parsed.min_members == 5


def test_each_demo_account_holds_the_right_grant(xihu):
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS).select_related("resident")}
    held = Grant.objects.filter(user__in=users.values()).select_related("user")
    grants = {g.user.username: g for g in held}
    assert len(grants) == Grant.objects.filter(user__in=users.values()).count() == 5
    group = BuildingGroup.objects.get(community=xihu, name="环城北路93号党小组")

    assert (grants["demo-admin"].role, grants["demo-admin"].community) == (Role.ADMIN, xihu)
    assert (grants["demo-leader"].role, grants["demo-leader"].group) == (Role.LEADER, group)
    assert users["demo-leader"].resident.name == users["demo-leader"].display_name == "肖伯群"
    assert (grants["demo-volunteer"].role, grants["demo-volunteer"].group) == (Role.VOLUNTEER, group)
    volunteer = users["demo-volunteer"].resident
    assert volunteer.member.group == group and volunteer.name == users["demo-volunteer"].display_name
    assert volunteer.name != "肖伯群"
    assert (grants["demo-resident"].role, grants["demo-resident"].community) == (Role.RESIDENT, xihu)
    resident = users["demo-resident"].resident
    assert building_of(resident) == "环城北路93号" and not Member.objects.filter(resident=resident).exists()
    overseer = grants["demo-overseer"]
    assert overseer.role == Role.OVERSEER and overseer.subdistrict.code == "qingshan"
    assert users["demo-overseer"].display_name == "青山街道督查"
    assert users["demo-admin"].display_name == XIHU.admin_name
    # 长辈版 is on for the retired leader and the resident, so a newcomer to the demo meets it
    assert {u.username for u in users.values() if u.elder_mode} == {"demo-leader", "demo-resident"}


@pytest.mark.parametrize("username", DEMO_USERS)
def test_each_demo_account_can_log_in_with_the_published_password(demo_output, client, username):
    response = client.post(reverse("login"), {"username": username, "password": "loudong-demo"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username=username).pk)
    home = client.get(response.url, follow=True)
    assert home.status_code == 200
    # The retired leader and the resident see 长辈版 on a new phone (no cookie): their account says so.
    elder = username in ("demo-leader", "demo-resident")
    assert ('<html lang="zh-CN" class="elder">' in home.content.decode()) == elder
    assert ("elder-tile" in home.content.decode()) == (username == "demo-leader")


def test_the_demo_admin_sees_the_leader_s_api_token_to_revoke(demo_output, client):
    client.force_login(User.objects.get(username="demo-admin"))
    page = client.get(reverse("api_tokens")).content.decode()
    assert "组长的对接程序" in page and "肖伯群" in page and "撤销" in page


def test_login_page_lists_demo_logins_after_the_demo(demo_output, client):
    page = client.get(reverse("login")).content.decode()
    assert 'id="demo-logins"' in page and "demo-leader" in page and "loudong-demo" in page


def test_login_page_hides_demo_logins_in_a_database_without_the_demo(demo_output, client):
    DemoMarker.objects.all().delete()
    page = client.get(reverse("login")).content.decode()
    assert "demo-leader" not in page and "loudong-demo" not in page


def test_command_prints_counts_and_the_demo_logins(demo_output):
    assert "西湖新村社区（xihu-xincun）" in demo_output and "党员 92 名" in demo_output
    for username in DEMO_USERS:
        assert f"{username}" in demo_output
    assert demo_output.count("loudong-demo") >= len(DEMO_USERS)


def test_running_twice_gives_the_same_community_without_duplicates(xihu):
    before = fingerprint()
    user_pks = sorted(User.objects.filter(username__in=DEMO_USERS).values_list("pk", flat=True))
    xihu.buildings.filter(name="环城北路93号").update(address="改过的地址")
    Resident.objects.create(community=xihu, name="多出来的人")
    audit = AuditEntry.objects.create(community=xihu, action=AuditEntry.Action.VIEW, object_type="resident")

    call_command("demo", stdout=StringIO())

    assert fingerprint() == before
    assert Community.objects.filter(code="xihu-xincun").get().pk == xihu.pk
    assert District.objects.filter(code="shigu").count() == 1
    assert sorted(User.objects.filter(username__in=DEMO_USERS).values_list("pk", flat=True)) == user_pks
    assert Grant.objects.filter(user__username__in=DEMO_USERS).count() == 5
    assert PolicyVersion.objects.filter(community=xihu).count() == 1
    assert DemoMarker.objects.count() == 1
    assert AuditEntry.objects.get(pk=audit.pk).community_id == xihu.pk


def test_the_demo_shows_shared_place_problems_neighbours_joined_and_household_matters_no_neighbour_sees(
    demo_output, xihu, client
):
    from loudong.tickets.models import OPEN, Request
    from loudong.tickets.publicity import excerpts

    placed = Request.objects.filter(community=xihu)
    joined = placed.filter(scope="shared", anonymous=False, support_count__gt=0, status__in=OPEN).exclude(kind="report")
    assert joined.count() >= 2 and joined.exclude(public_note="").exists()
    assert placed.filter(scope="household").count() > placed.filter(scope="shared").count() / 2
    assert placed.filter(events__kind="scoped").exists()  # a leader's correction
    assert placed.filter(category_code="environment", scope="household").exists()  # a resident's own tap
    assert "公共区域的事" in demo_output and "家中的事" in demo_output and "邻居看不到" in demo_output

    # The form of the building offers its shared problems and none of its open household matters.
    shown = joined.exclude(public_note="").first()
    page = client.get(f"/ask/b/{shown.building.public_token}/")
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.content.decode()))
    for category in ("environment", "policy", "hardship"):
        sent = client.post("/ask/place/", {**hidden, "step": "1", "category": category})
        text = client.get(sent["Location"]).content.decode()
        for private in placed.filter(building_id=shown.building_id, scope="household", status__in=OPEN):
            assert private.description[:12] not in text
        if category == "environment":
            assert excerpts([shown])[shown.pk] in text
    supporter = shown.supporters.first()
    text = client.get(f"/ask/s/{supporter.tracking_token}/").content.decode()
    assert shown.public_note in text and shown.contact_name not in text and shown.number not in text


def test_the_demo_shows_one_open_and_one_answered_privacy_request(xihu):
    from loudong.privacy.models import PersonalDataRequest

    rows = PersonalDataRequest.objects.filter(community=xihu)
    assert sorted(rows.values_list("status", "kind", "channel")) == [
        ("done", "copy", "link"),
        ("open", "correct", "in_person"),
    ]
    answered = rows.get(status="done")
    assert answered.whole_person and answered.copy_available and answered.request.tracking_token


def test_the_demo_shows_units_in_post_members_posts_and_last_quarters_feedback_sheets(xihu):
    from django.utils import timezone

    from loudong.partners.models import PartnerUnit, PostClaim, ReportIn
    from loudong.partners.sheets import Quarter, sheets_for

    units = PartnerUnit.objects.filter(community=xihu)
    assert sorted(units.values_list("kind", flat=True)) == ["company", "hospital", "school"]
    reports = ReportIn.objects.filter(community=xihu)
    assert reports.count() == 15
    assert reports.filter(status="confirmed").count() == 12
    assert reports.filter(status="pending").count() == 2 and reports.filter(status="declined").count() == 1
    confirmed = reports.filter(status="confirmed")
    assert all(r.member.registered_org == r.workplace_party_org for r in confirmed)
    assert sum(1 for r in confirmed if r.member.group_id) >= 8  # the others live where no group serves yet
    assert PostClaim.objects.holding().filter(member__in=confirmed.values("member")).count() >= 12
    sheets = sheets_for(xihu, Quarter.of(timezone.localdate()).previous)
    assert len(sheets) == 3 and all(s.minutes > 0 for s in sheets)
    assert sum(1 for s in sheets for row in s.rows if row.evaluation) == 11


def test_the_demo_volunteer_s_phone_can_install_the_app_and_keep_their_pages(demo_output, client):
    volunteer = User.objects.get(username="demo-volunteer")
    client.force_login(volunteer)
    code = volunteer.grant_list()[0].community.code
    households = client.get(reverse("outreach:mine", args=[code])).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in households
    assert households.count("data-offline>记走访</a>") >= 3  # each household's visit form, kept for offline use
    requests = client.get(reverse("tickets:mine", args=[code])).content.decode()
    assert '<link rel="manifest"' in requests and "data-offline>查看详情</a>" in requests


def test_the_demo_volunteer_has_an_errand_resolved_without_signal_and_sent_later(xihu, client):
    from loudong.tickets.models import Request, RequestEvent

    volunteer = User.objects.get(username="demo-volunteer")
    mine = RequestEvent.objects.filter(request__community=xihu, request__assignee__resident=volunteer.resident)
    event = mine.get(kind="resolved", data__has_key="done_at")
    req = Request.objects.get(pk=event.request_id)
    assert req.status == "resolved" and event.at - req.resolved_at == timedelta(hours=3)
    client.force_login(User.objects.get(username="demo-leader"))
    page = client.get(f"/c/{xihu.code}/requests/{req.pk}/").content.decode()
    assert f"{event.data['done_label']} 在手机上办结，联网后上传" in page
