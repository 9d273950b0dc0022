"""QR links name an unguessable, stable token (issue 15, hole 7): counting /ask/m/1/, /ask/m/2/ ...
no longer shows every volunteer's name and building; old numeric links of buildings and groups
redirect until LOUDONG_NUMERIC_QR_LINKS_UNTIL, a member's never shows the volunteer."""

import re
from datetime import timedelta

import pytest

from loudong.groups.models import BuildingGroup
from loudong.groups.printing.content import board_of, cards_of, group_members
from loudong.lib.qr import qr_data_uri
from loudong.lib.shanghai import today
from loudong.registry.models import Building, Member
from loudong.registry.public_links import new_public_token

NAMES = ("刘光前", "王秀英", "张建国", "陈外人")


def shows_a_name(content: bytes) -> bool:
    page = content.decode()
    return any(name in page for name in NAMES)


@pytest.fixture
def transition(settings):
    """Old numeric links answer until the day after tomorrow."""
    settings.NUMERIC_QR_LINKS_UNTIL = today() + timedelta(days=2)
    return settings


def test_tokens_are_long_distinct_and_never_all_digits(world):
    tokens = [new_public_token() for _ in range(2000)]
    assert len(set(tokens)) == 2000
    assert all(len(t) >= 22 and not t.isdigit() and re.fullmatch(r"[\w-]+", t) for t in tokens)
    rows = [*Building.objects.all(), *BuildingGroup.objects.all(), *Member.objects.all()]
    assert len({r.public_token for r in rows}) == len(rows) and all(len(r.public_token) >= 22 for r in rows)


def test_the_token_is_stable_across_saves(world):
    before = world.wang_member.public_token
    world.wang_member.publish_phone = True
    world.wang_member.save()
    world.wang_member.refresh_from_db()
    assert world.wang_member.public_token == before


@pytest.mark.parametrize("until", [None, "transition"])
def test_counting_member_numbers_shows_no_volunteer(client, world, settings, until):
    if until:
        settings.NUMERIC_QR_LINKS_UNTIL = today() + timedelta(days=2)
    last = Member.objects.order_by("-pk").first().pk
    answers = set()
    for number in range(1, last + 5):
        page = client.get(f"/ask/m/{number}/")
        assert page.status_code == 404 and not shows_a_name(page.content), number
        assert "这张联系卡是旧的" in page.content.decode()
        # The CSRF token is masked afresh each time; the top bar's and footer's links name the page asked for.
        same = re.sub(rb'"X-CSRFToken": "\w+"|name="csrfmiddlewaretoken" value="\w+"', b"", page.content)
        answers.add(same.replace(f"/ask/m/{number}/".encode(), b"/ask/m/N/"))
    assert len(answers) == 1  # the same answer whether the number is a member's or not


def test_the_member_token_link_opens_the_card(client, world):
    page = client.get(f"/ask/m/{world.wang_member.public_token}/")
    assert page.status_code == 200 and "王秀英" in page.content.decode()


@pytest.mark.parametrize("kind", ["b", "g", "m"])
def test_a_wrong_token_is_not_found_and_leaks_nothing(client, world, kind):
    real = {"b": world.building, "g": world.group, "m": world.wang_member}[kind].public_token
    for wrong in (real[:-1] + ("A" if real[-1] != "A" else "B"), "x" * 22, real[:10]):
        page = client.get(f"/ask/{kind}/{wrong}/")
        assert page.status_code == 404 and not shows_a_name(page.content)
        assert "环城北路93号" not in page.content.decode()


def test_old_building_and_group_links_redirect_until_the_date(client, world, transition):
    building = client.get(f"/ask/b/{world.building.pk}/")
    assert building.status_code == 302 and building["Location"] == f"/ask/b/{world.building.public_token}/"
    group = client.get(f"/ask/g/{world.group.pk}/")
    assert group.status_code == 302 and group["Location"] == f"/ask/g/{world.group.public_token}/"
    assert client.get(group["Location"]).status_code == 200
    missing = client.get(f"/ask/b/{Building.objects.order_by('-pk').first().pk + 1}/")
    assert missing.status_code == 404 and "二维码已经停用" in missing.content.decode()
    transition.NUMERIC_QR_LINKS_UNTIL = today()  # the last day still redirects
    assert client.get(f"/ask/b/{world.building.pk}/").status_code == 302


def test_old_links_are_refused_after_the_date_with_a_page_saying_what_to_scan(client, world, settings):
    for until in (None, today() - timedelta(days=1)):
        settings.NUMERIC_QR_LINKS_UNTIL = until
        for path in (f"/ask/b/{world.building.pk}/", f"/ask/g/{world.group.pk}/"):
            page = client.get(path)
            assert page.status_code == 404, path
            text = page.content.decode()
            assert "二维码已经停用" in text and "公示栏" in text and "环城北路93号" not in text


def test_printed_board_and_cards_carry_the_token_link_not_the_number(world, settings):
    settings.PUBLIC_URL = "https://loudong.example.cn"
    group = group_members(BuildingGroup.objects.filter(pk=world.group.pk)).get()
    board = board_of(group)
    assert board.url == f"https://loudong.example.cn/ask/g/{world.group.public_token}/"
    assert board.qr == qr_data_uri(board.url, scale=8)
    cards = {card.name: card for card in cards_of(group)}
    assert cards["王秀英"].url == f"https://loudong.example.cn/ask/m/{world.wang_member.public_token}/"
    assert cards["王秀英"].qr == qr_data_uri(cards["王秀英"].url, scale=4)
    for card in cards.values():
        assert not re.search(r"/ask/[bgm]/\d+/", card.url)
