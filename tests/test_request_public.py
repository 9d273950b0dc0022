"""A resident places a request from a QR code in two screens and gets the receipt, with no account,
and follows it."""

import io
import re
import time

import pytest
from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from helpers.public_request import PHONE, hidden, jpeg, screen1, send, submit, submit_and_read_receipt
from PIL import Image

from loudong.registry.models import Stairwell
from loudong.tickets import actions
from loudong.tickets.intake import drain
from loudong.tickets.models import Intake, Request, RequestEvent, Supporter


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (28.0, 53.0, 30.0)
    gps[3] = "E"
    gps[4] = (112.0, 34.0, 10.0)
    return jpeg(exif=exif.tobytes())


def screen2(client, world, **extra):
    """Send screen 2 (after screen 1) with `extra`: the page answered, screen 2 again when refused."""
    sent = submit(client, screen1(client, world), **extra)
    return client.get(sent["Location"]) if sent.status_code in (302, 303) else sent


# A household matter sent without its phone is refused: screen 2 again, with its draft photos.
NO_PHONE = {"scope": "household", "contact_phone": ""}


def refused_again(client, sent):
    assert sent.status_code == 303
    return client.get(sent["Location"])


def test_building_qr_code_opens_the_first_screen_with_the_policy_categories(client, world):
    page = client.get(f"/ask/b/{world.building.public_token}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "您要办什么事" in text and "环城北路93号" in text
    for name in ["政策咨询", "环境卫生", "困难需求"]:
        assert name in text
    assert page["X-Robots-Tag"].startswith("noindex")


def test_resident_places_a_request_in_two_screens_and_gets_a_receipt(client, world):
    page = screen1(client, world)
    text = page.content.decode()
    assert "需要什么帮助" in text and "怎么联系您" in text and "用途说明" in text and "第 2 步，共 2 步" in text
    done = submit(client, page, scope="household", description="家门口堆满了纸箱和旧家具", room="301")
    assert done.status_code == 302
    # Acknowledged as one intake row; the request (its number) is made when the receipt is opened.
    row = Intake.objects.get()
    assert done["Location"] == f"/ask/t/{row.tracking_token}/receipt/" and not Request.objects.exists()
    receipt = client.get(done["Location"]).content.decode()
    req = Request.objects.get()
    assert Intake.objects.get().request == req and req.tracking_token == row.tracking_token
    assert (req.building, req.stairwell, req.room) == (world.building, world.stairwell, "301")
    assert req.household == world.household  # the room matched a registered household
    assert (req.category_code, req.category_name, req.kind) == ("environment", "环境卫生", "help")
    assert req.scope == "household"
    assert (req.contact_name, req.contact_phone, req.channel) == ("王阿姨", PHONE, "qr")
    assert req.group == world.group and req.status == Request.Status.SUBMITTED
    assert req.number in receipt and f"/ask/t/{req.tracking_token}/" in receipt
    assert "截图" in receipt


def test_consult_is_the_default_kind_for_policy_questions_and_a_chosen_kind_wins(client, world):
    page = screen1(client, world, category="policy")
    assert "政策咨询 · 咨询" in page.content.decode()
    page = client.get(f"/ask/b/{world.building.public_token}/")
    page = send(client, {**hidden(page), "step": "1", "category": "environment", "kind": "complaint"})
    assert "环境卫生 · 投诉" in page.content.decode()


def test_each_screen_refuses_missing_answers_in_chinese_and_keeps_what_was_typed(client, world):
    page = client.get(f"/ask/b/{world.building.public_token}/")
    refused = send(client, {**hidden(page), "step": "1"})
    assert "请选择要办什么事" in refused.content.decode()

    page = screen1(client, world, category="hardship")
    refused = refused_again(client, submit(client, page, description="", room="502", contact_name="", contact_phone=""))
    text = refused.content.decode()
    assert "还没有写内容，请说说需要什么帮助" in text and 'value="502"' in text
    assert "请写上怎么称呼您" in text and "家中的事要留电话" in text

    refused = refused_again(client, submit(client, refused, contact_phone="123"))
    text = refused.content.decode()
    assert "电话" in text and "errorlist" in text
    assert 'value="123"' in text and 'value="王阿姨"' in text  # what was typed is shown again to be corrected
    assert "楼道里堆满了纸箱" in text  # the description stays
    assert Request.objects.count() == 0 and Intake.objects.count() == 0


def test_a_shared_place_matter_needs_no_contact_and_keeps_no_room(client, world):
    page = screen1(client, world)  # 环境卫生: usually a shared place
    assert 'id="scope-shared" value="shared" checked' in page.content.decode()
    req = submit_and_read_receipt(client, page, room="301", contact_name="", contact_phone="")
    assert (req.scope, req.room, req.household, req.contact_phone) == ("shared", "", None, "")
    assert req.stairwell == world.stairwell  # the building's only stairwell, never asked


def test_the_group_code_of_one_building_never_asks_the_building_and_knows_the_stairwell(client, world):
    other = Stairwell.objects.create(community=world.community, building=world.building, name="2单元")
    page = client.get(f"/ask/g/{world.group.public_token}/")
    assert "您住哪栋楼" not in page.content.decode()
    page = send(client, {**hidden(page), "step": "1", "category": "environment"})
    checked = re.compile(r'id="stairwell-(\d+)" value="\d+"\s*(checked)?')
    assert dict(checked.findall(page.content.decode())) == {str(world.stairwell.pk): "checked", str(other.pk): ""}
    # From the building's own code both are offered and none is chosen for the resident.
    offered = dict(checked.findall(screen1(client, world).content.decode()))
    assert offered == {str(world.stairwell.pk): "", str(other.pk): ""}


def test_going_back_keeps_every_answer(client, world):
    page = screen1(client, world)
    typed = {"description": "垃圾桶满了好几天没人清运", "contact_name": "李叔", "contact_phone": PHONE}
    back = send(client, {**hidden(page), "step": "2", "back": "1", **typed})
    text = back.content.decode()
    assert "您要办什么事" in text and re.findall(r'value="(\w+)"\s*checked', text) == ["environment"]
    forward = send(client, {**hidden(back), "step": "1", "category": "environment"})
    text = forward.content.decode()
    assert "垃圾桶满了好几天没人清运" in text and 'value="李叔"' in text and f'value="{PHONE}"' in text


def test_photos_lose_their_gps_and_camera_data(client, world):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    photo = SimpleUploadedFile("gps.jpg", original, content_type="image/jpeg")
    page = screen2(client, world, new_photos=[photo], **NO_PHONE)
    thumbnail = re.search(r'<img src="(/ask/draft-photo/[^"]+)" alt="照片 1"', page.content.decode()).group(1)
    assert client.get(thumbnail)["Content-Type"] == "image/jpeg"
    stored = submit_and_read_receipt(client, page).photos.get()
    with stored.image.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        assert image.format == "JPEG"
        assert not image.getexif() and "exif" not in image.info
    assert not default_storage.listdir("ask-drafts")[1]  # the draft is removed once the request is saved


def test_photos_are_capped_by_size_type_and_count(client, world, settings):
    text_file = SimpleUploadedFile("note.txt", b"not a picture", content_type="text/plain")
    refused = screen2(client, world, new_photos=[text_file]).content.decode()
    assert "不是能识别的照片" in refused and "jpg、png 或 webp" in refused

    gif = io.BytesIO()
    Image.new("RGB", (8, 8)).save(gif, "GIF")
    refused = screen2(client, world, new_photos=[SimpleUploadedFile("a.gif", gif.getvalue())]).content.decode()
    assert "格式不支持" in refused

    big = SimpleUploadedFile("big.jpg", jpeg() + b"\0" * (5 * 1024 * 1024), content_type="image/jpeg")
    refused = screen2(client, world, new_photos=[big]).content.decode()
    assert "超过 5 MB" in refused

    four = [SimpleUploadedFile(f"{i}.jpg", jpeg()) for i in range(4)]
    refused = screen2(client, world, new_photos=four).content.decode()
    assert "最多上传 3 张照片" in refused


def test_a_filled_honeypot_is_refused_in_chinese_and_nothing_typed_is_lost(client, world):
    page = screen1(client, world)
    refused = refused_again(client, submit(client, page, website="http://spam.example"))
    text = refused.content.decode()
    assert "网址" in text and "留空" in text
    assert 'value="王阿姨"' in text and "楼道里堆满了纸箱" in text
    assert Request.objects.count() == 0
    assert submit(client, refused).status_code == 302


def test_a_form_sent_faster_than_three_seconds_is_refused_until_sent_again(client, world, monkeypatch, settings):
    settings.REQUEST_MIN_FILL_SECONDS = 3
    page = screen1(client, world)
    fresh = signing.dumps(time.time(), salt="ask.started")
    refused = refused_again(client, submit(client, page, started=fresh))
    assert "太快" in refused.content.decode()
    assert Request.objects.count() == 0
    later = time.time() + 5
    monkeypatch.setattr("loudong.tickets.forms_public.time.time", lambda: later)
    data = {**hidden(refused), "step": "2", "description": "楼道里堆满了纸箱", "contact_phone": PHONE}
    data["started"] = re.search(r'name="started" value="([^"]+)"', refused.content.decode()).group(1)
    assert client.post("/ask/place/", data).status_code == 302


def test_a_tampered_origin_is_refused(client, world):
    refused = client.post("/ask/place/", {"origin": "forged", "step": "1"})
    assert refused.status_code == 400 and "重新扫" in refused.content.decode()


def test_a_building_of_no_group_still_takes_requests(client, world):
    page = client.get(f"/ask/b/{world.building2.public_token}/")
    assert page.status_code == 200


def test_group_notice_board_code_offers_the_groups_buildings(client, world):
    world.stairwell2.group = world.group
    world.stairwell2.save()
    page = client.get(f"/ask/g/{world.group.public_token}/").content.decode()
    assert "您住哪栋楼" in page and "环城北路93号" in page and "学宫巷3号" in page and "环城北路93号党小组" in page
    refused = send(
        client, {**hidden(client.get(f"/ask/g/{world.group.public_token}/")), "step": "1", "category": "policy"}
    )
    assert "请选择您住的楼栋" in refused.content.decode()


def test_volunteer_contact_card_suggests_the_request_to_that_volunteer(client, world):
    page = client.get(f"/ask/m/{world.wang_member.public_token}/")
    assert "王秀英" in page.content.decode() and "便民联系卡" in page.content.decode()
    page = send(client, {**hidden(page), "step": "1", "category": "hardship"})
    assert f'name="stairwell" value="{world.stairwell.pk}"' in page.content.decode()
    assert submit(client, page, description="老人腿脚不便，想请人帮忙买药").status_code == 302
    assert drain() == 1  # the worker's round places it
    event = RequestEvent.objects.get(kind="suggested")
    assert event.data["suggested_member_id"] == world.wang_member.pk


def test_neighbour_joins_an_open_request_with_i_have_this_too_and_gets_a_link_of_their_own(client, world):
    first = actions.place_request(
        community=world.community,
        building=world.building,
        category_code="environment",
        description="楼道里堆满了纸箱和旧家具，走路都困难，房号301门口",
        contact_name="刘光前",
        contact_phone="13900001111",
    )
    page = screen1(client, world)
    text = page.content.decode()
    assert "同楼邻居已经反映了这些事" in text and 'name="join"' in text
    assert "房号**门口" in text and "301" not in text.split("同楼邻居已经反映了这些事")[1].split("</section>")[0]
    token = re.search(r'name="join" value="([^"]+)"', text).group(1)
    joined = client.post("/ask/join/", {**hidden(page), "join": token, "contact_phone": PHONE})
    supporter = Supporter.objects.get()
    assert joined["Location"] == f"/ask/s/{supporter.tracking_token}/"
    assert supporter.contact_phone == PHONE and supporter.request == first
    first.refresh_from_db()
    assert first.support_count == 1 and Request.objects.count() == 1
    text = client.get(joined["Location"]).content.decode()
    assert "已记下" in text and "您也遇到的事" in text and "待派单" in text
    assert first.tracking_token not in text and first.number not in text


def test_reports_and_anonymous_requests_are_never_shown_to_neighbours(client, world):
    for kind, anonymous in [("report", False), ("complaint", True)]:
        actions.place_request(
            community=world.community,
            building=world.building,
            category_code="environment",
            description="有人在楼道里私拉电线充电",
            kind=kind,
            anonymous=anonymous,
        )
    text = screen1(client, world).content.decode()
    assert 'name="join"' not in text and "私拉电线" not in text


def test_joining_needs_a_token_the_form_gave(client, world):
    req = actions.place_request(
        community=world.community, building=world.building, category_code="environment", description="垃圾桶满了"
    )
    forged = client.post("/ask/join/", {"join": str(req.pk)})
    assert forged.status_code == 410 and Supporter.objects.count() == 0


def test_once_a_description_is_typed_only_requests_like_it_are_shown(client, world):
    actions.place_request(
        community=world.community,
        building=world.building,
        category_code="environment",
        description="楼道里堆满纸箱和旧家具",
    )
    actions.place_request(
        community=world.community,
        building=world.building,
        category_code="environment",
        description="下水道堵了污水冒出来",
    )
    text = screen2(client, world, description="楼道里堆着旧家具和纸箱", **NO_PHONE).content.decode()
    assert "这几件和您写的很像" in text and "旧家具" in text.split("这几件和您写的很像")[1]
    assert "下水道" not in text


def test_photo_uploads_count_against_the_rate_limit(client, world, settings):
    settings.RATE_LIMITS = {"ask_client": (1, 3600)}
    assert screen2(client, world, new_photos=[SimpleUploadedFile("a.jpg", jpeg())], **NO_PHONE).status_code == 200
    refused = screen2(client, world, new_photos=[SimpleUploadedFile("b.jpg", jpeg())], **NO_PHONE)
    assert refused.status_code == 429
    assert not default_storage.exists("ask-drafts") or len(default_storage.listdir("ask-drafts")[1]) == 1


def test_submissions_over_the_rate_limit_get_429_in_chinese(client, world, settings):
    settings.RATE_LIMITS = {"ask_client": (1, 3600)}
    page = screen1(client, world)
    assert submit(client, page).status_code == 302
    refused = submit(client, page)
    assert refused.status_code == 429 and "请" in refused.content.decode()
    assert Intake.objects.count() == 1


# Following it: the tracking link -------------------------------------------------------------------


@pytest.fixture
def placed(world):
    return actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="hardship",
        description="独居老人需要买药，腿脚不方便下楼",
        contact_name="王阿姨",
        contact_phone=PHONE,
    )


