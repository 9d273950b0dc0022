"""The honours register: admins add, change and delete; leaders read; others get 404; a person is
a registry resident or a typed name; an honoured resident can be invited to give a talk."""

from datetime import date, timedelta

import pytest
from django.urls import NoReverseMatch, reverse

from loudong.accounts.models import AuditEntry
from loudong.community_life.honours.models import Honour
from loudong.community_life.honours.views import talk_url


@pytest.fixture
def w(world):
    return world


def add(client, **values):
    data = {
        "title": "湖南好人",
        "awarded_on": "2025-09-01",
        "awarded_by": "中共湖南省委宣传部",
        "resident": "",
        "person_name": "",
        "note": "",
    }
    data.update(values)
    return client.post(reverse("honours:create", args=["xihu"]), data)


def test_the_admin_registers_an_honour_for_a_resident_in_the_registry(w, login):
    response = add(login(w.admin), resident=str(w.liu.pk), person_name="", note="三十年义务理发")
    assert response.status_code == 302
    honour = Honour.objects.get()
    assert (honour.resident, honour.person_name, honour.title, honour.awarded_on) == (
        w.liu,
        "刘光前",
        "湖南好人",
        date(2025, 9, 1),
    )
    assert AuditEntry.objects.filter(object_type="honour", action="create").exists()
    page = login(w.leader).get(reverse("honours:list", args=["xihu"])).content.decode()
    assert "刘光前" in page and "湖南好人" in page and "三十年义务理发" in page and "党员" in page


def test_a_person_outside_the_registry_is_registered_by_name(w, login):
    add(login(w.admin), title="衡阳市优秀衡阳群众", awarded_by="中共衡阳市委", person_name="李外婆")
    honour = Honour.objects.get()
    assert (honour.resident, honour.person_name) == (None, "李外婆")
    assert "名册外" in login(w.admin).get(reverse("honours:list", args=["xihu"])).content.decode()


def test_bad_input_gets_clear_messages_and_nothing_is_saved(w, login):
    client = login(w.admin)
    page = add(client, title="", awarded_on=str(date.today() + timedelta(days=3)), awarded_by="").content.decode()
    for message in ("请填写荣誉称号", "获得日期不能晚于今天", "请填写授予单位", "请在名册中选择获得者"):
        assert message in page
    page = add(client, resident=str(w.stranger.pk)).content.decode()  # a resident of another community
    assert "请在本社区居民名册中选择" in page
    assert Honour.objects.count() == 0


def test_the_admin_changes_and_deletes_an_honour(w, login):
    client = login(w.admin)
    assert "honour-titles" in client.get(reverse("honours:create", args=["xihu"])).content.decode()
    add(client, person_name="李外婆")
    honour = Honour.objects.get()
    page = client.get(reverse("honours:edit", args=["xihu", honour.pk])).content.decode()
    assert 'value="李外婆"' in page and 'value="" checked' in page
    client.post(reverse("honours:edit", args=["xihu", honour.pk]), {
        "title": "优秀共产党员", "awarded_on": "2024-07-01", "awarded_by": "中共石鼓区委", "resident": str(w.wang.pk),
        "person_name": "", "note": "",
    })  # fmt: skip
    honour.refresh_from_db()
    assert (honour.title, honour.resident, honour.person_name) == ("优秀共产党员", w.wang, "王秀英")
    page = client.get(reverse("honours:edit", args=["xihu", honour.pk])).content.decode()
    assert f'value="{w.wang.pk}" checked' in page
    client.post(reverse("honours:delete", args=["xihu", honour.pk]))
    assert Honour.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="honour", action="delete").exists()


def test_leaders_read_but_do_not_write_and_others_get_404(w, login):
    honour = Honour.objects.create(
        community=w.community,
        title="湖南好人",
        awarded_on=date(2025, 1, 1),
        awarded_by="省委宣传部",
        person_name="李外婆",
    )
    leader = login(w.leader)
    assert leader.get(reverse("honours:list", args=["xihu"])).status_code == 200
    assert leader.get(reverse("honours:create", args=["xihu"])).status_code == 404
    assert leader.post(reverse("honours:delete", args=["xihu", honour.pk])).status_code == 404
    for user in (w.volunteer, w.resident, w.outsider, w.overseer):
        assert login(user).get(reverse("honours:list", args=["xihu"])).status_code == 404
    assert login(w.outsider).get(reverse("honours:edit", args=["xihu", honour.pk])).status_code == 404
    assert Honour.objects.count() == 1


def test_the_people_search_finds_residents_of_the_community_only(w, login):
    client = login(w.admin)
    page = client.get(reverse("honours:people", args=["xihu"]) + "?q=lgq").content.decode()
    assert "刘光前" in page and f'value="{w.liu.pk}"' in page
    assert "陈外人" not in client.get(reverse("honours:people", args=["xihu"]) + "?q=陈").content.decode()


def test_an_honoured_resident_can_be_invited_to_give_a_talk(w, login):
    Honour.objects.create(
        community=w.community,
        title="湖南好人",
        awarded_on=date(2025, 1, 1),
        awarded_by="省委宣传部",
        resident=w.liu,
        person_name="刘光前",
    )
    Honour.objects.create(
        community=w.community,
        title="湖南好人",
        awarded_on=date(2025, 2, 1),
        awarded_by="省委宣传部",
        person_name="李外婆",
    )
    page = login(w.leader).get(reverse("honours:list", args=["xihu"])).content.decode()
    try:
        create = reverse("activities:create", args=["xihu"])
    except NoReverseMatch:
        assert "请TA宣讲" not in page
        return
    link = f"{create}?type=talk&amp;speaker={w.liu.pk}"
    assert link in page and page.count("请TA宣讲") == 1  # only for the person in the registry
    assert talk_url("xihu", None) is None


def test_honours_awarded_counts_each_title_in_the_period_for_the_stats(w):
    from loudong.community_life.honours.figures import honours_awarded

    given = (
        ("湖南好人", date(2026, 3, 1), w.community),
        ("湖南好人", date(2026, 6, 1), w.community),
        ("衡阳市优秀衡阳群众", date(2026, 5, 1), w.community),
        ("优秀共产党员", date(2025, 7, 1), w.community),
        ("湖南好人", date(2026, 4, 1), w.other),
    )
    for title, day, community in given:
        Honour.objects.create(community=community, title=title, awarded_on=day, awarded_by="省委", person_name="某人")
    assert honours_awarded([w.community.pk], date(2026, 1, 1), date(2026, 12, 31)) == [
        ("湖南好人", 2),
        ("衡阳市优秀衡阳群众", 1),
    ]
    assert honours_awarded([w.community.pk, w.other.pk], date(2026, 1, 1), date(2026, 3, 1)) == [("湖南好人", 1)]
    assert honours_awarded([], date(2026, 1, 1), date(2026, 12, 31)) == []
