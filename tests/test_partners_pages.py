"""双报到's pages: the public report-in form, the admin's queue, units and agreements, posts and
their holders, each scoped (an outsider's admin sees nothing) and with phones masked."""

import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loudong.accounts.models import AuditEntry, Grant, Role
from loudong.partners.models import PartnerAgreement, PartnerUnit, Post, PostClaim, ReportIn

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def started() -> str:
    return signing.dumps(time.time() - 60, salt="ask.started")


@pytest.fixture
def hospital(world) -> PartnerUnit:
    return PartnerUnit.objects.create(
        community=world.community,
        name="市第一人民医院",
        kind=PartnerUnit.Kind.HOSPITAL,
        party_org="市第一人民医院内科党支部",
        contact_name="赵主任",
        contact_phone="13307340001",
        offers=["medical", "volunteers"],
    )


def form_data(world, hospital: PartnerUnit, **changes: str) -> dict:
    data = {
        "name": "李医生",
        "phone": "135 1234 5678",
        "unit": str(hospital.pk),
        "workplace": "",
        "workplace_party_org": "市第一人民医院内科党支部",
        "building": str(world.building.pk),
        "room": "301",
        "skills": "医疗、健康讲座",
        "skills_note": "",
        "available": "周六上午",
        "website": "",
        "started": started(),
    }
    return data | changes


def test_a_member_reports_in_from_the_public_form_without_an_account(client, world, hospital):
    url = reverse("report_in", args=["xihu"])
    page = client.get(url)
    assert page.status_code == 200 and "在职党员到社区报到" in page.text and "市第一人民医院" in page.text
    done = client.post(url, form_data(world, hospital))
    assert done.status_code == 200 and "已提交报到" in done.text
    report = ReportIn.objects.get()
    assert (report.name, report.phone, report.unit, report.household) == (
        "李医生",
        "13512345678",
        hospital,
        world.household,
    )
    assert report.status == ReportIn.Status.PENDING and report.skill_tags == ["医疗", "健康讲座"]
    assert "135****5678" in done.text and "13512345678" not in done.text


def test_bad_input_is_answered_in_chinese_and_keeps_what_was_typed(client, world, hospital):
    url = reverse("report_in", args=["xihu"])
    page = client.post(url, form_data(world, hospital, phone="12345", unit="other", workplace="", name=""))
    assert page.status_code == 400
    assert "请写上您的姓名" in page.text and "电话号码位数不对" in page.text and "请填写您的单位名称" in page.text
    assert 'value="医疗、健康讲座"' in page.text and 'value="周六上午"' in page.text
    room_only = client.post(url, form_data(world, hospital, building="", room="301"))
    assert "填了房号，请再选择楼栋" in room_only.text
    bot = client.post(url, form_data(world, hospital, website="http://spam"))
    assert bot.status_code == 400 and "网址" in bot.text
    assert not ReportIn.objects.exists()


def test_the_public_form_is_rate_limited_like_the_request_form(client, world, hospital, settings):
    settings.RATE_LIMITS = {"ask_client": (2, 3600)}
    url = reverse("report_in", args=["xihu"])
    for n in range(2):
        assert client.post(url, form_data(world, hospital, phone=f"1351234567{n}")).status_code == 200
    refused = client.post(url, form_data(world, hospital, phone="13512345679"))
    assert refused.status_code == 429 and "提交太频繁了" in refused.text and 'value="李医生"' in refused.text
    assert ReportIn.objects.count() == 2


def test_admin_confirms_in_the_queue_and_the_member_joins_the_building_group(client, login, world, hospital):
    client.post(reverse("report_in", args=["xihu"]), form_data(world, hospital))
    report = ReportIn.objects.get()
    login(world.admin)
    queue = client.get(reverse("partners:reports", args=["xihu"]))
    assert "李医生" in queue.text and "135****5678" in queue.text and "13512345678" not in queue.text
    detail = client.get(reverse("partners:report", args=["xihu", report.pk]))
    assert "13512345678" in detail.text
    assert AuditEntry.objects.filter(action="view", object_type="reportin", object_id=str(report.pk)).exists()
    weak = client.post(
        reverse("partners:confirm", args=["xihu", report.pk]), {"username": "lidoctor", "password": "short"}
    )
    assert weak.status_code == 400 and "初始密码不合格" in weak.text
    done = client.post(
        reverse("partners:confirm", args=["xihu", report.pk]), {"username": "lidoctor", "password": "Yisheng2026ok"}
    )
    assert done.status_code == 302
    report.refresh_from_db()
    member = report.member
    assert report.status == ReportIn.Status.CONFIRMED and member.group == world.group
    assert member.registered_org == "市第一人民医院内科党支部"
    assert Grant.objects.filter(user__username="lidoctor", role=Role.VOLUNTEER, group=world.group).exists()


def test_admin_records_on_behalf_and_declines_with_a_reason(client, login, world, hospital):
    login(world.admin)
    data = form_data(world, hospital)
    del data["website"], data["started"]
    created = client.post(reverse("partners:report_new", args=["xihu"]), data)
    report = ReportIn.objects.get()
    assert created.status_code == 302 and report.entered_by == world.admin
    empty = client.post(reverse("partners:decline", args=["xihu", report.pk]), {"reason": ""})
    assert empty.status_code == 400 and "请写明未通过的原因" in empty.text
    client.post(reverse("partners:decline", args=["xihu", report.pk]), {"reason": "不住在本社区"})
    report.refresh_from_db()
    assert report.status == ReportIn.Status.DECLINED and report.decline_reason == "不住在本社区"


