"""The leader's queue keeps what it learns per process (the category model, the national calendar) and
reads what changes often on every view: each of these tests changes the data behind a page already
shown and checks that the next view says what the new data says."""

import re

import pytest
from django.db import connection
from django.utils import timezone

from loudong.lib import workdays
from loudong.tickets import actions
from loudong.tickets.models import FINAL, OPEN, Request, Status

BASE = "/c/xihu/requests/"


def place(world, description, category="environment", **kwargs):
    return actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code=category,
        description=description,
        contact_name="张建国",
        contact_phone="13700137000",
        **kwargs,
    )


def card_of(page: str, req: Request) -> str:
    start = page.index(f'id="req-{req.pk}"')
    return page[start : page.index("</article>", start)]


def test_past_requests_with_a_new_word_change_the_suggested_category(world, login):
    asked = place(world, "无人机")
    client = login(world.leader)
    assert "类别可能是：困难需求" not in card_of(client.get(BASE).content.decode(), asked)

    # Triaged under 困难需求 (placed in bulk, as the intake does, then dispatched): the model learns the word.
    for text in ["无人机掉到阳台上了", "帮忙把无人机取下来", "无人机卡在树上"]:
        actions.dispatch(place(world, text, category="hardship"), world.wang_member, by=world.leader)
    assert "类别可能是：困难需求" in card_of(client.get(BASE).content.decode(), asked)


def test_a_rest_day_an_admin_adds_shortens_the_time_left_shown(world, login):
    req = place(world, "三楼楼道灯不亮")  # 环境卫生: 2 working days from today
    actions.dispatch(req, world.wang_member, by=world.leader)
    actions.accept(req, by=world.volunteer)
    leader = login(world.leader)

    def days_left() -> int:
        return int(re.search(r"还剩 (\d+) 个工作日", card_of(leader.get(BASE + "?tab=doing").content.decode(), req))[1])

    assert days_left() == 2
    day = timezone.localdate()
    while True:  # the first working day after today, which the deadline counts
        day += workdays.DAY
        if workdays.is_workday(day):
            break
    admin = login(world.admin)
    assert admin.post(BASE + "calendar/", {"date": day.isoformat(), "is_workday": "0"}).status_code == 302
    leader = login(world.leader)
    assert days_left() == 1


def test_a_similar_request_shows_as_a_duplicate_and_stops_when_it_is_rejected(world, login):
    first = place(world, "楼道堆放杂物很多")
    client = login(world.leader)
    assert "可能与" not in card_of(client.get(BASE).content.decode(), first)
    second = place(world, "楼道堆放杂物太多了")
    assert "可能与 1 条点单重复" in card_of(client.get(BASE).content.decode(), first)
    actions.reject(second, by=world.leader, reason="重复")
    assert "可能与" not in card_of(client.get(BASE).content.decode(), first)


def test_status_among_selects_like_status_in_and_refuses_unknown_statuses(world):
    place(world, "楼道堆放杂物很多")
    actions.reject(place(world, "医保报销怎么办", category="policy"), by=world.leader, reason="不属于本组")
    among = Request.objects.filter(status__among=OPEN)
    assert list(among) == list(Request.objects.filter(status__in=OPEN))
    assert [r.status for r in among] == [Status.SUBMITTED]
    with pytest.raises(ValueError):
        Request.objects.filter(status__among=["submitted'; DROP TABLE tickets_request; --"]).count()


def test_sqlite_uses_the_partial_indexes_for_the_queue(world):
    if connection.vendor != "sqlite":
        return  # PostgreSQL's planner matches bound parameters too
    queries = {
        "request_open_building": Request.objects.filter(building=world.building, status__among=OPEN)
        .order_by("-created_at", "-id")
        .values_list("id")[:200],
        "request_running_community_due": Request.objects.filter(community=world.community)
        .overdue()
        .order_by("due_at", "id"),
        "request_community_updated": Request.objects.filter(community=world.community, status__among=FINAL).order_by(
            "-updated_at", "-id"
        )[:30],
    }
    for index, query in queries.items():
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            assert index in " ".join(str(row) for row in cursor.fetchall())
