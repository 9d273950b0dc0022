"""长辈版 (elder mode): where the choice comes from (?elder=, the account, the `elder` cookie), how the top
bar's switch keeps it, and what changes on the page: a class on <html> drawn by the server, one more
style sheet, the leader's and volunteer's home as a few big tiles."""

import re

from conftest import PASSWORD
from django.urls import reverse

from loudong.accounts.models import User

ELDER_HTML = '<html lang="zh-CN" class="elder">'
STANDARD_HTML = '<html lang="zh-CN">'


def test_a_visitor_sees_the_standard_mode_with_a_switch_to_elder_mode(client, world):
    page = client.get(reverse("login")).content.decode()
    assert STANDARD_HTML in page and "css/elder.css" not in page
    assert re.search(r'<button type="submit" class="link" id="elder-switch">长辈版</button>', page)


def test_a_qr_link_with_elder_1_opens_in_elder_mode_and_the_browser_remembers_it(client, world):
    response = client.get(reverse("login") + "?elder=1")
    page = response.content.decode()
    assert ELDER_HTML in page and "css/elder.css" in page and ">标准版</button>" in page
    assert response.cookies["elder"].value == "1" and response.cookies["elder"]["max-age"] == 365 * 24 * 3600
    assert ELDER_HTML in client.get(reverse("login")).content.decode()  # the cookie, with no parameter

    response = client.get(reverse("login") + "?elder=0")
    assert STANDARD_HTML in response.content.decode() and response.cookies["elder"].value == "0"
    assert STANDARD_HTML in client.get(reverse("login")).content.decode()


def test_the_switch_posts_back_to_the_same_page_without_the_parameter(client, world):
    response = client.post(reverse("elder_toggle"), {"elder": "1", "next": "/accounts/login/?next=/x/&elder=0"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fx%2F"
    assert response.cookies["elder"].value == "1"
    # the page's switch leads back to where it was, without ?elder= (which would undo the switch)
    page = client.get(reverse("login") + "?elder=1&next=/c/xihu/").content.decode()
    assert 'name="next" value="/accounts/login/?next=%2Fc%2Fxihu%2F"' in page
    assert '<input type="hidden" name="elder" value="0">' in page


def test_the_switch_goes_nowhere_outside_the_site(client, world):
    response = client.post(reverse("elder_toggle"), {"elder": "1", "next": "https://example.org/"})
    assert response["Location"] == reverse("home")


def test_the_switch_refuses_a_get(client, world):
    assert client.get(reverse("elder_toggle") + "?elder=1").status_code == 405


def test_a_signed_in_users_choice_is_kept_on_the_account_for_every_device(client, world, login):
    login(world.volunteer)
    client.post(reverse("elder_toggle"), {"elder": "1", "next": "/"})
    world.volunteer.refresh_from_db()
    assert world.volunteer.elder_mode is True

    elsewhere = type(client)()  # another phone: no cookie, the same account
    elsewhere.force_login(world.volunteer)
    response = elsewhere.get(reverse("community", args=["xihu"]))
    assert ELDER_HTML in response.content.decode()

    elsewhere.get(reverse("community", args=["xihu"]) + "?elder=0")
    world.volunteer.refresh_from_db()
    assert world.volunteer.elder_mode is False


def test_a_choice_made_on_this_browser_wins_over_the_account(client, world):
    User.objects.filter(pk=world.leader.pk).update(elder_mode=True)
    client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert ELDER_HTML in client.get(reverse("community", args=["xihu"])).content.decode()  # never chosen here
    client.cookies["elder"] = "0"  # 标准版 was chosen on this browser before login
    assert STANDARD_HTML in client.get(reverse("community", args=["xihu"])).content.decode()


def test_in_elder_mode_the_leaders_home_is_four_big_tiles_and_a_way_to_everything(client, world, login):
    User.objects.filter(pk=world.leader.pk).update(elder_mode=True)
    login(User.objects.get(pk=world.leader.pk))
    page = client.get(reverse("community", args=["xihu"])).content.decode()
    tiles = re.findall(r'<a class="elder-tile" href="([^"]+)"><strong>([^<]+)</strong>', page)
    assert [label for _, label in tiles] == ["派单", "我的接单", "我的包户", "议事会"]
    assert [url for url, _ in tiles][0] == reverse("tickets:queue", args=["xihu"])
    assert "我的党小组：<strong>环城北路93号党小组</strong>" in page
    assert 'id="menu"' not in page and 'id="figures"' not in page  # the full page is one tap away
    assert '<a class="btn secondary full" href="?all=1#menu">全部功能</a>' in page
    everything = client.get(reverse("community", args=["xihu"]) + "?all=1").content.decode()
    assert 'id="menu"' in everything and 'id="figures"' in everything and ELDER_HTML in everything


def test_in_elder_mode_the_volunteers_home_is_their_four_main_actions(client, world, login):
    login(world.volunteer)
    page = client.get(reverse("community", args=["xihu"]) + "?elder=1").content.decode()
    labels = re.findall(r'<a class="elder-tile" href="[^"]+"><strong>([^<]+)</strong>', page)
    assert labels == ["我的接单", "我的包户", "代居民点单", "我的服务时长"]


def test_the_admins_home_keeps_the_whole_menu_in_elder_mode(client, world, login):
    login(world.admin)
    page = client.get(reverse("community", args=["xihu"]) + "?elder=1").content.decode()
    assert ELDER_HTML in page and "elder-tile" not in page and 'id="menu"' in page


def test_the_top_bar_in_elder_mode_has_only_home_messages_the_switch_and_logout(client, world, login):
    login(world.leader)
    standard = client.get(reverse("community", args=["xihu"]) + "?elder=0").content.decode()
    elder = client.get(reverse("community", args=["xihu"]) + "?elder=1").content.decode()
    for page in (standard, elder):
        assert ">首页</a>" in page and ">消息" in page and ">退出</button>" in page
    assert ">派单</a>" in standard and ">改密码</a>" in standard
    header = elder.split("</header>")[0]
    assert ">派单</a>" not in header and ">改密码</a>" not in header
