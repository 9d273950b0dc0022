"""The copy of a person's data (个人信息保护法 §45): a PDF whose Chinese text can be read back and an
.xlsx with a sheet per kind, gathered from every domain."""

import io
import subprocess

from helpers.activities import make_activity
from openpyxl import load_workbook

from loudong.community_life.activities import actions as activities
from loudong.notify import outbox
from loudong.privacy import actions as privacy
from loudong.privacy.copy import copy_pdf, copy_xlsx
from loudong.privacy.people import of_request, of_resident
from loudong.tickets import actions as tickets


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def zhang_with_data(w):
    req = tickets.place_request(
        community=w.community,
        building=w.building2,
        stairwell=w.stairwell2,
        category_code="policy",
        description="想问一下高龄津贴怎么申请",
        contact_name="张建国",
        contact_phone="13700137000",
    )
    outbox.notify_phone("13700137000", "您的点单已受理", community_id=w.community.pk)
    activity = make_activity(w, title="重阳节敬老活动")
    activities.sign_in(activity, name="张建国", building=w.building2, phone="13700137000")
    return req


def test_copy_pdf_holds_the_persons_data_as_text(world, tmp_path):
    req = zhang_with_data(world)
    person = of_resident(world.zhang)
    text = pdf_text(copy_pdf(person, community_name=world.community.name))
    flat = "".join(text.split())
    for expected in (
        "个人信息副本",
        "居民档案",
        "张建国",
        "13700137000",
        "1961年1月20日",
        "我提出的点单",
        req.number,
        "想问一下高龄津贴怎么申请",
        "活动签到",
        "重阳节敬老活动",
        "发给我的消息",
        "您的点单已受理",
    ):
        assert expected in flat, expected
    # The bundled Chinese font is embedded (loudong.lib.pdf), so the glyphs show on any machine.
    path = tmp_path / "copy.pdf"
    path.write_bytes(copy_pdf(person, community_name="x"))
    fonts = subprocess.run(["pdffonts", path], capture_output=True, check=True).stdout.decode()
    assert "Loudong-CJK" in fonts and " yes yes yes " in fonts


def test_copy_xlsx_has_a_sheet_per_kind_with_phones_as_text(world):
    req = zhang_with_data(world)
    book = load_workbook(io.BytesIO(copy_xlsx(of_resident(world.zhang))))
    assert {
        "居民档案",
        "住户",
        "我提出的点单",
        "点单经过",
        "走访我家",
        "活动签到",
        "发给我的消息",
        "关于我的审计日志",
        "个人信息申请",
    } <= set(book.sheetnames)
    record = list(book["居民档案"].values)
    assert record[0][0] == "姓名" and record[1][0] == "张建国" and record[1][3] == "13700137000"
    requests = list(book["我提出的点单"].values)
    assert requests[1][0] == req.number and requests[1][4] == "想问一下高龄津贴怎么申请"


def test_without_the_phone_the_copy_holds_that_request_only(world):
    req = zhang_with_data(world)
    tickets.place_request(
        community=world.community,
        building=world.building2,
        category_code="policy",
        description="第二件事",
        contact_name="张建国",
        contact_phone="13700137000",
    )
    book = load_workbook(io.BytesIO(copy_xlsx(of_request(req, whole=False))))
    assert "居民档案" not in book.sheetnames and "活动签到" not in book.sheetnames
    rows = list(book["我提出的点单"].values)
    assert [r[0] for r in rows[1:]] == [req.number]
    # With the phone proven: both requests, and the record.
    pdr = privacy.ask(req, kind="copy", phone="13700137000")
    whole = load_workbook(io.BytesIO(copy_xlsx(privacy.person_of(pdr))))
    assert "居民档案" in whole.sheetnames and len(list(whole["我提出的点单"].values)) == 3
