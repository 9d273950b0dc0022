"""A known history of requests in November 2026, written with the real workflow actions, for the
figures, tallies, dashboards and API."""

from datetime import datetime

from helpers.worker import tallies
from loudong.lib.shanghai import SHANGHAI
from loudong.stats.models import AreaTally, AreaTrend, ErrandDay, ErrandMonth, ErrandWeek, LocalTally
from loudong.stats.period import Period
from loudong.tickets import actions
from loudong.tickets.models import Request

NOV = Period.month(2026, 11)
NOW = datetime(2026, 12, 10, 10, 0, tzinfo=SHANGHAI)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def place(w, when: datetime, building=None, **kwargs) -> Request:
    building = building or w.building
    stairwell = w.stairwell if building == w.building else w.stairwell2
    return actions.place_request(
        community=w.community,
        building=building,
        stairwell=stairwell,
        category_code=kwargs.pop("category_code", "policy"),
        description="楼道灯坏了，晚上看不见",
        contact_phone="13700137000",
        now=when,
        **kwargs,
    )


def handled(w, req: Request, day: int, month: int = 11) -> Request:
    """Dispatched at 9:30 and taken at 10:00 of the day."""
    actions.dispatch(req, w.wang_member, by=w.leader, now=at(month, day, 9, 30))
    actions.accept(req, by=w.volunteer, now=at(month, day, 10))
    return req


def resolved(w, req: Request, when: datetime, resolution: str = "offline") -> Request:
    return actions.resolve(req, by=w.volunteer, resolution=resolution, reply="已经修好了", minutes=30, now=when)


def build_history(w):
    """Thirteen requests collected in November 2026, one on each side of it (see the test names),
    and the worker's tallies of them."""
    h = {}
    # 1: the plain road: taken at once, answered online, confirmed 满意.
    h["plain"] = resolved(w, handled(w, place(w, at(11, 2, 9)), 2), at(11, 3, 10), "online")
    actions.confirm(h["plain"], "satisfied", now=at(11, 3, 12))
    # 2: an errand, 基本满意.
    h["basic"] = resolved(w, handled(w, place(w, at(11, 4, 9)), 4), at(11, 4, 15))
    actions.confirm(h["basic"], "basic", now=at(11, 4, 16))
    # 3: 不满意 reopens it; resolved again online and confirmed 满意: counted once, latest way and rating.
    h["reopened"] = resolved(w, handled(w, place(w, at(11, 5, 9)), 5), at(11, 5, 12))
    actions.confirm(h["reopened"], "unsatisfied", "还是漏", now=at(11, 5, 13))
    resolved(w, h["reopened"], at(11, 6, 10), "online")
    actions.confirm(h["reopened"], "satisfied", now=at(11, 6, 11))
    # 4: 不满意 reopened it and it is still being worked on, past its new deadline.
    h["reopened_open"] = resolved(w, handled(w, place(w, at(11, 9, 9)), 9), at(11, 9, 12), "online")
    actions.confirm(h["reopened_open"], "unsatisfied", "没解决", now=at(11, 9, 14))
    # 5: a duplicate of 4, merged into it.
    h["merged"] = place(w, at(11, 10, 9))
    actions.merge(h["merged"], h["reopened_open"], by=w.leader, now=at(11, 10, 10))
    # 6: 不予受理.
    h["rejected"] = place(w, at(11, 11, 9))
    actions.reject(h["rejected"], by=w.leader, reason="属于物业合同纠纷", now=at(11, 11, 10))
    # 7: dispatched, escalated before anyone took it, resolved by the admin, closed unrated after 3 days.
    h["escalated"] = place(w, at(11, 12, 9))
    actions.dispatch(h["escalated"], w.wang_member, by=w.leader, now=at(11, 12, 9, 30))
    actions.escalate(h["escalated"], by=w.leader, reason="需要社区协调", now=at(11, 12, 11))
    actions.resolve(h["escalated"], by=w.admin, resolution="offline", reply="社区已协调", now=at(11, 13, 10))
    actions.close_unrated(h["escalated"], now=at(11, 16, 11))
    # 8: taken after the response limit and resolved after the deadline, 满意.
    h["late"] = place(w, at(11, 16, 9))
    actions.dispatch(h["late"], w.wang_member, by=w.leader, now=at(11, 16, 9, 30))
    actions.accept(h["late"], by=w.volunteer, now=at(11, 18, 9))
    resolved(w, h["late"], at(11, 25, 10))
    actions.confirm(h["late"], "satisfied", now=at(11, 25, 12))
    # 9: 23:30 Beijing time on 30 November (15:30 UTC): November's; never touched.
    h["last_evening"] = place(w, at(11, 30, 23, 30))
    # 11: taken, then given back; nobody took it again.
    h["declined"] = handled(w, place(w, at(11, 17, 9)), 17)
    actions.decline(h["declined"], by=w.volunteer, reason="我这周住院", now=at(11, 17, 12))
    # 12: waiting for the resident's answer (paused: not overdue).
    h["waiting"] = handled(w, place(w, at(11, 19, 9)), 19)
    actions.pause_for_resident(h["waiting"], by=w.volunteer, question="是几楼的灯？", now=at(11, 19, 11))
    # 13: in a building no group serves; never touched.
    h["no_group"] = place(w, at(11, 20, 9), building=w.building2, category_code="environment")
    # Outside November: 23:50 on 31 October (resolved in November) and 00:00 on 1 December.
    h["october"] = resolved(w, handled(w, place(w, at(10, 31, 23, 50)), 2), at(11, 2, 12))
    actions.confirm(h["october"], "satisfied", now=at(11, 2, 13))
    h["december"] = place(w, at(12, 1, 0, 0))
    w.h = h
    tallies()  # the worker's minute: pages read the tallies it counts
    return w


def tally_rows() -> list[tuple]:
    """Every tally row, without ids, in a fixed order."""
    area = sorted(
        AreaTally.objects.values_list(
            "community_id",
            "span",
            "start",
            "category_code",
            "collected",
            "resolved",
            "overdue",
            "response_rate_den",
            "followup_rate_num",
        )
    )
    local = sorted(
        LocalTally.objects.values_list(
            "start",
            "building_id",
            "group_id",
            "assignee_id",
            "collected",
            "taken",
            "confirmed",
            "rated",
            "on_time_rate_den",
        ),
        key=str,
    )
    errands = sorted(ErrandDay.objects.values_list("day", "served_on", "member_id", "minutes"))
    weeks = sorted(ErrandWeek.objects.values_list("start", "member_id", "minutes"))
    months = sorted(ErrandMonth.objects.values_list("start", "member_id", "minutes"))
    trend = sorted(AreaTrend.objects.values_list("community_id", "span", "start", "collected", "resolved"))
    return [*area, *local, *errands, *weeks, *months, *trend]
