"""Volunteer hours: an errand done the whole way through the request workflow."""

from datetime import datetime, timedelta

from helpers.worker import tallies
from loudong.lib.shanghai import SHANGHAI
from loudong.tickets import actions as tickets

MARCH = datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI)  # a Monday


def errand(w, minutes: int, at: datetime, *, member=None, user=None, resolution="offline", category="policy"):
    """A request placed, dispatched, taken and resolved at `at` by the volunteer (王秀英 by default),
    and counted by the worker."""
    member, user = member or w.wang_member, user or w.volunteer
    req = tickets.place_request(
        community=w.community, building=w.building, stairwell=w.stairwell, category_code=category,
        description="帮忙去社区服务中心代办高龄津贴", contact_name="张建国", contact_phone="13700137000",
        now=at - timedelta(hours=3),
    )  # fmt: skip
    tickets.dispatch(req, member, by=w.leader, now=at - timedelta(hours=2))
    tickets.accept(req, by=user, now=at - timedelta(hours=1))
    req = tickets.resolve(req, by=user, resolution=resolution, reply="已陪同办理", minutes=minutes, now=at)
    tallies()  # the worker's minute: the hours ledger reads the errand minutes it counts
    return req
