"""党史小黑板: members write short notes for their building, leaders and admins take them down,
the building's blackboard is readable by anyone who scans the poster, and the poster PDF is A4 or
A3 with real Chinese glyphs and a QR code back to the building's page."""

import subprocess
import tempfile

import pytest
from conftest import make_user
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from loudong.accounts.models import Role
from loudong.community_life.blackboard import actions
from loudong.community_life.blackboard.models import Note
from loudong.lib.actions import ActionRefused

BODY = "学习党史，重温入党誓词。老党员讲起当年在厂里带头加班抢修的故事，我们都很受教育，要把为人民服务落到楼栋里。"


@pytest.fixture
def w(world):
    return world


def note(w, **kwargs) -> Note:
    values = {"title": "重温入党誓词", "body": BODY, "building": w.building}
    values.update(kwargs)
    return actions.write(w.wang_member, by=w.volunteer, **values)


def pdf_info(pdf: bytes) -> tuple[str, str, str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True).stdout
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True).stdout
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
    return text, fonts, info


def test_a_member_writes_a_note_and_it_shows_on_the_buildings_blackboard(w, login):
    client = login(w.volunteer)
    response = client.post(
        reverse("blackboard:write", args=["xihu"]), {"title": "重温入党誓词", "body": BODY, "place": str(w.building.pk)}
    )
    assert response.status_code == 302
    saved = Note.objects.get()
    assert (saved.author, saved.author_name, saved.building, saved.group) == (w.wang_member, "王秀英", w.building, None)
    page = client.get(response.url).content.decode()
    assert "重温入党誓词" in page and "王秀英" in page


def test_bad_notes_are_refused_with_clear_messages(w, login):
    client = login(w.volunteer)
    url = reverse("blackboard:write", args=["xihu"])
    page = client.post(url, {"title": "", "body": "学" * 501, "place": str(w.building.pk)}).content.decode()
    assert "请写一个标题" in page and "小黑板写不下" in page
    page = client.post(url, {"title": "心得", "body": BODY, "place": str(w.building2.pk)}).content.decode()
    assert "请在列出的楼栋中选择" in page  # 学宫巷3号 is neither her building nor her group's
    with pytest.raises(ActionRefused, match="只能写给自己住的楼栋"):
        note(w, building=w.building2)
    assert Note.objects.count() == 0
    assert login(w.resident).get(url).status_code == 404  # not a party member


def test_a_group_note_shows_on_every_building_the_group_serves(w, client):
    group_note = note(w, building=None, title="全组学习：遵义会议")
    assert group_note.group == w.group
    page = client.get(reverse("blackboard:building", args=["xihu", w.building.pk])).content.decode()
    assert "全组学习：遵义会议" in page
    page = client.get(reverse("blackboard:building", args=["xihu", w.building2.pk])).content.decode()
    assert "全组学习：遵义会议" not in page


def test_the_buildings_blackboard_is_public_but_only_in_its_community(w, client):
    note(w)
    assert client.get(reverse("blackboard:building", args=["xihu", w.building.pk])).status_code == 200
    assert client.get(reverse("blackboard:building", args=["other", w.building.pk])).status_code == 404
    page = client.get(reverse("blackboard:building", args=["xihu", w.building.pk])).content.decode()
    assert "打印海报" not in page and "撤下" not in page  # nothing to do for a passer-by


def test_a_leader_takes_a_note_down_and_puts_it_back_and_a_volunteer_cannot(w, login):
    n = note(w)
    other_volunteer = make_user("zhou", Role.VOLUNTEER, community=w.community, group=w.group)
    with pytest.raises(ActionRefused):
        actions.hide(n, by=other_volunteer, reason="不喜欢")
    with pytest.raises(ActionRefused, match="原因"):
        actions.hide(n, by=w.leader, reason="")
    login(w.leader).post(
        reverse("blackboard:hide", args=["xihu", n.pk]), {"reason": "内容有错字，请改后重贴"}, follow=True
    )
    assert Note.objects.get().hidden
    board = reverse("blackboard:building", args=["xihu", w.building.pk])
    assert "重温入党誓词" not in Client().get(board).content.decode()
    assert "重温入党誓词" not in login(w.volunteer).get(reverse("blackboard:index", args=["xihu"])).content.decode()
    assert "内容有错字" in login(w.admin).get(reverse("blackboard:index", args=["xihu"])).content.decode()
    login(w.admin).post(reverse("blackboard:show", args=["xihu", n.pk]))
    assert not Note.objects.get().hidden
    assert login(w.outsider).post(reverse("blackboard:hide", args=["xihu", n.pk]), {"reason": "xx"}).status_code == 404


