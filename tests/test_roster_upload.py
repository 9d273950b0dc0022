"""Roster upload through the web pages: result, progress, rejected rows round trip, scoping."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from loudong.accounts.models import AuditEntry
from loudong.registry.models import ImportJob, Resident
from loudong.registry.roster import views as roster_views

HEADER = ["姓名", "性别", "出生日期", "联系电话", "住址"]


def xlsx_upload(rows, name="居民名册.xlsx") -> SimpleUploadedFile:
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
def upload(login, world, django_capture_on_commit_callbacks):
    """upload(file) posts it as the community admin, runs the queued task, confirms the preview
    as shown (unless confirm=False) and returns the job page."""

    def _upload(file, confirm=True):
        client = login(world.admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("roster:import", args=["xihu"]), {"file": file})
        assert response.status_code == 302, response.content.decode()
        job = ImportJob.objects.order_by("-pk").first()
        if confirm and job.status == "review":
            with django_capture_on_commit_callbacks(execute=True):
                confirmed = client.post(reverse("roster:confirm", args=["xihu", job.pk]), {"action": "confirm"})
            assert confirmed.status_code == 302
        return client.get(response["Location"])

    return _upload


def test_admin_uploads_a_roster_and_sees_the_result(world, upload):
    page = upload(
        xlsx_upload([["西湖新村社区居民名册"], HEADER, ["赵春兰", "女", "1956-04-18", "13912345678", "5栋1单元101"]])
    )
    html = page.content.decode()
    assert "导入完成" in html
    assert '<div class="figure" id="count-created">1</div>' in html
    assert "5栋1单元" in html  # places created are listed
    job = ImportJob.objects.get()
    assert (job.status, job.created_by, job.original_name) == ("done", world.admin, "居民名册.xlsx")
    assert not job.file.storage.exists(job.file.name)  # the upload is not kept once imported
    assert job.result["created"] == 1
    assert Resident.objects.filter(community=world.community, name="赵春兰").exists()
    assert AuditEntry.objects.filter(action="import", actor=world.admin, community=world.community).count() == 1


def test_rejected_rows_are_listed_and_download_imports_again_after_fixing(world, upload, login):
    page = upload(
        xlsx_upload(
            [
                HEADER,
                ["赵春兰", "女", "1956-04-18", "13912345678", "5栋1单元101"],
                ["钱多多", "男", "1958年13月", "13800000001", "5栋1单元102"],
                ["孙小梅", "女", "1960-01-01", "12345", "5栋1单元103"],
            ]
        )
    )
    html = page.content.decode()
    assert "没有导入的 2 行" in html and "第 3 行" in html and "第 4 行" in html
    job = ImportJob.objects.get()
    download = login(world.admin).get(reverse("roster:rejected", args=["xihu", job.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == [*HEADER, "原行号", "问题原因"]
    assert rows[1][:6] == ["钱多多", "男", "1958年13月", "13800000001", "5栋1单元102", 3]
    assert "日期「1958年13月」不存在" in rows[1][6]
    assert rows[2][5] == 4
    assert AuditEntry.objects.filter(action="export", object_type="importjob").count() == 1

    rows[1][2] = "1958-06-15"  # fix both rows, keep the extra columns
    rows[2][3] = "13800000003"
    fixed = xlsx_upload(rows, name="改好的.xlsx")
    second = upload(fixed).content.decode()
    assert '<div class="figure" id="count-created">2</div>' in second
    assert '<div class="figure" id="count-rejected">0</div>' in second
    assert Resident.objects.get(name="钱多多").phone == "13800000001"


def test_job_page_polls_progress_while_queued_or_running(world, login):
    job = ImportJob.objects.create(
        community=world.community,
        created_by=world.admin,
        original_name="名册.xlsx",
        file=ContentFile(b"x", name="x.xlsx"),
    )
    client = login(world.admin)
    queued = client.get(reverse("roster:job", args=["xihu", job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in queued and "等待后台处理" in queued and "loudong worker" in queued
    ImportJob.objects.filter(pk=job.pk).update(status="running", processed_rows=500, total_rows=1000)
    partial = client.get(reverse("roster:status", args=["xihu", job.pk])).content.decode()
    assert "已处理 500 / 1000 行" in partial and 'class="progress"' in partial and "width: 50%" in partial
    assert "<html" not in partial
    ImportJob.objects.filter(pk=job.pk).update(status="done", result={"created": 3, "rejected": []})
    done = client.get(reverse("roster:status", args=["xihu", job.pk])).content.decode()
    assert "导入完成" in done and "hx-trigger" not in done


def test_a_crashing_import_marks_the_job_failed_with_a_chinese_message(world, upload, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("loudong.registry.roster.tasks.import_roster", crash)
    html = upload(xlsx_upload([HEADER, ["赵春兰", "女", "1956-04-18", "", "5栋1单元101"]])).content.decode()
    job = ImportJob.objects.get()
    assert (job.status, job.result) == ("failed", {})
    assert "导入没有完成" in html and "导入时出错" in html and "count-created" not in html


def test_an_unreadable_file_fails_the_job_with_the_reason(world, upload):
    html = upload(SimpleUploadedFile("名册.xlsx", b"not a workbook")).content.decode()
    assert "无法读取这个文件" in html
    assert ImportJob.objects.get().status == "failed"


@pytest.mark.parametrize(
    ("name", "message"),
    [("名册.pdf", "只能导入 Excel 表格"), ("名册.docx", "只能导入 Excel 表格")],
)
def test_a_wrong_file_type_gets_a_chinese_form_error(world, login, name, message):
    response = login(world.admin).post(
        reverse("roster:import", args=["xihu"]), {"file": SimpleUploadedFile(name, b"a,b\n1,2\n")}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_too_large_file_gets_a_chinese_form_error(world, login, monkeypatch):
    monkeypatch.setattr(roster_views, "MAX_UPLOAD_MB", 0.001)
    response = login(world.admin).post(
        reverse("roster:import", args=["xihu"]), {"file": xlsx_upload([HEADER] + [["赵春兰"] * 5] * 200)}
    )
    assert "文件太大" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_upload_without_a_file_asks_for_one(world, login):
    response = login(world.admin).post(reverse("roster:import", args=["xihu"]), {})
    assert "请先选择要导入的名册文件" in response.content.decode()


def test_upload_page_explains_recognised_columns_and_offers_the_template(world, login):
    client = login(world.admin)
    html = client.get(reverse("roster:import", args=["xihu"])).content.decode()
    assert "公民身份号码" in html and 'accept=".xlsx,.xls,.et,.ods,.csv' in html
    template = client.get(reverse("roster:template", args=["xihu"]))
    sheet = load_workbook(io.BytesIO(b"".join(template.streaming_content))).active
    header, example = list(sheet.iter_rows(values_only=True))
    assert header[:4] == ("姓名", "性别", "出生日期", "身份证号") and example[0] == "刘光前"


def test_the_template_imports_cleanly(world, upload, login):
    template = login(world.admin).get(reverse("roster:template", args=["xihu"]))
    html = upload(SimpleUploadedFile("模板.xlsx", b"".join(template.streaming_content))).content.decode()
    assert '<div class="figure" id="count-rejected">0</div>' in html
    assert Resident.objects.filter(name="刘光前").count() == 1  # matched to the registered 刘光前 by ID


ROSTER_URLS = [
    ("roster:import", False),
    ("roster:template", False),
    ("roster:job", True),
    ("roster:status", True),
    ("roster:rejected", True),
]


@pytest.mark.parametrize("persona", ["leader", "volunteer", "resident", "overseer", "outsider"])
@pytest.mark.parametrize(("url_name", "needs_job"), ROSTER_URLS)
def test_everyone_but_the_community_admin_gets_404(world, login, persona, url_name, needs_job):
    job = ImportJob.objects.create(
        community=world.community,
        original_name="名册.xlsx",
        file=ContentFile(b"x", name="x.xlsx"),
        status="done",
    )
    args = ["xihu", job.pk] if needs_job else ["xihu"]
    client = login(getattr(world, persona))
    assert client.get(reverse(url_name, args=args)).status_code == 404
    if url_name == "roster:import":
        response = client.post(reverse(url_name, args=args), {"file": xlsx_upload([HEADER])})
        assert response.status_code == 404
        assert ImportJob.objects.count() == 1


def test_an_admin_cannot_open_another_communitys_job(world, login):
    job = ImportJob.objects.create(
        community=world.other, original_name="名册.xlsx", file=ContentFile(b"x", name="x.xlsx"), status="done"
    )
    client = login(world.admin)
    assert client.get(reverse("roster:job", args=["xihu", job.pk])).status_code == 404
    assert client.get(reverse("roster:rejected", args=["other", job.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_login(world, client):
    response = client.get(reverse("roster:import", args=["xihu"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_worker_marks_failed_an_import_whose_process_died(world, login):
    """A job left 'running' by a killed worker stops polling once `loudong worker` finds it stalled;
    a job still sending heartbeats is left alone."""
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    def running_job(heartbeat_minutes_ago: int) -> ImportJob:
        return ImportJob.objects.create(
            community=world.community,
            created_by=world.admin,
            original_name="名册.xlsx",
            file=ContentFile(b"x", name="x.xlsx"),
            status="running",
            processed_rows=300,
            total_rows=1000,
            heartbeat_at=timezone.now() - timedelta(minutes=heartbeat_minutes_ago),
        )

    dead, alive = running_job(11), running_job(1)
    upload_name = dead.file.name
    assert dead.file.storage.exists(upload_name)
    call_command("worker", once=True, stdout=io.StringIO())
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert (dead.status, alive.status) == ("failed", "running")
    assert "导入中断了" in dead.error and dead.finished_at is not None
    assert not dead.file.storage.exists(upload_name)  # the upload holds personal data
    page = login(world.admin).get(reverse("roster:status", args=["xihu", dead.pk])).content.decode()
    assert "导入中断了" in page and "hx-trigger" not in page
