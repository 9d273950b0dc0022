"""Roster import from messy community workbooks: each quirk, bad rows, re-import, members, CLI."""

import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.management import call_command
from helpers.roster import HEADER, row, workbook
from roster_corpus.writers import write_ods

from loudong.accounts.models import AuditEntry
from loudong.lib.identity import id_check_char
from loudong.registry.models import Building, CareTag, Household, Member, Resident, ServiceItem, Stairwell
from loudong.registry.roster.importer import import_roster
from loudong.registry.roster.parse import RosterError


def make_id(birth: str = "19500302", seq: str = "001", region: str = "430407") -> str:
    first17 = f"{region}{birth}{seq}"
    return first17 + id_check_char(first17)


def id_ending_in_x() -> str:
    return next(n for n in (make_id("19620415", f"{s:03d}") for s in range(1, 200)) if n.endswith("X"))


def ods_file(tmp_path, rows) -> str:
    """A minimal OpenDocument spreadsheet (what LibreOffice and WPS save as .ods)."""
    path = tmp_path / "名册.ods"
    write_ods(path, rows, [])
    return str(path)


def run(path, community, **kwargs):
    return import_roster(path, community, file_name="名册.xlsx", **kwargs)


# --- layout: title rows, headers, blank and total rows -------------------------------------------


def test_title_rows_and_merged_title_above_the_header_are_skipped(world, tmp_path):
    path = workbook(
        tmp_path,
        [["西湖新村社区居民花名册"], ["填报单位：西湖新村社区", None, None, "2024年5月"], HEADER, row()],
        merges=["A1:F1"],
    )
    result = run(path, world.community)
    assert result.summary() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": [],
        "warnings": [],
        "places_created": 1,
    }
    person = Resident.objects.get(name="赵春兰")
    assert (person.gender, person.birth_date, person.phone) == ("F", date(1956, 4, 18), "13912345678")
    assert str(person.household) == "环城北路93号1单元302室"


@pytest.mark.parametrize(
    "header",
    [
        ["*居民姓名", "性 别", "生日", "公民身份\n号码", "手机号码", "家庭住址"],
        ["名字", "性别", "出生年月", "证件号码", "电话", "现住址"],
        ["姓　名", "＊性别", "出生日期（年月日）", "身份证号码(18位)", "联系电话（手机）", "地址"],
        ["姓名", "性别", "出生日期", "身份证号", "手机", "住址"],
    ],
)
def test_headers_named_in_different_ways_are_recognised(world, tmp_path, header):
    path = workbook(tmp_path, [header, row(id_number=make_id("19560418", "002"))])
    result = run(path, world.community)
    assert result.created == 1 and not result.rejected
    person = Resident.objects.get(name="赵春兰")
    assert person.id_number == make_id("19560418", "002")
    assert person.phone == "13912345678"
    assert person.household.room == "302"


@pytest.mark.parametrize(
    "header",
    [
        ["姓名", "楼栋", "单元", "房号"],
        ["姓名", "楼号", "楼道", "门牌号"],
        ["姓名", "栋号", "单元", "室号"],
        ["姓名", "楼栋号", "单元", "房号"],
    ],
)
def test_building_stairwell_and_room_in_separate_columns(world, tmp_path, header):
    path = workbook(tmp_path, [header, ["赵春兰", 3, "2", "501室"], ["钱多多", "3栋", "二单元", 502]])
    result = run(path, world.community)
    assert result.created == 2 and not result.rejected
    homes = {r.name: str(r.household) for r in Resident.objects.filter(name__in=["赵春兰", "钱多多"])}
    assert homes == {"赵春兰": "3栋2单元501室", "钱多多": "3栋2单元502室"}


def test_blank_rows_total_row_and_signature_lines_are_skipped_silently(world, tmp_path):
    rows = [
        HEADER,
        row(),
        [],
        [None, None, None],
        row(name="孙小梅", address="环城北路93号1单元303"),
        ["合计", "2人"],
        [],
        ["填表人：李芳", None, None, "审核人：王强"],
    ]
    result = run(workbook(tmp_path, rows), world.community)
    assert result.created == 2
    assert result.rejected == []