def track(client, req) -> str:
    response = client.get(f"/ask/t/{req.tracking_token}/")
    assert response.status_code == 200
    return response.content.decode()


def test_tracking_page_says_the_status_in_plain_words_and_shows_only_public_events(client, world, placed):
    text = track(client, placed)
    assert placed.number in text and "待派单" in text and "正在等楼栋党小组安排志愿者" in text
    actions.dispatch(placed, world.wang_member, by=world.leader)
    actions.decline(placed, by=world.volunteer, reason="这周我在外地，办不了")
    actions.dispatch(placed, world.wang_member, by=world.leader)
    actions.accept(placed, by=world.volunteer)
    text = track(client, placed)
    assert "志愿者正在办理" in text and "王秀英（党员志愿者）" in text and "志愿者已接单" in text
    assert "这周我在外地" not in text  # a volunteer's reason for giving it back stays with the staff
    assert PHONE not in text  # the phone is not shown on a page reached by a link


def test_unknown_tracking_link_is_404(client, world):
    assert client.get("/ask/t/no-such-token/").status_code == 404


def test_resident_answers_the_volunteers_question_and_the_clock_resumes(client, world, placed):
    actions.dispatch(placed, world.wang_member, by=world.leader)
    actions.accept(placed, by=world.volunteer)
    actions.pause_for_resident(placed, by=world.volunteer, question="要买哪几种药？请写药名")
    text = track(client, placed)
    assert "志愿者问您" in text and "要买哪几种药" in text
    refused = client.post(f"/ask/t/{placed.tracking_token}/reply/", {"note": ""})
    assert refused.status_code == 400 and "请写上您的回复" in refused.content.decode()
    answered = client.post(f"/ask/t/{placed.tracking_token}/reply/", {"note": "硝苯地平和阿司匹林"})
    assert answered.status_code == 302
    placed.refresh_from_db()
    assert placed.status == Request.Status.ACCEPTED and placed.paused_at is None
    text = track(client, placed)
    assert "已收到您的回复" in text and "硝苯地平和阿司匹林" in text


