"""Export any list to Excel: the filtered rows, phones and ID numbers masked, and an audit entry."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from loudong.accounts.models import AuditEntry


def sheet_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


def test_residents_export_holds_the_filtered_list_with_masked_values(world, login):
    response = login(world.admin).get(
        reverse("registry:residents_export", args=["xihu"]), {"building": world.building.pk}
    )
    rows = sheet_rows(response)
    header, body = rows[0], rows[1:]
    assert header[:4] == ("姓名", "性别", "出生日期", "年龄")
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in body}
    assert set(by_name) == {"刘光前", "王秀英"}
    liu = by_name["刘光前"]
    assert liu["联系电话"] == "138****8000" and liu["身份证号"] == "430407**********15"
    assert liu["楼栋"] == "环城北路93号" and liu["单元"] == "1单元" and liu["房号"] == "301"
    assert liu["关爱标签"] == "独居老人" and liu["党员"] == "是" and liu["性别"] == "男"
    content = "".join(str(cell) for row in rows for cell in row)
    assert "13800138000" not in content and "430407195003020015" not in content
    assert "attachment" in response["Content-Disposition"] and ".xlsx" in response["Content-Disposition"]


def test_export_is_recorded_with_its_filter_and_row_count(world, login):
    login(world.admin).get(reverse("registry:residents_export", args=["xihu"]), {"q": "lgq", "members_only": "on"})
    entry = AuditEntry.objects.get(action="export")
    assert entry.detail == {"filter": {"q": "lgq", "members_only": True}, "rows": 1}
    assert entry.community_id == world.community.pk and entry.actor == world.admin
    assert entry.object_repr == "居民名单"


def test_leader_exports_only_residents_in_their_scope(world, login):
    rows = sheet_rows(login(world.leader).get(reverse("registry:residents_export", args=["xihu"])))
    assert {row[0] for row in rows[1:]} == {"刘光前", "王秀英"}


def test_volunteer_and_outsider_cannot_export(world, login):
    for persona in (world.volunteer, world.outsider, world.overseer):
        client = login(persona)
        assert client.get(reverse("registry:residents_export", args=["xihu"])).status_code == 404
        assert client.get(reverse("registry:members_export", args=["xihu"])).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()


def test_members_export_holds_member_records_with_masked_phones(world, login):
    response = login(world.admin).get(reverse("registry:members_export", args=["xihu"]), {"q": "wxy"})
    rows = sheet_rows(response)
    header = rows[0]
    assert len(rows) == 2
    wang = dict(zip(header, rows[1], strict=True))
    assert wang["姓名"] == "王秀英" and wang["联系电话"] == "139****9000"
    assert wang["党小组"] == "环城北路93号党小组" and wang["服务项目"] == "代买代办" and wang["党员类别"] == "正式党员"
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_type == "member" and entry.detail["rows"] == 1


def test_empty_export_still_has_the_header_row(world, login):
    rows = sheet_rows(login(world.admin).get(reverse("registry:residents_export", args=["xihu"]), {"q": "xyz"}))
    assert len(rows) == 1 and rows[0][0] == "姓名"
    assert AuditEntry.objects.get(action="export").detail["rows"] == 0