def test_vertically_merged_address_counts_for_every_family_member(world, tmp_path):
    rows = [HEADER, row(), row(name="周大勇", gender="男", birth="1955-01-01", address=None)]
    path = workbook(tmp_path, rows, merges=["F2:F3"])
    result = run(path, world.community)
    assert result.created == 2 and not result.rejected
    assert Resident.objects.get(name="周大勇").household == Resident.objects.get(name="赵春兰").household


def test_two_row_header_with_address_over_building_stairwell_and_room(world, tmp_path):
    rows = [
        ["姓名", "性别", "住址", None, None],
        [None, None, "楼栋", "单元", "房号"],
        ["赵春兰", "女", 5, 1, 101],
    ]
    result = run(workbook(tmp_path, rows, merges=["C1:E1"]), world.community)
    assert result.created == 1 and not result.rejected
    assert str(Resident.objects.get(name="赵春兰").household) == "5栋1单元101室"


def test_an_ods_file_is_read_like_an_xlsx(world, tmp_path):
    rows = [
        [],
        ["西湖新村社区居民名册"],
        HEADER,
        row(birth=date(1956, 4, 18), phone=13912345678),
        [],
        row(name="钱多多", birth="1950年3月"),
        row(name="孙小梅", phone="12345"),
    ]
    result = run(ods_file(tmp_path, rows), world.community)
    assert result.created == 2
    assert [r["row"] for r in result.rejected] == [7]
    person = Resident.objects.get(name="赵春兰")
    assert (person.birth_date, person.phone) == (date(1956, 4, 18), "13912345678")


def test_an_old_excel_xls_file_is_read_like_an_xlsx(world):
    """tests/fixtures/roster-excel97.xls as old Excel and WPS save it (see make_roster_xls.py there):
    merged title, a real date cell, a phone stored as a number, an ID as text, a bad phone, a total row."""
    path = Path(__file__).parent / "fixtures" / "roster-excel97.xls"
    result = import_roster(str(path), world.community, file_name="居民名册.xls")
    assert result.created == 2, result
    assert [(r["row"], "电话" in r["reason"]) for r in result.rejected] == [(5, True)]
    zhao = Resident.objects.get(name="赵春兰")
    assert (zhao.birth_date, zhao.phone, zhao.household.room) == (date(1956, 4, 18), "13912345678", "302")
    qian = Resident.objects.get(name="钱国华")
    assert (qian.birth_date, qian.gender, qian.phone) == (date(1950, 3, 2), "M", "13912345679")


def test_a_file_without_a_name_column_is_refused_in_chinese(world, tmp_path):
    path = workbook(tmp_path, [["序号", "性别", "电话"], [1, "男", "13800138000"]])
    with pytest.raises(RosterError, match="姓名"):
        run(path, world.community)


def test_a_file_that_is_not_a_spreadsheet_is_refused_in_chinese(world, tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(b"this is not a workbook")
    with pytest.raises(RosterError, match="无法读取"):
        run(str(path), world.community)


# --- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        date(1950, 3, 2),
        datetime(1950, 3, 2),
        18324,
        "1950-03-02",
        "1950/3/2",
        "1950.3.2",
        "1950年3月2日",
        19500302,
        "19500302",
        "１９５０－０３－０２",
        " 1950 年 3 月 2 日 ",
    ],
)
def test_each_written_form_of_a_birth_date_is_read(world, tmp_path, written):
    path = workbook(tmp_path, [HEADER, row(birth=written)])
    result = run(path, world.community)
    assert not result.rejected
    assert Resident.objects.get(name="赵春兰").birth_date == date(1950, 3, 2)