def test_resident_adds_details_while_it_is_open(client, world, placed):
    client.post(f"/ask/t/{placed.tracking_token}/reply/", {"note": "下午三点以后家里有人"})
    assert placed.events.filter(kind="commented", note="下午三点以后家里有人").exists()
    assert "下午三点以后家里有人" in track(client, placed)


def resolve(world, req):
    actions.dispatch(req, world.wang_member, by=world.leader)
    actions.accept(req, by=world.volunteer)
    actions.resolve(req, by=world.volunteer, resolution="offline", reply="药已买好送到家", minutes=30)


def test_resident_confirms_and_rates_a_resolved_request(client, world, placed):
    resolve(world, placed)
    text = track(client, placed)
    assert "请您确认并评价" in text and "药已买好送到家" in text and "线下跑腿" in text
    done = client.post(f"/ask/t/{placed.tracking_token}/rate/", {"rating": "satisfied", "comment": "谢谢"})
    assert done.status_code == 302
    placed.refresh_from_db()
    assert (placed.status, placed.rating, placed.rating_comment) == (Request.Status.CLOSED, "satisfied", "谢谢")
    text = track(client, placed)
    assert "谢谢您的评价" in text and "请您确认并评价" not in text and "满意" in text


def test_unsatisfied_needs_a_reason_and_reopens_the_request(client, world, placed):
    resolve(world, placed)
    refused = client.post(f"/ask/t/{placed.tracking_token}/rate/", {"rating": "unsatisfied"})
    assert refused.status_code == 400 and "哪里还没有解决" in refused.content.decode()
    client.post(f"/ask/t/{placed.tracking_token}/rate/", {"rating": "unsatisfied", "comment": "少买了一种药"})
    placed.refresh_from_db()
    assert placed.status == Request.Status.ACCEPTED and placed.reopen_count == 1
    text = track(client, placed)
    assert "重新办理" in text and "少买了一种药" in text


