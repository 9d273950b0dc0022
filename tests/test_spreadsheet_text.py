"""Every spreadsheet and report the platform writes keeps people's text as text: a contact name typed
on the public form as `=HYPERLINK(...)` must not become a live formula in an admin's Excel.

The exports are found in the URL configuration (every route that is an export or an .xlsx, or whose
view writes one); each is opened with openpyxl and no cell may be a formula."""

import inspect
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from helpers.activities import make_activity
from openpyxl import load_workbook

import loudong
from loudong.privacy import actions as privacy
from loudong.registry.models import ImportJob, ImportRow
from loudong.stats.held import HELD
from loudong.tickets import actions

LINK = '=HYPERLINK("http://e.x/","点")'
HOSTILE = {
    "contact": LINK,
    "resident": "=1+2",
    "note": "=cmd|' /C calc'!A0",
    "volunteer": "+SUM(1,2)",
    "building": "@SUM(1,2)",
    "group": "-2+3",
    "activity": "=1-1",
    "roster": '=IMPORTXML("http://e.x/","//a")',
}
FORMULA_STARTS = ("=", "+", "-", "@")


def view_source(view: object) -> str:
    try:
        return inspect.getsource(inspect.unwrap(view))
    except (TypeError, OSError):  # the API's views are partial objects: no spreadsheets there
        return ""


def export_routes() -> set[str]:
    """Every route (namespace:name) that hands out a spreadsheet, read from the URL configuration."""
    found = set()

    def walk(patterns: list, route: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = (
                    f"{namespace}:{pattern.namespace}"
                    if namespace and pattern.namespace
                    else (pattern.namespace or namespace)
                )
                walk(pattern.url_patterns, route + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                full = route + str(pattern.pattern)
                source = view_source(pattern.callback)
                if "export" in full or ".xlsx" in full or "xlsx" in source:
                    found.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "", "")
    return found


@pytest.fixture
def hostile(world):
    """A community whose people typed formulas everywhere they could."""
    w = world
    w.liu.name, w.liu.note = HOSTILE["resident"], HOSTILE["note"]
    w.liu.save()
    w.wang.name = HOSTILE["volunteer"]
    w.wang.save()
    w.building2.name = HOSTILE["building"]
    w.building2.save()
    w.group.name = HOSTILE["group"]
    w.group.save()
    for building, stairwell in ((w.building, w.stairwell), (w.building2, w.stairwell2)):
        req = actions.place_request(
            community=w.community,
            building=building,
            stairwell=stairwell,
            category_code="environment",
            description="楼道灯坏了好几天",
            contact_name=HOSTILE["contact"],
            contact_phone="13912345678",
        )
        actions.dispatch(req, w.wang_member, by=w.admin)
    make_activity(w, title=HOSTILE["activity"], starts=timezone.now() - timedelta(hours=3))
    # Copies of a person's data (个人信息保护法): one asked in person, one from the tracking link.
    w.copy_in_person = privacy.answer(privacy.record_in_person(w.liu, kind="copy", by=w.admin), by=w.admin)
    w.copy_by_link = privacy.answer(privacy.ask(req, kind="copy", phone="13912345678"), by=w.admin)
    w.job = ImportJob.objects.create(
        community=w.community,
        created_by=w.admin,
        original_name="名册.xlsx",
        status="done",
        result={"header": ["姓名", "电话"], "rejected": 1},
    )
    ImportRow.objects.create(
        job=w.job, kind="rejected", row_number=2, message="电话号码不对", cells=[HOSTILE["roster"], "+8613800138000"]
    )
    return w


def export_urls(w) -> dict[str, list[str]]:
    """How to open each export, for each route export_routes() finds."""
    today = timezone.localdate()
    period = f"?from={today.replace(day=1)}&to={today}"
    tables = ["figures", "category", "building", "group", "volunteer", "channel"]
    community, group = ["xihu"], ["xihu", w.group.pk]
    area = ["subdistrict", w.subdistrict.pk]
    return {
        "registry:residents_export": [reverse("registry:residents_export", args=community)],
        "registry:members_export": [reverse("registry:members_export", args=community)],
        "roster:rejected": [reverse("roster:rejected", args=["xihu", w.job.pk])],
        "roster:template": [reverse("roster:template", args=community)],
        "stats:records_export": [reverse("stats:records_export", args=[*community, "collected"]) + period],
        "stats:group_records_export": [reverse("stats:group_records_export", args=[*group, "collected"]) + period],
        "stats:export": [reverse("stats:export", args=[*community, t]) + period for t in tables],
        "stats:group_export": [reverse("stats:group_export", args=[*group, t]) + period for t in tables],
        "stats:held_export": [reverse("stats:held_export", args=[*community, k]) + period for k in HELD],
        "stats:group_held_export": [reverse("stats:group_held_export", args=[*group, k]) + period for k in HELD],
        "area_stats:records_export": [reverse("area_stats:records_export", args=[*area, "collected"]) + period],
        "area_stats:export": [reverse("area_stats:export", args=[*area, t]) + period for t in tables],
        "area_stats:held_export": [reverse("area_stats:held_export", args=[*area, k]) + period for k in HELD],
        ":audit_export": [reverse("audit_export", args=community)],
        "privacy:xlsx": [reverse("privacy:xlsx", args=[*community, w.copy_in_person.pk])],
        "privacy_public:xlsx": [
            reverse("privacy_public:xlsx", args=[w.copy_by_link.request.tracking_token, w.copy_by_link.pk])
        ],
    }


def opened(response) -> list:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return [cell for row in load_workbook(io.BytesIO(content)).active.iter_rows() for cell in row]


def test_every_spreadsheet_export_is_known_to_this_test(hostile):
    assert export_routes() == set(export_urls(hostile))


def test_no_export_holds_a_formula_whatever_people_typed(hostile, login):
    texts = []
    for route, urls in export_urls(hostile).items():
        persona = hostile.overseer if route.startswith("area_stats") else hostile.admin
        client = login(persona)
        for url in urls:
            response = client.get(url)
            if response.status_code == 404 and "/export/" in url:
                continue  # a table this place does not show (the volunteers' table to an overseer)
            assert response.status_code == 200, url
            for cell in opened(response):
                assert cell.data_type != "f", (url, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    assert cell.data_type == "s" and cell.quotePrefix, (url, cell.value)
                    texts.append(cell.value)
    # Each kind of hostile text did reach a spreadsheet, unchanged.
    assert set(HOSTILE.values()) <= set(texts)


def test_only_the_one_writer_makes_spreadsheets():
    root = Path(inspect.getfile(loudong)).parent
    writers = [
        str(path.relative_to(root)) for path in root.rglob("*.py") if "openpyxl" in path.read_text(encoding="utf-8")
    ]
    assert writers == ["lib/xlsx.py"]


def test_the_word_work_report_holds_people_text_as_plain_text(hostile, login):
    today = timezone.localdate()
    response = login(hostile.admin).get(
        reverse("stats:work_report", args=["xihu"]), {"from": today.replace(day=1), "to": today, "format": "docx"}
    )
    assert response.status_code == 200
    document = zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
    assert HOSTILE["group"] in document  # the group's name is in the report, as written
    assert "instrText" not in document and "fldSimple" not in document  # and no field code anywhere