@pytest.mark.parametrize(
    ("written", "precision", "shown"),
    [("1950-03", "month", "1950年3月"), ("1950年3月", "month", "1950年3月"), ("1950.3", "month", "1950年3月"),
     (1950.03, "month", "1950年3月"), (1950, "year", "1950年"), ("1950", "year", "1950年")],
)  # fmt: skip
def test_a_birth_date_to_the_month_or_year_is_kept_with_its_precision(world, tmp_path, written, precision, shown):
    result = run(workbook(tmp_path, [HEADER, row(birth=written)]), world.community)
    assert (result.created, result.rejected) == (1, [])
    person = Resident.objects.get(name="赵春兰")
    assert (person.birth_date.month, person.birth_precision, person.birth_written) == (
        3 if precision == "month" else 1,
        precision,
        shown,
    )


def test_a_birth_date_to_the_month_only_is_completed_from_the_id_number(world, tmp_path):
    path = workbook(tmp_path, [HEADER, row(birth="1950年3月", id_number=make_id("19500302", "002"))])
    result = run(path, world.community)
    assert not result.rejected
    assert Resident.objects.get(name="赵春兰").birth_date == date(1950, 3, 2)


def test_birth_date_and_gender_come_from_the_id_number(world, tmp_path):
    path = workbook(tmp_path, [HEADER, row(gender="", birth="", id_number=make_id("19480611", "013"))])
    run(path, world.community)
    person = Resident.objects.get(name="赵春兰")
    assert (person.birth_date, person.gender) == (date(1948, 6, 11), "M")


def test_a_birth_date_or_gender_that_contradicts_the_id_number_is_rejected_with_the_reason(world, tmp_path):
    rows = [
        HEADER,
        row(birth="1950-03-03", id_number=make_id("19500302", "002")),
        row(name="钱多多", gender="男", id_number=make_id("19560418", "004")),
    ]
    result = run(workbook(tmp_path, rows), world.community)
    assert result.created == 0
    assert result.rejected[0] == {
        "row": 2,
        "reason": "出生日期「1950-03-03」与身份证号中的出生日期（1950-03-02）不一致",
        "cells": [
            "赵春兰",
            "女",
            "1950-03-03",
            make_id("19500302", "002"),
            "13912345678",
            "环城北路93号1单元302",
        ],
    }
    assert result.rejected[1]["row"] == 3 and "性别「男」与身份证号（女）不一致" in result.rejected[1]["reason"]


# --- ID numbers and phones -------------------------------------------------------------------------


def test_id_numbers_with_spaces_dashes_full_width_digits_and_lower_case_x_are_normalised(world, tmp_path):
    spaced, dashed, wide, with_x = (
        make_id(seq="011"),
        make_id(seq="021"),
        make_id(seq="031"),
        id_ending_in_x(),
    )
    rows = [
        HEADER,
        row(name="甲", gender="", birth="", id_number=f"{spaced[:6]} {spaced[6:14]} {spaced[14:]}"),
        row(name="乙", gender="", birth="", id_number=f"{dashed[:6]}-{dashed[6:14]}-{dashed[14:]}"),
        row(
            name="丙",
            gender="",
            birth="",
            id_number=wide.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        ),
        row(name="丁", gender="", birth="", id_number=with_x.lower()),
    ]
    result = run(workbook(tmp_path, rows), world.community)
    assert not result.rejected
    stored = dict(Resident.objects.filter(name__in="甲乙丙丁").values_list("name", "id_number"))
    assert stored == {"甲": spaced, "乙": dashed, "丙": wide, "丁": with_x}


def test_an_id_number_stored_as_a_number_or_miscopied_is_rejected_with_a_chinese_reason(world, tmp_path):
    good = make_id("19500302", "002")
    miscopied = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [HEADER, row(birth="", id_number=int(good)), row(name="钱多多", birth="", id_number=miscopied)]
    result = run(workbook(tmp_path, rows), world.community)
    assert result.created == 0
    assert [r["row"] for r in result.rejected] == [2, 3]
    assert "身份证号被存成了数字，末几位已丢失" in result.rejected[0]["reason"]
    assert "身份证号校验位不对" in result.rejected[1]["reason"]


