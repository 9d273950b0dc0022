"""制度: each community's rules in one place, edited by its admin, versioned, with their documents."""

import pytest
from conftest import make_user
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpers.policy import save, url

from loudong.accounts.models import AuditEntry, Role
from loudong.policy.models import PolicyDocument, PolicyVersion, current_rules
from loudong.registry.models import CareTag

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


# Rows of the edit page: categories in order (0 政策咨询, 1 环境卫生, 2 困难需求, 3-5 blank); care
# tags most frequent first (0 独居老人 7 天, 1 高龄 7 天, 2 困难家庭, 3 残疾, 4 低保, 5-7 blank).


def upload(client, name: str, content: bytes, kind: str = "plan", title: str = ""):
    file = SimpleUploadedFile(name, content)
    return client.post(url("documents"), {"kind": kind, "title": title, "file": file})


# Who may see and who may edit


@pytest.mark.parametrize("persona", ["admin", "leader", "volunteer", "overseer"])
@pytest.mark.parametrize("page", ["show", "history", "documents"])
def test_admin_leaders_volunteers_and_the_overseer_read_the_policy(world, login, persona, page):
    assert login(getattr(world, persona)).get(url(page)).status_code == 200


@pytest.mark.parametrize("persona", ["resident", "outsider"])
@pytest.mark.parametrize("page", ["show", "history", "documents", "edit"])
def test_residents_and_outsiders_get_404(world, login, persona, page):
    assert login(getattr(world, persona)).get(url(page)).status_code == 404


def test_overseer_of_another_area_gets_404(world, login):
    elsewhere = make_user("renmin-overseer", Role.OVERSEER, subdistrict=world.other.subdistrict)
    assert login(elsewhere).get(url("show")).status_code == 404
    assert login(elsewhere).get(url("show", "other")).status_code == 200


