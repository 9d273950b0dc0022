"""The roster corpus: every real-world layout imports every good row, names every bad row with its
spreadsheet row number and a Chinese reason, and importing it again creates nothing."""

import io
import json

import pytest
from django.core.management import call_command
from roster_corpus.layouts import CREATED, REFUSED, WARNING, Layout, all_layouts

from loudong.registry.models import Household, Member, Resident
from loudong.registry.roster.importer import import_roster

LAYOUTS = all_layouts()


def outcome_by_row(result) -> dict[int, tuple[str, str]]:
    rejected = {r["row"]: (REFUSED, r["reason"]) for r in result.rejected}
    warned = {w["row"]: (WARNING, w["message"]) for w in result.warnings}
    assert not rejected.keys() & warned.keys()
    return rejected | warned


def assert_outcomes(layout: Layout, result) -> None:
    seen = outcome_by_row(result)
    for row, (outcome, words) in layout.expected.items():
        if outcome == CREATED:
            assert row not in seen, f"{layout.name} row {row}: {seen.get(row)}"
        else:
            assert row in seen, f"{layout.name} row {row} should be {outcome} ({words})"
            assert seen[row][0] == outcome and words in seen[row][1], f"{layout.name} row {row}: {seen[row]}"
    assert set(seen) <= set(layout.expected), f"{layout.name}: unexpected rows {set(seen) - set(layout.expected)}"


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.file_name for layout in LAYOUTS])
def test_every_good_row_of_each_layout_is_imported_and_every_bad_row_named(world, tmp_path, layout):
    path = layout.save(tmp_path)
    result = import_roster(str(path), world.community, file_name=path.name)
    assert_outcomes(layout, result)
    imported = sum(1 for outcome, _w in layout.expected.values() if outcome != REFUSED)
    assert (result.created, result.updated, result.unchanged) == (imported, 0, 0)
    assert all(r["reason"] for r in result.rejected)

    again = import_roster(str(path), world.community, file_name=path.name)
    assert (again.created, again.updated, again.unchanged, again.places_created) == (0, 0, imported, 0)
    assert again.rejected == result.rejected and again.warnings == result.warnings


@pytest.mark.parametrize("layout", LAYOUTS, ids=[layout.file_name for layout in LAYOUTS])
def test_the_command_reads_each_format_and_prints_json(world, tmp_path, layout):
    path = layout.save(tmp_path)
    out = io.StringIO()
    call_command("import_roster", str(path), "--community", "xihu", "--json", stdout=out)
    summary = json.loads(out.getvalue())
    assert set(summary) == {"created", "updated", "unchanged", "rejected", "warnings", "places_created"}
    refused = sorted(row for row, (outcome, _w) in layout.expected.items() if outcome == REFUSED)
    warned = sorted(row for row, (outcome, _w) in layout.expected.items() if outcome == WARNING)
    assert [r["row"] for r in summary["rejected"]] == refused
    assert [w["row"] for w in summary["warnings"]] == warned
    assert summary["created"] == len(layout.expected) - len(refused)


def test_the_party_roster_keeps_month_dates_workplaces_and_the_first_member(world, tmp_path):
    layout = LAYOUTS[0]
    import_roster(str(layout.save(tmp_path)), world.community, file_name="党员花名册.xlsx")
    first = Resident.objects.get(name=layout.rows[3][1])
    assert (first.member.joined_written, first.member.joined_precision) == ("1975年7月", "month")
    assert (first.birth_written, first.member.employment) == ("1950年3月15日", "retired")  # day from the ID
    teacher = Resident.objects.get(name=layout.rows[4][1])
    assert (teacher.workplace, teacher.post, teacher.member.employment) == ("衡阳市第八中学", "教师", "working")
    assert (teacher.member.joined_written, teacher.member.registered_org) == ("1985年7月", "衡阳市第八中学党总支")
    nurse = Resident.objects.get(name=layout.rows[5][1])
    assert (nurse.workplace, nurse.post, nurse.member.joined_written) == ("石鼓区人民医院", "护士长", "2000年11月")
    trader = Resident.objects.get(name=layout.rows[6][1])
    assert (trader.workplace, trader.member.employment, trader.ethnicity) == ("个体", "working", "回族")
    assert trader.member.joined_written == "1985年7月"  # typed as the number 1985.07
    assert Resident.objects.get(name=layout.rows[7][1]).member.standing == "probationary"
    no_id = Resident.objects.get(name=layout.rows[11][1])
    assert (no_id.id_number, no_id.birth_written, no_id.birth_precision) == (None, "1949年10月", "month")
    assert no_id.education == "小学"


def test_households_are_grouped_by_household_number_with_relations_and_members(world, tmp_path):
    from roster_corpus.layouts import household_register

    layout = household_register()
    import_roster(str(layout.save(tmp_path)), world.community, file_name="居民信息登记表.xlsx")
    names = {row: cells[1] for row, cells in enumerate(layout.rows, start=1) if len(cells) > 1}
    head, wife, son, granddaughter = (Resident.objects.get(name=names[r]) for r in (3, 4, 5, 6))
    assert str(head.household) == "船山路63号2单元301室" and head.household.number == "001"
    assert {wife.household_id, son.household_id, granddaughter.household_id} == {head.household_id}
    assert [p.relation for p in (head, wife, son, granddaughter)] == ["head", "spouse", "child", "grandchild"]
    assert (head.member.standing, son.member.standing) == ("full", "probationary")
    assert not Member.objects.filter(resident__in=[wife, granddaughter]).exists()
    assert (son.workplace, son.post, son.education) == ("衡阳市第一人民医院", "医生", "大学本科")
    husband, mother, godchild = (Resident.objects.get(name=names[r]) for r in (8, 10, 11))
    assert (husband.relation, mother.relation, mother.education, godchild.relation) == (
        "spouse",
        "parent",
        "未上学",
        "",
    )
    assert Resident.objects.get(name=names[12]).phone == "0734-8221234"
    son_in_law = Resident.objects.get(name=names[14])
    assert str(son_in_law.household) == "学宫巷3号1单元202室"  # his own address, with a warning
    assert Household.objects.filter(community=world.community, number="003").count() == 1


def test_a_gbk_csv_household_roster_is_read_without_being_told_its_encoding(world, tmp_path):
    from roster_corpus.layouts import household_csv_gbk

    layout = household_csv_gbk()
    path = layout.save(tmp_path)
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    result = import_roster(str(path), world.community, file_name=path.name)
    assert result.created == 4
    head = Resident.objects.get(name=layout.rows[1][1])
    assert (str(head.household), head.birth_written, head.relation) == ("7栋1单元101室", "1956年4月18日", "head")
    assert Resident.objects.get(name=layout.rows[2][1]).household_id == head.household_id