def test_phones_with_plus86_spaces_dashes_full_width_digits_and_numbers_are_normalised(world, tmp_path):
    phones = {
        "甲": "+86 138 0013 8001",
        "乙": "138-0013-8002",
        "丙": "１３８００１３８００３",
        "丁": 13800138004,
        "戊": "0086 13800138005",
        "己": "0734-8123456",
        "庚": "13800138007，13900139007",
    }
    rows = [HEADER] + [row(name=n, phone=p) for n, p in phones.items()]
    result = run(workbook(tmp_path, rows), world.community)
    assert not result.rejected
    assert dict(Resident.objects.filter(name__in=phones).values_list("name", "phone")) == {
        "甲": "13800138001",
        "乙": "13800138002",
        "丙": "13800138003",
        "丁": "13800138004",
        "戊": "13800138005",
        "己": "0734-8123456",
        "庚": "13800138007",
    }


def test_notes_in_brackets_after_a_name_or_phone_are_dropped(world, tmp_path):
    result = run(workbook(tmp_path, [HEADER, row(name="赵春兰（户主）", phone="13912345678(本人)")]), world.community)
    assert not result.rejected
    assert Resident.objects.get(name="赵春兰").phone == "13912345678"


def test_full_width_names_and_padded_names_are_cleaned(world, tmp_path):
    result = run(workbook(tmp_path, [HEADER, row(name="王  芳"), row(name="ＬＩ　Ｍｉｎｇ")]), world.community)
    assert result.created == 2
    assert set(Resident.objects.filter(name__in=["王芳", "LI Ming"]).values_list("name", flat=True)) == {
        "王芳",
        "LI Ming",
    }


# --- addresses and places ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "building", "stairwell", "room"),
    [
        ("环城北路93号2单元301", "环城北路93号", "2单元", "301"),
        ("3栋2单元501室", "3栋", "2单元", "501"),
        ("3-2-501", "3栋", "2单元", "501"),
        ("学宫巷3号1单元102室", "学宫巷3号", "1单元", "102"),
        ("３栋　２单元　５０１", "3栋", "2单元", "501"),
        ("衡阳市石鼓区环城北路93号1单元301", "环城北路93号", "1单元", "301"),
    ],
)
def test_building_stairwell_and_room_are_split_from_one_address_cell(
    world, tmp_path, address, building, stairwell, room
):
    result = run(workbook(tmp_path, [HEADER, row(address=address)]), world.community)
    assert not result.rejected
    home = Resident.objects.get(name="赵春兰").household
    assert (home.stairwell.building.name, home.stairwell.name, home.room) == (building, stairwell, room)
    assert Building.objects.filter(community=world.community, name="环城北路93号").count() == 1


def test_an_address_that_cannot_be_split_is_rejected_with_the_reason(world, tmp_path):
    rows = [HEADER, row(address="西湖新村小区"), row(name="钱多多", address=""), row(name="孙小梅")]
    result = run(workbook(tmp_path, rows), world.community)
    assert result.created == 1
    assert [r["row"] for r in result.rejected] == [2, 3]
    assert "住址「西湖新村小区」分不出楼栋、单元和房号" in result.rejected[0]["reason"]
    assert result.rejected[1]["reason"] == "没有填写住址（楼栋、单元、房号）"


def test_an_address_without_stairwell_uses_the_only_stairwell_of_a_known_building(world, tmp_path):
    rows = [HEADER, row(address="环城北路93号301室"), row(name="钱多多", address="人民路8号301")]
    result = run(workbook(tmp_path, rows), world.community)
    assert Resident.objects.get(name="赵春兰").household == world.household
    assert result.rejected[0]["row"] == 3
    assert "住址缺少单元号" in result.rejected[0]["reason"]