@pytest.mark.parametrize("persona", ["leader", "volunteer", "overseer"])
def test_only_the_admin_edits(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(url("edit")).status_code == 404
    assert client.post(url("edit"), {"min_members": "2"}).status_code == 404
    assert "修改制度" not in client.get(url("show")).content.decode()
    assert PolicyVersion.objects.count() == 0


# Showing the rules


def test_a_community_without_a_version_shows_the_defaults_and_says_so(world, login):
    page = login(world.leader).get(url("show")).content.decode()
    assert "系统默认制度" in page
    assert "每个楼栋党小组 5 至 15 名党员" in page
    assert "困难需求" in page and "派单后 12 小时内接单" in page and "5 个工作日内办结" in page
    assert "每 7 天走访一次" in page and "每 30 天走访一次" in page


def test_every_care_tag_of_the_community_is_listed_with_its_visit_frequency(world, login):
    CareTag.objects.create(community=world.community, name="孕产妇")
    page = login(world.volunteer).get(url("show")).content.decode()
    assert "孕产妇" in page and "按默认，每 30 天走访一次" in page


# Editing


def test_admin_edit_creates_a_new_version_shown_with_its_author(world, login):
    client = login(world.admin)
    response = save(client, min_members=6, max_members=12, note="依据新的党员管理制度")
    assert response.status_code == 302
    version = PolicyVersion.objects.get(community=world.community)
    assert (version.number, version.note, version.created_by) == (1, "依据新的党员管理制度", world.admin)
    rules = current_rules(world.community.pk)
    assert (rules.min_members, rules.max_members) == (6, 12)
    page = client.get(url("show")).content.decode()
    assert "每个楼栋党小组 6 至 12 名党员" in page
    assert "第 1 版" in page and "admin" in page and "依据新的党员管理制度" in page
    assert "系统默认制度" not in page
    assert current_rules(world.other.pk).min_members == 5


def test_saving_an_unchanged_form_creates_no_version(world, login):
    client = login(world.admin)
    response = save(client)
    assert response.status_code == 302
    assert PolicyVersion.objects.count() == 0
    assert "没有变化" in client.get(response.url).content.decode()
    save(client, min_members=4, note="试行")
    save(client, note="再保存一次")
    assert PolicyVersion.objects.count() == 1


def test_a_change_needs_a_note_and_keeps_what_was_typed(world, login):
    client = login(world.admin)
    response = save(client, min_members=7, **{"cat-0-response_hours": 10})
    assert response.status_code == 200
    page = response.content.decode()
    assert "请写明这次修改的原因或依据" in page
    assert 'name="min_members" value="7"' in page and 'name="cat-0-response_hours" value="10"' in page
    assert PolicyVersion.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_members": 0}, "最少人数至少为 1 人"),
        ({"min_members": 9, "max_members": 8}, "最多人数不能少于最少人数"),
        ({"min_members": "五"}, "请填写整数"),
        ({"cat-0-response_hours": 0}, "接单时限须在 1 至 720 小时之间"),
        ({"cat-1-resolve_working_days": -2}, "办结时限须在 1 至 365 个工作日之间"),
        ({"cat-1-name": "政策咨询"}, "类别名称不能重复：政策咨询"),
        ({"cat-0-name": ""}, "请填写类别名称；要删除这个类别，请勾选“删除”"),
        ({"cat-3-response_hours": 24, "cat-3-resolve_working_days": 2}, "请填写类别名称"),
        ({"cat-3-name": "安全隐患"}, "请填写接单时限"),
        ({"cat-0-DELETE": "on", "cat-1-DELETE": "on", "cat-2-DELETE": "on"}, "至少要保留一个问题类别"),
        ({"visit-0-days": 400}, "走访间隔须在 1 至 365 天之间"),
        ({"visit-0-days": 0}, "走访间隔须在 1 至 365 天之间"),
        ({"visit-5-days": 10}, "请填写关爱标签"),
        ({"visit-5-tag": "高龄", "visit-5-days": 10}, "关爱标签不能重复：高龄"),
        ({"visit_default_days": 366}, "走访间隔须在 1 至 365 天之间"),
    ],
)
def test_invalid_rules_are_refused_in_chinese(world, login, changes, message):
    response = save(login(world.admin), note="试一试", **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert PolicyVersion.objects.count() == 0


def test_a_renamed_category_keeps_its_code_and_a_new_one_gets_a_pinyin_code(world, login):
    client = login(world.admin)
    save(
        client,
        note="调整类别",
        **{
            "cat-0-name": "政策法规咨询",
            "cat-2-response_hours": 8,
            "cat-3-name": "安全隐患",
            "cat-3-response_hours": 6,
            "cat-3-resolve_working_days": 1,
        },
    )
    rules = current_rules(world.community.pk)
    assert [(c.code, c.name) for c in rules.categories] == [
        ("policy", "政策法规咨询"),
        ("environment", "环境卫生"),
        ("hardship", "困难需求"),
        ("anquanyinhuan", "安全隐患"),
    ]
    assert rules.category("hardship").response_hours == 8


def test_a_deleted_categorys_code_is_never_given_to_a_new_one(world, login):
    client = login(world.admin)
    add = {"cat-3-name": "安全隐患", "cat-3-response_hours": 6, "cat-3-resolve_working_days": 1}
    save(client, note="新增安全隐患", **add)
    save(client, note="删除安全隐患", **{"cat-3-DELETE": "on"})
    save(client, note="恢复安全隐患", **add)
    assert current_rules(world.community.pk).categories[-1].code == "anquanyinhuan2"
    assert PolicyVersion.objects.count() == 3


def test_a_new_care_tag_name_creates_the_care_tag(world, login):
    save(login(world.admin), note="孕产妇每两周走访", **{"visit-5-tag": "孕产妇", "visit-5-days": 14})
    assert CareTag.objects.filter(community=world.community, name="孕产妇").exists()
    assert current_rules(world.community.pk).visit_days_by_care_tag["孕产妇"] == 14
    assert not CareTag.objects.filter(community=world.other, name="孕产妇").exists()


def test_a_new_care_tag_without_days_is_added_without_a_new_version(world, login):
    response = save(login(world.admin), **{"visit-5-tag": "孕产妇"})
    assert response.status_code == 302
    assert CareTag.objects.filter(community=world.community, name="孕产妇").exists()
    assert PolicyVersion.objects.count() == 0


def test_an_unchanged_save_adds_no_care_tag(world, login):
    save(login(world.admin))
    names = CareTag.objects.filter(community=world.community).values_list("name", flat=True)
    assert list(names) == ["独居老人"]


def test_a_care_tag_without_days_follows_the_default_interval(world, login):
    save(login(world.admin), note="高龄按默认", **{"visit-1-days": ""})
    rules = current_rules(world.community.pk)
    assert "高龄" not in rules.visit_days_by_care_tag
    assert rules.visit_days(["高龄"]) == rules.visit_default_days


def test_an_edit_is_written_to_the_audit_log_with_what_changed(world, login):
    client = login(world.admin)
    save(
        client,
        note="调整",
        min_members=6,
        **{"cat-3-name": "安全隐患", "cat-3-response_hours": 6, "cat-3-resolve_working_days": 1},
    )
    entry = AuditEntry.objects.get(action="update", object_type="policy")
    assert entry.community_id == world.community.pk
    assert entry.detail == {
        "每组最少党员人数": ["5 人", "6 人"],
        "新增类别“安全隐患”": "接单 6 小时，办结 1 个工作日，通常是公共区域的事",
    }
    page = client.get(reverse("audit", args=["xihu"])).content.decode()
    assert "新增类别“安全隐患”：接单 6 小时，办结 1 个工作日" in page


# History


def test_history_lists_every_version_with_what_changed(world, login):
    client = login(world.admin)
    save(client, note="第一次", min_members=6)
    save(
        client,
        note="第二次",
        **{
            "cat-0-response_hours": 12,
            "cat-2-DELETE": "on",
            "cat-3-name": "安全隐患",
            "cat-3-response_hours": 6,
            "cat-3-resolve_working_days": 1,
            "visit-0-days": 5,
        },
    )
    page = login(world.leader).get(url("history")).content.decode()
    assert page.index("第 2 版") < page.index("第 1 版")
    assert "每组最少党员人数：5 人 → 6 人" in page
    assert "“政策咨询”接单时限：24 小时 → 12 小时" in page
    assert "新增类别“安全隐患”：接单 6 小时，办结 1 个工作日" in page
    assert "删除类别“困难需求”：接单 12 小时，办结 5 个工作日" in page
    assert "“独居老人”住户走访间隔：每 7 天 → 每 5 天" in page
    assert "第一次" in page and "第二次" in page
    assert "与系统默认制度相比" in page


# Documents


def test_admin_uploads_a_document_that_readers_can_download(world, login):
    response = upload(login(world.admin), "西湖新村楼栋党小组实施方案.pdf", PDF)
    assert response.status_code == 302
    document = PolicyDocument.objects.get()
    assert document.title == "西湖新村楼栋党小组实施方案"
    assert (document.kind, document.uploaded_by) == ("plan", world.admin)
    for persona in ("admin", "leader", "volunteer", "overseer"):
        download = login(getattr(world, persona)).get(url("download", "xihu", document.pk))
        assert download.status_code == 200
        assert b"".join(download.streaming_content) == PDF
        assert "attachment" in download["Content-Disposition"]
    show = login(world.volunteer).get(url("show")).content.decode()
    assert "西湖新村楼栋党小组实施方案" in show


def test_older_uploads_of_a_kind_are_kept_and_listed_after_the_newest(world, login):
    client = login(world.admin)
    upload(client, "old.pdf", PDF, kind="contact", title="党员联系居民制度（2022）")
    upload(client, "new.png", PNG, kind="contact", title="党员联系居民制度（2024）")
    page = client.get(url("documents")).content.decode().split("<h2>党员联系居民制度</h2>")[1]
    assert page.index("党员联系居民制度（2024）") < page.index("党员联系居民制度（2022）")
    assert "旧版" in page
    assert PolicyDocument.objects.filter(kind="contact").count() == 2
    assert "另有 1 份旧版" in client.get(url("show")).content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("方案.exe", b"MZ\x90\x00", "只能上传 PDF、Word（doc、docx）或图片（jpg、png）文件"),
        ("方案.txt", b"plain text", "只能上传 PDF、Word（doc、docx）或图片（jpg、png）文件"),
        ("方案.pdf", b"MZ\x90\x00 not a pdf", "文件内容与扩展名 .pdf 不符"),
        ("方案.docx", PDF, "文件内容与扩展名 .docx 不符"),
        ("方案.pdf", PDF + b"0" * (20 * 1024 * 1024), "不能超过 20 MB"),
        ("方案.pdf", b"", "这个文件是空的"),
    ],
)
def test_wrong_documents_are_refused_in_chinese(world, login, name, content, message):
    response = upload(login(world.admin), name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PolicyDocument.objects.exists()


def test_a_document_needs_a_kind_and_a_file(world, login):
    page = login(world.admin).post(url("documents"), {"kind": "", "title": "x"}).content.decode()
    assert "请选择文件类别" in page and "请选择要上传的文件" in page


def test_only_the_admin_uploads(world, login):
    for persona in ("leader", "volunteer", "overseer"):
        response = upload(login(getattr(world, persona)), "方案.pdf", PDF)
        assert response.status_code == 404
    assert not PolicyDocument.objects.exists()
    assert "上传文件" not in login(world.leader).get(url("documents")).content.decode()


def test_a_document_is_downloaded_only_within_its_community(world, login):
    upload(login(world.admin), "方案.pdf", PDF)
    document = PolicyDocument.objects.get()
    assert login(world.resident).get(url("download", "xihu", document.pk)).status_code == 404
    assert login(world.outsider).get(url("download", "xihu", document.pk)).status_code == 404
    assert login(world.outsider).get(url("download", "other", document.pk)).status_code == 404