def test_rating_twice_is_refused_with_a_chinese_message(client, world, placed):
    resolve(world, placed)
    client.post(f"/ask/t/{placed.tracking_token}/rate/", {"rating": "satisfied"})
    again = client.post(f"/ask/t/{placed.tracking_token}/rate/", {"rating": "unsatisfied", "comment": "改主意"})
    assert again.status_code == 400 and "这条点单现在是“已办结”，不能评价" in again.content.decode()
    placed.refresh_from_db()
    assert placed.rating == "satisfied"


def test_a_rejected_request_shows_its_reason(client, world, placed):
    actions.reject(placed, by=world.leader, reason="这件事请联系物业公司办理")
    text = track(client, placed)
    assert "不予受理" in text and "这件事请联系物业公司办理" in text


def test_photos_are_seen_only_through_their_own_requests_link(client, world):
    req = submit_and_read_receipt(client, screen1(client, world), new_photos=[SimpleUploadedFile("a.jpg", jpeg())])
    photo = req.photos.get()
    other = actions.place_request(
        community=world.community, building=world.building, category_code="policy", description="医保报销怎么办"
    )
    assert client.get(f"/ask/t/{req.tracking_token}/photo/{photo.pk}/").status_code == 200
    assert client.get(f"/ask/t/{other.tracking_token}/photo/{photo.pk}/").status_code == 404