def test_unknown_buildings_stairwells_and_households_are_created_and_listed(world, tmp_path):
    rows = [
        HEADER,
        row(address="5栋1单元101"),
        row(name="钱多多", address="5栋2单元201"),
        row(name="孙小梅", address="环城北路93号1单元301"),
    ]
    result = run(workbook(tmp_path, rows), world.community)
    assert result.places_created == 5
    assert result.places == {
        "buildings": ["5栋"],
        "stairwells": ["5栋1单元", "5栋2单元"],
        "households": ["5栋1单元101室", "5栋2单元201室"],
    }
    assert Stairwell.objects.filter(building__name="5栋", community=world.community).count() == 2
    assert Household.objects.filter(stairwell=world.stairwell).count() == 1  # 301 already known


# --- bad rows, re-import, unchanged ----------------------------------------------------------------


def test_bad_rows_are_named_by_excel_row_number_and_good_rows_still_import(world, tmp_path):
    rows = [
        ["西湖新村社区居民名册"],
        [],
        HEADER,
        row(),  # row 5 (the table starts at B2 under a blank row)
        row(name="", birth="1960-01-01"),
        [],
        row(name="钱多多", phone="12345"),
        row(name="孙小梅", birth="1950-02-30"),
        row(name="李四", gender="未知"),
        row(name="周大勇", gender="男", birth="1955-01-01"),
    ]
    result = run(workbook(tmp_path, rows, start="B2"), world.community)
    assert result.created == 3
    assert [(r["row"], r["reason"]) for r in result.rejected] == [
        (6, "姓名为空"),
        (8, "电话号码位数不对：12345"),
        (9, "出生日期「1950-02-30」不存在"),
    ]
    assert result.warnings == [{"row": 10, "message": "性别应填“男”或“女”，现为「未知」，没有导入性别"}]


def test_reimport_with_id_numbers_updates_and_never_duplicates(world, tmp_path):
    liu_id = world.liu.id_number
    first = run(
        workbook(
            tmp_path,
            [
                HEADER,
                row(
                    name="刘光前",
                    gender="男",
                    birth="",
                    id_number=liu_id,
                    phone="13800138999",
                    address="环城北路93号1单元301",
                ),
            ],
        ),
        world.community,
    )
    assert (first.created, first.updated) == (0, 1)
    again = run(
        workbook(
            tmp_path,
            [
                HEADER,
                row(
                    name="刘光前",
                    gender="男",
                    birth="",
                    id_number=liu_id,
                    phone="13800138111",
                    address="学宫巷3号1单元502",
                ),
            ],
        ),
        world.community,
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 0)
    liu = Resident.objects.get(pk=world.liu.pk)
    assert (liu.phone, liu.household) == ("13800138111", world.household2)
    assert Resident.objects.filter(community=world.community, name="刘光前").count() == 1


def test_reimport_without_id_matches_name_birth_date_and_household(world, tmp_path):
    path = workbook(
        tmp_path,
        [HEADER, row(name="王秀英", birth="1953-07-09", phone="13912340000", address="环城北路93号1单元301")],
    )
    result = run(path, world.community)
    assert (result.created, result.updated) == (0, 1)
    assert Resident.objects.get(pk=world.wang.pk).phone == "13912340000"
    assert Resident.objects.filter(name="王秀英").count() == 1


def test_a_person_first_imported_without_id_gets_the_id_on_reimport(world, tmp_path):
    run(workbook(tmp_path, [HEADER, row()]), world.community)
    person_id = make_id("19560418", "002")
    result = run(workbook(tmp_path, [HEADER, row(id_number=person_id)]), world.community)
    assert (result.created, result.updated) == (0, 1)
    assert Resident.objects.get(name="赵春兰").id_number == person_id