def test_units_are_read_by_staff_with_phones_masked_and_agreements_only_by_the_admin(client, login, world, hospital):
    agreement = PartnerAgreement.objects.create(
        community=world.community,
        unit=hospital,
        title="医社共建协议",
        file=SimpleUploadedFile("a.pdf", PDF),
    )
    login(world.volunteer)
    listing = client.get(reverse("partners:units", args=["xihu"]))
    assert "市第一人民医院" in listing.text and "133****0001" in listing.text and "13307340001" not in listing.text
    assert "医疗服务" in listing.text
    unit_page = client.get(reverse("partners:unit", args=["xihu", hospital.pk]))
    assert "医社共建协议" not in unit_page.text
    assert client.get(reverse("partners:agreement", args=["xihu", agreement.pk])).status_code == 404
    assert client.post(reverse("partners:unit_phone", args=["xihu", hospital.pk])).status_code == 404
    assert client.get(reverse("partners:unit_new", args=["xihu"])).status_code == 404
    login(world.admin)
    revealed = client.post(reverse("partners:unit_phone", args=["xihu", hospital.pk]))
    assert "13307340001" in revealed.text
    assert AuditEntry.objects.filter(action="view", object_type="partnerunit").exists()
    download = client.get(reverse("partners:agreement", args=["xihu", agreement.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_admin_registers_a_unit_and_uploads_an_agreement_with_checked_files(client, login, world):
    login(world.admin)
    bad = client.post(
        reverse("partners:unit_new", args=["xihu"]), {"name": "", "kind": "school", "contact_phone": "12"}
    )
    assert bad.status_code == 400 and "请填写单位名称" in bad.text and "电话号码位数不对" in bad.text
    client.post(
        reverse("partners:unit_new", args=["xihu"]),
        {"name": "石鼓区实验小学", "kind": "school", "offers": ["venue", "volunteers"], "active": "on"},
    )
    school = PartnerUnit.objects.get(name="石鼓区实验小学")
    assert school.offers == ["venue", "volunteers"]
    renamed = client.post(
        reverse("partners:agreement_new", args=["xihu", school.pk]),
        {"title": "共建协议", "file": SimpleUploadedFile("x.pdf", b"not a pdf at all")},
    )
    assert renamed.status_code == 400 and "文件内容与扩展名 .pdf 不符" in renamed.text
    client.post(
        reverse("partners:agreement_new", args=["xihu", school.pk]),
        {"title": "共建协议", "signed_on": "2026-03-01", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert school.agreements.get().file.read() == PDF


def test_a_member_claims_a_post_in_two_taps_sees_a_full_post_and_releases(client, login, world):
    post = Post.objects.create(community=world.community, title="周五大扫除", kind=Post.Kind.CLEAN_UP, slots=1)
    login(world.volunteer)
    listing = client.get(reverse("partners:posts", args=["xihu"]))
    assert "周五大扫除" in listing.text and "还剩 1 个" in listing.text
    page = client.get(reverse("partners:post", args=["xihu", post.pk]))  # tap one
    assert "认领这个岗位" in page.text
    client.post(reverse("partners:claim", args=["xihu", post.pk]))  # tap two
    assert PostClaim.objects.holding().get().member == world.wang_member
    assert "我已认领" in client.get(reverse("partners:posts", args=["xihu"])).text
    login(world.leader)
    full = client.get(reverse("partners:post", args=["xihu", post.pk]))
    assert "名额已满" in full.text and "认领这个岗位" not in full.text
    holders = client.get(reverse("partners:holders", args=["xihu"]))
    assert "王秀英" in holders.text
    login(world.volunteer)
    client.post(reverse("partners:release", args=["xihu", post.pk]))
    assert not PostClaim.objects.holding().exists()


def test_a_volunteer_sees_no_holders_page_and_only_published_posts(client, login, world):
    Post.objects.create(community=world.community, title="停了的岗位", active=False)
    login(world.volunteer)
    assert client.get(reverse("partners:holders", args=["xihu"])).status_code == 404
    assert "停了的岗位" not in client.get(reverse("partners:posts", args=["xihu"])).text
    assert client.get(reverse("partners:post_new", args=["xihu"])).status_code == 404


def test_another_communitys_admin_sees_nothing(client, login, world, hospital):
    post = Post.objects.create(community=world.community, title="文明劝导")
    report = ReportIn.objects.create(
        community=world.community, name="某人", phone="13500000000", workplace_party_org="x"
    )
    login(world.outsider)
    for name, args in [
        ("partners:reports", []),
        ("partners:report", [report.pk]),
        ("partners:units", []),
        ("partners:unit", [hospital.pk]),
        ("partners:posts", []),
        ("partners:post", [post.pk]),
        ("partners:holders", []),
        ("partners:sheets", []),
        ("partners:poster", []),
    ]:
        assert client.get(reverse(name, args=["xihu", *args])).status_code == 404, name
    assert client.post(reverse("partners:claim", args=["xihu", post.pk])).status_code == 404
    # Their own community's pages name nothing of ours.
    assert "市第一人民医院" not in client.get(reverse("partners:units", args=["other"])).text


def test_publishing_a_post_checks_its_fields(client, login, world):
    login(world.admin)
    bad = client.post(reverse("partners:post_new", args=["xihu"]), {"title": "", "kind": "civility", "slots": "0"})
    assert bad.status_code == 400 and "请填写岗位名称" in bad.text
    client.post(
        reverse("partners:post_new", args=["xihu"]),
        {"title": "文明劝导", "kind": "civility", "slots": "3", "time": "每周六上午", "active": "on"},
    )
    assert Post.objects.get().slots == 3
