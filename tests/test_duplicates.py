"""Requests that may repeat one another: open, same building, alike in words."""

from loudong.tickets import actions
from loudong.tickets.suggest.duplicates import (
    for_public_form,
    jaccard,
    similarity,
    suggest_duplicates,
)


def place(world, text, category="environment", building=None, **extra):
    return actions.place_request(
        community=world.community,
        building=building or world.building,
        category_code=category,
        description=text,
        **extra,
    )


def test_jaccard_is_the_share_of_words_in_common():
    assert jaccard({"楼道", "杂物"}, {"楼道", "杂物"}) == 1
    assert jaccard({"楼道", "杂物"}, {"楼道", "垃圾"}) == 1 / 3
    assert jaccard(set(), {"楼道"}) == 0
    assert similarity("楼道里堆满杂物", "楼道堆满了杂物") > 0.5


def test_leader_is_offered_the_open_request_of_the_same_building_that_says_the_same(world):
    first = place(world, "三单元楼道堆放杂物，还有电动车，走路都困难")
    place(world, "下水道堵了污水冒出来")  # same building and category, different problem
    place(world, "楼道堆放杂物，电动车挡路", building=world.building2)  # another building
    second = place(world, "楼道里堆放了很多杂物和电动车")
    found = suggest_duplicates(second)
    assert [d.request for d in found] == [first]
    assert 0 < found[0].percent <= 100
    assert first not in [d.request for d in suggest_duplicates(first)]  # never itself


def test_closed_or_rejected_requests_are_not_offered(world):
    first = place(world, "楼道堆放杂物很多")
    actions.reject(first, by=world.leader, reason="已由物业清理")
    second = place(world, "楼道堆放杂物很多")
    assert suggest_duplicates(second) == []


def test_another_category_must_agree_more_to_be_offered(world):
    near = place(world, "楼道里的灯坏了好几天晚上看不见路", category="hardship")  # two thirds alike
    place(world, "三楼的灯坏了", category="hardship")  # a fifth alike: enough only within a category
    same_category = place(world, "三楼的灯坏了又坏了")
    second = place(world, "楼道灯坏了晚上看不见")
    assert [d.request for d in suggest_duplicates(second)] == [near, same_category]


def test_public_form_lists_the_buildings_open_requests_of_the_category_most_alike_first(world):
    older = place(world, "垃圾桶满了没人清运")
    newer = place(world, "楼前绿化带杂草太高")
    place(world, "医保报销怎么办", category="policy")
    assert [d.request for d in for_public_form(world.building.pk, "environment")] == [newer, older]
    assert [d.request for d in for_public_form(world.building.pk, "environment", "垃圾桶又满了")][0] == older


def test_public_form_lists_only_shared_place_requests_never_a_households(world):
    shared = place(world, "垃圾桶满了没人清运")
    place(world, "家里的垃圾没人帮忙倒", scope="household")
    assert [d.request for d in for_public_form(world.building.pk, "environment")] == [shared]
    assert for_public_form(world.building.pk, "hardship") == []
    place(world, "独居老人需要买药", category="hardship")  # 困难需求: a household's matter by default
    assert for_public_form(world.building.pk, "hardship") == []


def test_duplicate_suggestions_take_a_few_queries(world, django_assert_max_num_queries):
    for i in range(20):
        place(world, f"楼道堆放杂物第{i}次")
    req = place(world, "楼道堆放杂物")
    with django_assert_max_num_queries(3):  # the categories, the open texts, the matches
        assert len(suggest_duplicates(req)) == 5


def test_a_queue_page_of_requests_gets_its_duplicates_in_three_queries(world, django_assert_max_num_queries):
    from loudong.tickets.suggest.duplicates import suggest_duplicates_many

    first = place(world, "楼道堆放杂物很多")
    second = place(world, "楼道堆放杂物太多了")
    third = place(world, "医保报销怎么办", category="policy", building=world.building2)
    with django_assert_max_num_queries(3):
        found = suggest_duplicates_many([first, second, third])
    assert [d.request for d in found[first.pk]] == [second]
    assert [d.request for d in found[second.pk]] == [first]
    assert found[third.pk] == []


def test_the_queue_counts_duplicates_without_reading_them(world, django_assert_max_num_queries):
    from loudong.tickets.suggest.duplicates import count_duplicates_many, suggest_duplicates_many

    first = place(world, "楼道堆放杂物很多")
    second = place(world, "楼道堆放杂物太多了")
    third = place(world, "医保报销怎么办", category="policy", building=world.building2)
    with django_assert_max_num_queries(2):  # the categories, the open texts
        counts = count_duplicates_many([first, second, third])
    assert counts == {first.pk: 1, second.pk: 1, third.pk: 0}
    found = suggest_duplicates_many([first, second, third])
    assert counts == {pk: len(items) for pk, items in found.items()}
