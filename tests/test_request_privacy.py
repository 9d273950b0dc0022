"""What residents see of other residents' requests, on every public screen, with the demo's real texts.

A household's matter (低保, a hospital visit, medicine) is never shown to a neighbour; nor is an
anonymous request or a 举报. A shared-place request is offered as an excerpt without rooms, names,
phones or ID numbers; whoever joins it (我也遇到) gets a link of their own to its status and the
note staff made public, never the requester's place, contact, photos, timeline or forms.
"""

import re
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from helpers.public_request import hidden, jpeg, send

from loudong.demo.request_texts import ASKS
from loudong.registry.models import Resident
from loudong.tickets import actions
from loudong.tickets.forms_public import join_token
from loudong.tickets.models import Request, Supporter

HOUSEHOLD_ASKS = [a for a in ASKS if a[0] in ("policy", "hardship")]  # 政策咨询, 困难需求: household by default
SHARED_ASKS = [a for a in ASKS if a[0] == "environment" and a[1] != "report"]
REQUESTER, PHONE, ID_NUMBER = "赵桂兰", "13611112222", "430407195509090027"
# What a requester wrote about themselves, put before a shared-place text (an excerpt shows the start).
PERSONAL = f"我是{REQUESTER}，住1单元301室，电话{PHONE}，身份证{ID_NUMBER}。"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def neighbourhood(world):
    """The demo's household asks placed by 赵桂兰 of 1单元301 in 环城北路93号, and its shared-place asks placed
    anonymously, as 举报, as a household matter by the resident's own choice, and one that may be offered."""
    zhao = Resident.objects.create(
        community=world.community, household=world.household, name=REQUESTER, phone=PHONE, id_number=ID_NUMBER
    )
    place = dict(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        household=world.household,
        contact_name=REQUESTER,
        contact_phone=PHONE,
        resident=zhao,
    )
    for category, kind, text, _, _ in HOUSEHOLD_ASKS:
        actions.place_request(category_code=category, kind=kind, description=PERSONAL + text, **place)
    hidden_away = []
    for index, (category, kind, text, _, _) in enumerate(SHARED_ASKS):
        way = ("anonymous", "report", "household")[index % 3]
        hidden_away.append(
            actions.place_request(
                category_code=category,
                kind="report" if way == "report" else kind,
                anonymous=way == "anonymous",
                scope="household" if way == "household" else "",
                description=PERSONAL + text,
                **place,
            )
        )
    offered = actions.place_request(
        category_code="environment",
        kind="complaint",
        description=PERSONAL + "楼道里堆满了纸箱和旧家具，走路都困难",
        **place,
    )
    return offered, hidden_away


def visible(response) -> str:
    """The page's text as a reader sees it (no attributes: tokens are random letters and digits)."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def assert_private(response, *requests: Request) -> None:
    """Nothing of these requests' requester, and no text of a request not offered, is on the page."""
    assert response.status_code == 200, response.status_code
    html, text = response.content.decode(), visible(response)
    for secret in (REQUESTER, "桂兰", "赵阿姨", PHONE, "1361111", ID_NUMBER, "301"):
        assert secret not in text, secret
    for req in requests:
        body = req.description.removeprefix(PERSONAL)
        assert body[:10] not in html and req.tracking_token not in html and req.number not in html


def household_and_hidden(world, neighbourhood) -> list[Request]:
    offered, hidden_away = neighbourhood
    return [r for r in Request.objects.all() if r.pk != offered.pk]


def walk(client, landing: str, category: str, description: str) -> list:
    """Every screen of the form from a landing page: 1, 2, and 2 refused without and with a description."""
    first = client.get(landing)
    second = send(client, {**hidden(first), "step": "1", "category": category})
    refused = send(client, {**hidden(second), "step": "2", "description": "", "contact_phone": "1"})
    again = send(client, {**hidden(second), "step": "2", "description": description, "contact_phone": "1"})
    assert "errorlist" in again.content.decode()
    return [first, second, refused, again]


@pytest.mark.parametrize("landing", ["building", "group", "member"])
def test_no_screen_of_the_form_shows_a_households_matter_or_an_anonymous_request_or_a_report(
    client, world, neighbourhood, landing
):
    url = {
        "building": f"/ask/b/{world.building.public_token}/",
        "group": f"/ask/g/{world.group.public_token}/",
        "member": f"/ask/m/{world.liu_member.public_token}/",
    }[landing]
    private = household_and_hidden(world, neighbourhood)
    for category, _, text, _, _ in [*HOUSEHOLD_ASKS, *SHARED_ASKS]:
        # Typing nearly the same words (not their start, which the check looks for: the resident's own
        # words are on their last screen).
        for page in walk(client, url, category, text[10:]):
            assert_private(page, *private)


def test_the_one_shared_place_request_is_offered_as_an_excerpt_without_anything_personal(client, world, neighbourhood):
    offered, _ = neighbourhood
    screens = walk(client, f"/ask/b/{world.building.public_token}/", "environment", "楼道里堆满了纸箱和旧家具")
    for page in screens[1:]:
        assert_private(page, *household_and_hidden(world, neighbourhood))
        shown = visible(page)
        assert "楼道里堆满了纸箱" in shown and "我是**" in shown
        assert len(re.findall(r'name="join"', page.content.decode())) == 1  # the only one offered