def test_identical_data_counts_as_unchanged(world, tmp_path):
    rows = [HEADER + ["关爱标签", "政治面貌", "服务项目"]] + [
        row(name=f"居民{i}", phone=f"1380000{i:04d}", address=f"7栋1单元{100 + i}") + ["高龄", "中共党员", "理发"]
        for i in range(30)
    ]
    path = workbook(tmp_path, rows)
    first = run(path, world.community)
    assert (first.created, first.updated, first.unchanged) == (30, 0, 0)
    again = run(path, world.community)
    assert again.summary() == {
        "created": 0,
        "updated": 0,
        "unchanged": 30,
        "rejected": [],
        "warnings": [],
        "places_created": 0,
    }
    assert Resident.objects.filter(name__startswith="居民").count() == 30


def test_blank_cells_do_not_erase_what_is_registered(world, tmp_path):
    rows = [HEADER, [world.liu.name, "", "", world.liu.id_number, "", ""]]
    result = run(workbook(tmp_path, rows), world.community)
    assert result.unchanged == 1
    liu = Resident.objects.get(pk=world.liu.pk)
    assert (liu.phone, liu.birth_date, liu.household) == ("13800138000", date(1950, 3, 2), world.household)


def test_the_same_person_twice_in_one_file_is_rejected_the_second_time(world, tmp_path):
    person_id = make_id("19560418", "002")
    rows = [
        HEADER,
        row(id_number=person_id),
        row(id_number=person_id, phone="13900000000"),
        row(name="钱多多"),
        row(name="钱多多"),
    ]
    result = run(workbook(tmp_path, rows), world.community)
    assert result.created == 2
    assert [r["row"] for r in result.rejected] == [3, 5]
    assert "与第2行的身份证号相同" in result.rejected[0]["reason"]
    assert "与第4行的姓名、出生日期和住址都相同" in result.rejected[1]["reason"]


def test_rows_of_other_communities_are_never_touched(world, tmp_path):
    rows = [HEADER, row(name="陈外人", birth="", phone="13600136999", address="人民路1号1单元101")]
    result = run(workbook(tmp_path, rows), world.community)
    assert result.created == 1
    assert Resident.objects.get(pk=world.stranger.pk).phone == "13600136000"


# --- care tags and member records ------------------------------------------------------------------


def test_care_tags_are_split_created_as_needed_and_replaced_on_reimport(world, tmp_path):
    header = HEADER + ["人员类别"]
    run(workbook(tmp_path, [header, row() + ["独居老人、高龄,低保 残疾"]]), world.community)
    person = Resident.objects.get(name="赵春兰")
    assert set(person.care_tags.values_list("name", flat=True)) == {"独居老人", "高龄", "低保", "残疾"}
    assert CareTag.objects.filter(community=world.community, name="独居老人").count() == 1
    again = run(workbook(tmp_path, [header, row() + ["高龄"]]), world.community)
    assert again.updated == 1
    assert list(person.care_tags.values_list("name", flat=True)) == ["高龄"]
    run(workbook(tmp_path, [header, row() + ["无"]]), world.community)
    assert not person.care_tags.exists()


def test_party_member_columns_create_and_update_the_member_record(world, tmp_path):
    header = HEADER + ["政治面貌", "入党时间", "党员类别", "组织关系所在", "在职/退休", "服务项目"]
    first_row = row() + ["中共党员", "1980.7.1", "预备", "衡阳市第一中学党委", "退休", "理发、代买代办"]
    result = run(workbook(tmp_path, [header, first_row]), world.community)
    assert result.created == 1
    member = Member.objects.get(resident__name="赵春兰")
    assert (
        member.joined_on,
        member.standing,
        member.registration,
        member.registered_org,
        member.employment,
    ) == (date(1980, 7, 1), "probationary", "other", "衡阳市第一中学党委", "retired")
    assert set(member.service_items.values_list("name", flat=True)) == {"理发", "代买代办"}
    assert ServiceItem.objects.filter(community=world.community, name="代买代办").count() == 1
    second_row = row() + ["中共党员", "1980.7.1", "正式", "流动党员", "退休", "理发"]
    again = run(workbook(tmp_path, [header, second_row]), world.community)
    assert again.updated == 1
    member.refresh_from_db()
    assert (member.standing, member.registration, member.registered_org) == ("full", "mobile", "")
    assert list(member.service_items.values_list("name", flat=True)) == ["理发"]
    assert run(workbook(tmp_path, [header, second_row]), world.community).unchanged == 1


