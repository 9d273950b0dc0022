"""Search by characters, full pinyin or initials: "lgq" finds 刘光前, "zeng" finds 曾 as a surname."""

import pytest
from django.urls import reverse

from loudong.registry.models import Member, Resident


@pytest.fixture
def zeng(world):
    """曾 reads céng as a word but zēng as a surname."""
    resident = Resident.objects.create(community=world.community, household=world.household2, name="曾小贤")
    Member.objects.create(community=world.community, resident=resident)
    return resident


def found(user, query: str) -> set[str]:
    return set(Resident.objects.visible_to(user).search(query).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("刘光前", {"刘光前"}),
        ("光前", {"刘光前"}),
        ("liuguangqian", {"刘光前"}),
        ("guangqian", {"刘光前"}),
        ("liu", {"刘光前"}),
        ("lgq", {"刘光前"}),
        ("LGQ", {"刘光前"}),
        ("l g q", {"刘光前"}),
        ("lg", {"刘光前"}),
        ("zjg", {"张建国"}),
        ("wangxiuying", {"王秀英"}),
        ("8000", {"刘光前"}),
    ],
)
def test_search_finds_by_characters_full_pinyin_or_initials(world, query, names):
    assert found(world.admin, query) == names


def test_polyphonic_surname_is_found_by_its_surname_reading(world, zeng):
    assert found(world.admin, "zeng") == {"曾小贤"}
    assert found(world.admin, "zengxiaoxian") == {"曾小贤"}
    assert found(world.admin, "zxx") == {"曾小贤"}
    assert found(world.admin, "ceng") == set()


def test_no_match_finds_nobody(world):
    assert found(world.admin, "xyz") == set()
    assert found(world.admin, "欧阳") == set()


def test_empty_query_lists_everyone_in_scope(world):
    assert found(world.admin, "  ") == {"刘光前", "王秀英", "张建国"}


def test_search_never_reaches_outside_the_users_scope(world):
    assert found(world.outsider, "lgq") == set()
    assert found(world.leader, "zjg") == set()


def test_residents_page_finds_by_initials(world, login):
    response = login(world.admin).get(reverse("registry:residents", args=["xihu"]), {"q": "lgq"})
    assert [r.name for r in response.context["page"].object_list] == ["刘光前"]


def test_residents_page_explains_when_nothing_matches(world, login):
    response = login(world.admin).get(
        reverse("registry:residents", args=["xihu"]), {"q": "xyz"}, HTTP_HX_REQUEST="true"
    )
    assert "没有找到符合条件的居民" in response.content.decode()


def test_members_page_finds_members_by_pinyin(world, login, zeng):
    client = login(world.admin)
    address = reverse("registry:members", args=["xihu"])
    assert [m.resident.name for m in client.get(address, {"q": "zxx"}).context["page"].object_list] == ["曾小贤"]
    assert [m.resident.name for m in client.get(address, {"q": "liu"}).context["page"].object_list] == ["刘光前"]
    assert list(client.get(address, {"q": "zjg"}).context["page"].object_list) == []
