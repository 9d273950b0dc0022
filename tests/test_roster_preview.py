"""The preview before a roster import: each column with the field it is read as (changeable),
five sample rows, the counts of a dry run; confirming remembers the mapping for the header."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from loudong.registry.models import ImportJob, Resident, RosterMapping

HEADER = ["序号", "姓名", "性别", "出生年月", "联系电话", "现居住地址", "网格", "工作单位及职务"]
ROWS = [
    [1, "赵春兰", "女", "1956.04", "13912345678", "5栋1单元101", "第三网格", "衡阳市第八中学 教师"],
    [2, "钱国华", "男", "1950年3月", "13912345679", "5栋1单元102", "第三网格", "退休"],
    [3, "孙丽", "女", "1988.07", "1391234", "5栋1单元103", "第三网格", "个体"],
    [4, "李强", "男", "1960.02", "13912345680", "5栋1单元104", "第三网格", "无业"],
    [5, "周梅", "女", "1962.03", "13912345681", "5栋1单元105", "第三网格", ""],
    [6, "吴军", "男", "1965.05", "13912345682", "5栋1单元106", "第三网格", ""],
]


def xlsx_upload(rows, name="名册.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin_client(login, world):
    return login(world.admin)


@pytest.fixture
def post(admin_client, django_capture_on_commit_callbacks):
    """post(url, data) as the admin, running the queued task; returns the page it leads to."""

    def _post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, data)
        assert response.status_code == 302, response.content.decode()
        return admin_client.get(response["Location"]).content.decode()

    return _post


def upload(post, rows=None, name="名册.xlsx") -> tuple[str, ImportJob]:
    html = post(reverse("roster:import", args=["xihu"]), {"file": xlsx_upload([HEADER, *(rows or ROWS)], name)})
    return html, ImportJob.objects.order_by("-pk").first()


def test_a_first_upload_shows_columns_samples_and_counts_before_anything_is_saved(world, post):
    html, job = upload(post)
    assert job.status == "review" and job.file.storage.exists(job.file.name)
    assert "请核对后再导入" in html and "还没有保存" in html
    assert '<div class="figure" id="preview-created">5</div>' in html
    assert '<div class="figure" id="preview-rejected">1</div>' in html
    assert '<select name="column-1"' in html and '<option value="name" selected>姓名</option>' in html
    assert '<select name="column-6"' in html  # 网格: not a field, offered as 不导入
    assert job.mapping[6] == "" and job.mapping[7] == "workplace_post"
    samples = job.preview["samples"]
    assert [s["row"] for s in samples] == [2, 3, 4, 5, 6]
    assert ["出生日期", "1956年4月"] in samples[0]["values"] and ["职务", "教师"] in samples[0]["values"]
    assert samples[2]["outcome"] == "rejected" and "电话号码" in samples[2]["reason"]
    assert "第 4 行：不导入" in html
    assert not Resident.objects.filter(name__in=["赵春兰", "钱国华"]).exists()


def test_admin_changes_a_column_checks_again_then_confirms_and_the_mapping_is_remembered(world, post):
    _html, job = upload(post)
    changed = {f"column-{i}": field for i, field in enumerate(job.mapping)} | {"column-4": "", "action": "confirm"}
    html = post(reverse("roster:confirm", args=["xihu", job.pk]), changed)
    job.refresh_from_db()
    assert job.status == "review" and job.mapping[4] == ""  # changed: checked again, not imported yet
    assert '<div class="figure" id="preview-rejected">0</div>' in html
    assert not Resident.objects.filter(name="赵春兰").exists()
    html = post(reverse("roster:confirm", args=["xihu", job.pk]), changed)
    job.refresh_from_db()
    assert job.status == "done" and "导入完成" in html
    assert not job.file.storage.exists(job.file.name)
    zhao = Resident.objects.get(name="赵春兰", community=world.community)
    assert (zhao.phone, zhao.birth_written, zhao.workplace, zhao.post) == ("", "1956年4月", "衡阳市第八中学", "教师")
    remembered = RosterMapping.objects.get(community=world.community)
    assert remembered.mapping == job.mapping and remembered.confirmed_by == world.admin

    next_month = [[1, "赵春兰", "女", "1956.04", "13800000000", "5栋1单元101", "第三网格", "退休"]]
    html, again = upload(post, next_month, name="下个月.xlsx")
    assert again.status == "done" and again.confirmed_at is not None  # straight through, no preview
    assert '<div class="figure" id="count-updated">1</div>' in html
    assert Resident.objects.get(pk=zhao.pk).phone == ""  # 联系电话 stays not imported


def test_the_remembered_mapping_belongs_to_one_community(world, post, login, django_capture_on_commit_callbacks):
    _html, job = upload(post)
    post(reverse("roster:confirm", args=["xihu", job.pk]), {"action": "confirm"})
    client = login(world.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("roster:import", args=["other"]), {"file": xlsx_upload([HEADER, *ROWS])})
    assert ImportJob.objects.get(community=world.other).status == "review"


def test_cancelling_a_preview_deletes_the_upload_and_imports_nothing(world, post):
    _html, job = upload(post)
    html = post(reverse("roster:confirm", args=["xihu", job.pk]), {"action": "cancel"})
    job.refresh_from_db()
    assert job.status == "failed" and "已取消" in html
    assert not job.file.storage.exists(job.file.name)
    assert not Resident.objects.filter(name="赵春兰").exists() and not RosterMapping.objects.exists()


def test_a_mapping_without_a_name_column_is_refused_in_chinese(world, post, admin_client):
    _html, job = upload(post)
    response = admin_client.post(
        reverse("roster:confirm", args=["xihu", job.pk]), {"column-1": "", "action": "confirm"}
    )
    assert response.status_code == 400 and "请至少把一列设为“姓名”" in response.content.decode()
    job.refresh_from_db()
    assert job.status == "review"


def test_a_gbk_csv_saved_from_excel_is_uploaded_and_imported(world, post):
    text = "姓名,性别,出生日期,联系电话,住址\r\n赵春兰,女,1956/4/18,13912345678,5栋1单元101\r\n"
    html = post(reverse("roster:import", args=["xihu"]), {"file": SimpleUploadedFile("名册.csv", text.encode("gbk"))})
    assert "请核对后再导入" in html
    job = ImportJob.objects.get()
    post(reverse("roster:confirm", args=["xihu", job.pk]), {"action": "confirm"})
    assert Resident.objects.get(name="赵春兰").birth_written == "1956年4月18日"


def test_only_the_community_admin_may_confirm(world, login):
    _html = None
    job = ImportJob.objects.create(community=world.community, original_name="名册.xlsx", status="review",
                                   file=SimpleUploadedFile("x.xlsx", b"x"), mapping=["name"])  # fmt: skip
    for persona in ("leader", "volunteer", "outsider"):
        response = login(getattr(world, persona)).post(reverse("roster:confirm", args=["xihu", job.pk]),
                                                       {"action": "confirm"})  # fmt: skip
        assert response.status_code == 404
    job.refresh_from_db()
    assert job.status == "review" and not RosterMapping.objects.exists()


def test_worker_deletes_a_preview_nobody_confirmed(world, post):
    _html, job = upload(post)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=3))
    call_command("worker", once=True, stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == "failed" and "一直没有确认" in job.error
    assert not job.file.storage.exists(job.file.name)