def join(client, world, req: Request, phone: str = ""):
    page = client.get(f"/ask/b/{world.building.public_token}/")
    page = send(client, {**hidden(page), "step": "1", "category": req.category_code})
    return client.post("/ask/join/", {**hidden(page), "join": join_token(req), "contact_phone": phone})


def test_the_joiners_page_shows_the_status_and_the_public_note_and_nothing_of_the_requester(
    client, world, neighbourhood
):
    offered, _ = neighbourhood
    actions.comment(offered, "我家的钥匙放在门口鞋柜里")  # the requester's own detail: never on a joiner's page
    photo = SimpleUploadedFile("a.jpg", jpeg())
    actions.comment(offered, "补一张照片", photos=[photo])
    joined = join(client, world, offered, "13922223333")
    assert joined.status_code == 302
    supporter = Supporter.objects.get(request=offered)
    assert joined["Location"] == f"/ask/s/{supporter.tracking_token}/"
    page = client.get(joined["Location"])
    assert_private(page)
    html, text = page.content.decode(), visible(page)
    content = html.split("<main", 1)[1]  # the page's own part (the top bar has the 长辈版 switch, a form)
    assert "您也遇到的事" in text and "待派单" in text and "楼道里堆满了纸箱" in text and "已有 1 位邻居也遇到" in text
    for never in (
        "钥匙",
        "<img",
        "<form",
        "补充情况",
        "提交评价",
        "办理经过",
        "王阿姨",
        offered.tracking_token,
        offered.number,
        "/photo/",
        "13922223333",
    ):
        assert never not in content, never

    actions.dispatch(offered, world.wang_member, by=world.leader)
    actions.accept(offered, by=world.volunteer)
    actions.pause_for_resident(offered, by=world.volunteer, question="请问赵阿姨301家里几点有人？")
    actions.publish(offered, "已联系物业，周五前清走赵桂兰家（301）门口的杂物。", by=world.volunteer)
    page = client.get(joined["Location"])
    assert_private(page)
    text = visible(page)
    assert "办理中" in text and "已联系物业，周五前清走**家（**）门口的杂物。" in text and "几点有人" not in text
    actions.resolve(
        offered, by=world.volunteer, resolution="offline", reply="已清理，301赵桂兰家门口也扫了", minutes=30
    )
    page = client.get(joined["Location"])
    assert_private(page)
    assert "已办好" in visible(page) and "门口也扫了" not in visible(page)


def test_a_request_corrected_to_a_households_matter_is_no_longer_offered_nor_shown_to_who_joined(
    client, world, neighbourhood
):
    offered, _ = neighbourhood
    link = join(client, world, offered)["Location"]
    token = join_token(offered)  # kept by a neighbour whose form was opened before the correction
    actions.set_scope(offered, "household", by=world.leader)
    private = [*household_and_hidden(world, neighbourhood), offered]
    for page in walk(client, f"/ask/b/{world.building.public_token}/", "environment", "纸箱和旧家具堵了楼道"):
        assert_private(page, *private)
        assert 'name="join"' not in page.content.decode()
    page = client.get(link)
    assert_private(page, offered)
    assert "详细内容只有办理的人能看到" in visible(page)
    page = send(
        client, {**hidden(client.get(f"/ask/b/{world.building.public_token}/")), "step": "1", "category": "environment"}
    )
    refused = client.post("/ask/join/", {**hidden(page), "join": token})
    assert refused.status_code == 410 and offered.supporters.count() == 1


def test_a_join_token_never_opens_a_households_matter_an_anonymous_request_or_a_report(client, world, neighbourhood):
    page = send(
        client, {**hidden(client.get(f"/ask/b/{world.building.public_token}/")), "step": "1", "category": "hardship"}
    )
    for req in household_and_hidden(world, neighbourhood):
        refused = client.post("/ask/join/", {**hidden(page), "join": join_token(req)})
        assert refused.status_code == 410
    assert not Supporter.objects.exists()


def test_joining_with_the_requesters_own_phone_says_nothing_about_whose_phone_it_is(client, world, neighbourhood):
    offered, _ = neighbourhood
    own = client.get(join(client, world, offered, PHONE)["Location"])
    other = client.get(join(client, world, offered, "13922223333")["Location"])
    assert "已记下" in visible(own) and "已记下" in visible(other)
    assert list(offered.supporters.values_list("contact_phone", flat=True).order_by("pk")) == ["", "13922223333"]


def test_the_resident_of_a_merged_duplicate_follows_the_other_request_as_a_supporter(client, world, neighbourhood):
    offered, _ = neighbourhood
    household_asks = Request.objects.filter(category_code="hardship").order_by("pk")
    target, duplicate = household_asks[0], household_asks[1]
    actions.merge(duplicate, target, by=world.leader)
    page = client.get(f"/ask/t/{duplicate.tracking_token}/")
    follow = re.search(r'href="(/ask/s/[^"]+/)">查看合并后的办理进度', page.content.decode()).group(1)
    assert target.tracking_token not in page.content.decode()
    followed = client.get(follow)
    assert_private(followed, target)
    assert "详细内容只有办理的人能看到" in visible(followed)


def test_a_shared_place_request_says_on_its_own_tracking_page_what_neighbours_see(client, world, neighbourhood):
    offered, hidden_away = neighbourhood
    assert "同楼邻居能看到去掉姓名、房号和电话的摘要" in visible(client.get(f"/ask/t/{offered.tracking_token}/"))
    assert "邻居看不到这件事" in visible(client.get(f"/ask/t/{hidden_away[0].tracking_token}/"))