def test_the_author_may_withdraw_their_own_note(w, login):
    n = note(w)
    login(w.volunteer).post(reverse("blackboard:hide", args=["xihu", n.pk]), {"reason": ""})
    assert Note.objects.get().hidden_reason == "作者撤回"


def test_the_author_corrects_their_note_and_nobody_else_can(w, login):
    n = note(w)
    edit = reverse("blackboard:edit", args=["xihu", n.pk])
    client = login(w.volunteer)
    board = client.get(reverse("blackboard:building", args=["xihu", w.building.pk])).content.decode()
    assert f'href="{edit}"' in board and "撤回《重温入党誓词》" in board
    form = client.get(edit).content.decode()
    assert "修改学习心得" in form and "带头加班抢修" in form  # the text as it is, to correct
    response = client.post(edit, {"title": "  重温  入党誓词（二） ", "body": BODY.replace("加班", "连夜")})
    assert response.url == reverse("blackboard:building", args=["xihu", w.building.pk])
    n.refresh_from_db()
    assert (n.title, "连夜抢修" in n.body, n.building, n.author) == (
        "重温 入党誓词（二）",
        True,
        w.building,
        w.wang_member,
    )
    assert n.edited_at is not None
    assert "（已修改）" in Client().get(response.url).content.decode()
    # Refused with the reason, the note unchanged.
    page = client.post(edit, {"title": "短", "body": "太短了"}).content.decode()
    assert "学习心得至少写 10 个字" in page
    n.refresh_from_db()
    assert n.title == "重温 入党誓词（二）"
    # Not the author: the leader moderates but does not rewrite; an outsider does not see it.
    assert login(w.leader).get(edit).status_code == 404
    assert login(w.leader).post(edit, {"title": "改掉", "body": BODY}).status_code == 404
    assert login(w.outsider).get(edit).status_code == 404
    leader_board = login(w.leader).get(reverse("blackboard:building", args=["xihu", w.building.pk])).content.decode()
    assert f'href="{edit}"' not in leader_board
    # A note taken down stays as it was.
    actions.hide(n, by=w.leader, reason="内容有错字")
    with pytest.raises(ActionRefused, match="已撤下"):
        actions.edit(n, by=w.volunteer, title="再改", body=BODY)


@pytest.mark.parametrize(("size", "points"), [("A4", "595.276 x 841.89"), ("A3", "841.89 x 1190.55")])
def test_the_poster_is_a_chinese_pdf_in_the_chosen_size_with_a_qr_code_to_the_building(w, login, size, points):
    n = note(w)
    response = login(w.volunteer).get(reverse("blackboard:poster", args=["xihu", w.building.pk]) + f"?size={size}")
    assert response["Content-Type"] == "application/pdf"
    text, fonts, info = pdf_info(response.content)
    assert "党史小黑板" in text and n.title in text and "王秀英" in text and "环城北路93号" in text
    assert f"/c/xihu/blackboard/building/{w.building.pk}/" in text.replace("\n", "")
    assert "Loudong" in fonts or "WenQuanYi" in fonts or "wqy" in fonts.lower()
    assert points in info


def test_the_poster_needs_a_login_in_the_community(w, login, client):
    note(w)
    url = reverse("blackboard:poster", args=["xihu", w.building.pk])
    assert client.get(url).status_code == 302
    assert login(w.outsider).get(url).status_code == 404
    empty = login(w.leader).get(reverse("blackboard:poster", args=["xihu", w.building2.pk]))
    assert empty.status_code == 302  # nothing to print: back to the page with a message


def test_the_building_page_include_lists_the_latest_notes(w):
    note(w, title="第一条")
    note(w, title="第二条")
    html = Template("{% load blackboard %}{% blackboard_notes building %}").render(Context({"building": w.building}))
    assert "第一条" in html and "第二条" in html
    assert reverse("blackboard:building", args=["xihu", w.building.pk]) in html


def test_the_registry_building_page_shows_its_blackboard(w, login):
    note(w, title="学习二十大精神")
    page = login(w.admin).get(reverse("registry:building", args=["xihu", w.building.pk])).content.decode()
    assert "学习二十大精神" in page