# Back: every screen is a page opened by GET ---------------------------------------------------------


def test_each_screen_is_opened_by_get_after_a_redirect_so_back_never_sends_the_form_again(client, world):
    landing = client.get(f"/ask/b/{world.building.public_token}/")
    sent = client.post("/ask/place/", {**hidden(landing), "step": "1", "category": "hardship"})
    assert sent.status_code == 303 and re.fullmatch(r"/ask/place/[\w-]{12}/2/", sent["Location"])
    key = sent["Location"].split("/")[3]
    second = client.get(sent["Location"])
    typed = {"description": "想请人陪我去医院复查", "room": "502", "contact_name": "王阿姨"}
    sent = client.post("/ask/place/", {**hidden(second), "step": "2", **typed})  # no phone yet
    assert sent.status_code == 303 and sent["Location"] == f"/ask/place/{key}/2/"
    assert "家中的事要留电话" in client.get(sent["Location"]).content.decode()
    sent = client.post("/ask/place/", {**hidden(second), "step": "2", "back": "1", **typed})  # 上一步
    assert sent.status_code == 303 and sent["Location"] == f"/ask/place/{key}/1/"
    assert re.findall(r'value="(\w+)"\s*checked', client.get(sent["Location"]).content.decode()) == ["hardship"]
    # Opened again (the phone's Forward, or Back after 下一步): what was typed, with no errors.
    back = client.get(f"/ask/place/{key}/2/").content.decode()
    assert "需要什么帮助" in back and "想请人陪我去医院复查" in back and 'value="502"' in back
    assert 'value="王阿姨"' in back and "errorlist" not in back
    first = client.get(f"/ask/b/{world.building.public_token}/").content.decode()
    assert re.findall(r'value="(\w+)"\s*checked', first) == ["hardship"]
    assert f'name="draft" value="{key}"' in first


def test_after_sending_the_screens_lead_to_the_receipt_and_the_landing_page_starts_afresh(client, world):
    page = screen1(client, world)
    key = hidden(page)["draft"]
    done = submit(client, page)
    assert done.status_code == 302 and "/receipt/" in done["Location"]
    again = client.get(f"/ask/place/{key}/2/").content.decode()
    assert "这份点单已经提交了" in again and done["Location"] in again
    assert not re.findall(
        r'value="(\w+)"\s*checked', client.get(f"/ask/b/{world.building.public_token}/").content.decode()
    )


def test_an_unknown_or_expired_draft_asks_to_scan_again(client, world):
    gone = client.get("/ask/place/AAAAAAAAAAAA/2/")
    assert gone.status_code == 410 and "重新扫" in gone.content.decode()