def test_is_party_member_yes_and_this_community_registration_make_a_local_member(world, tmp_path):
    header = HEADER + ["是否党员", "组织关系", "工作状态"]
    rows = [header, row() + ["是", "本社区党委", "在职"], row(name="钱多多") + ["否", "", ""]]
    run(workbook(tmp_path, rows), world.community)
    member = Member.objects.get(resident__name="赵春兰")
    assert (member.standing, member.registration, member.employment) == ("full", "local", "working")
    assert not Member.objects.filter(resident__name="钱多多").exists()


def test_an_existing_member_is_updated_not_duplicated(world, tmp_path):
    header = HEADER + ["政治面貌", "入党日期"]
    rows = [
        header,
        ["刘光前", "男", "", world.liu.id_number, "", "环城北路93号1单元301", "中共党员", "1975年7月1日"],
    ]
    result = run(workbook(tmp_path, rows), world.community)
    assert (result.updated, result.unchanged) == (0, 1)
    assert Member.objects.filter(resident=world.liu).count() == 1


# --- progress, audit, command line -----------------------------------------------------------------


def test_progress_is_reported_and_ends_at_the_total(world, tmp_path):
    rows = [HEADER] + [row(name=f"居民{i}", address=f"8栋1单元{i}") for i in range(1, 2501)]
    seen = []
    result = run(workbook(tmp_path, rows), world.community, progress=lambda done, total: seen.append((done, total)))
    assert result.created == 2500
    assert seen == [(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)]


def test_one_audit_entry_records_each_import_with_its_counts(world, tmp_path):
    run(
        workbook(tmp_path, [HEADER, row(), row(name="", birth="1960-01-01")]),
        world.community,
        actor=world.admin,
    )
    entry = AuditEntry.objects.get(action="import")
    assert (entry.community_id, entry.actor, entry.object_repr) == (
        world.community.pk,
        world.admin,
        "名册.xlsx",
    )
    assert entry.detail == {
        "file": "名册.xlsx",
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "warnings": 0,
        "places_created": 1,
    }


def test_command_prints_the_json_summary(world, tmp_path):
    path = workbook(tmp_path, [HEADER, row(), row(name="钱多多", phone="12345")])
    out = io.StringIO()
    call_command("import_roster", path, "--community", "xihu", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": [{"row": 3, "reason": "电话号码位数不对：12345"}],
        "warnings": [],
        "places_created": 1,
    }


def test_command_prints_a_chinese_summary_without_json(world, tmp_path):
    out = io.StringIO()
    call_command("import_roster", workbook(tmp_path, [HEADER, row()]), "--community", "xihu", stdout=out)
    assert "新增 1 人，更新 0 人" in out.getvalue()


@pytest.mark.parametrize(
    ("community", "file_kind", "message"),
    [
        ("nowhere", "good", "找不到社区代码为“nowhere”的社区"),
        ("xihu", "missing", "找不到文件"),
        ("xihu", "garbage", "无法读取这个文件"),
    ],
)
def test_command_exits_2_with_a_chinese_error(world, tmp_path, community, file_kind, message):
    path = {
        "good": workbook(tmp_path, [HEADER, row()]),
        "missing": str(tmp_path / "none.xlsx"),
        "garbage": str(tmp_path / "bad.xlsx"),
    }[file_kind]
    (tmp_path / "bad.xlsx").write_bytes(b"not a spreadsheet")
    err = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_roster", path, "--community", community, stderr=err, stdout=io.StringIO())
    assert exit_info.value.code == 2
    assert message in err.getvalue()
    assert not Resident.objects.filter(name="赵春兰").exists()
