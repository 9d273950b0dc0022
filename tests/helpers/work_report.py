"""A known history of requests in March 2025 for the work report and the stats API."""

import io
from datetime import date, datetime

from docx import Document

from helpers.worker import tallies
from loudong.lib.shanghai import SHANGHAI
from loudong.stats.period import Period
from loudong.tickets import actions

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


def place(w, when: datetime, category: str = "policy", building=None):
    building = building or w.building
    stairwell = w.stairwell if building == w.building else w.stairwell2
    return actions.place_request(
        community=w.community,
        building=building,
        stairwell=stairwell,
        category_code=category,
        description="楼道灯坏了，晚上看不见",
        contact_phone="13700137000",
        now=when,
    )


def taken(w, req, when: datetime):
    actions.dispatch(req, w.wang_member, by=w.leader, now=when)
    actions.accept(req, by=w.volunteer, now=when.replace(minute=30))
    return req


def build_history(w) -> None:
    """Five requests collected in March 2025 (Shanghai days), one on each side of it, and the worker's
    tallies of them."""
    plain = taken(w, place(w, at(3, 3, 9)), at(3, 3, 10))
    actions.resolve(plain, by=w.volunteer, resolution="online", reply="已电话答复", now=at(3, 3, 15))
    actions.confirm(plain, "satisfied", now=at(3, 3, 18))
    errand = taken(w, place(w, at(3, 5, 9), "environment"), at(3, 5, 10))
    actions.resolve(errand, by=w.volunteer, resolution="offline", reply="已清理", minutes=40, now=at(3, 6, 9))
    actions.confirm(errand, "basic", now=at(3, 6, 12))
    rejected = place(w, at(3, 7, 9), "environment")
    actions.reject(rejected, by=w.leader, reason="属于物业公司职责", now=at(3, 7, 10))
    reopened = taken(w, place(w, at(3, 10, 9), "hardship"), at(3, 10, 10))
    actions.resolve(reopened, by=w.volunteer, resolution="offline", reply="买好了药", minutes=30, now=at(3, 11, 9))
    actions.confirm(reopened, "unsatisfied", "买错了", now=at(3, 11, 12))
    place(w, datetime(2025, 3, 31, 23, 30, tzinfo=SHANGHAI))  # still March in Shanghai (15:30 UTC)
    place(w, datetime(2025, 4, 1, 0, 30, tzinfo=SHANGHAI))  # April
    place(w, datetime(2025, 2, 28, 23, 59, tzinfo=SHANGHAI))  # February
    tallies()  # the worker's minute: pages and reports read the tallies it counts


def docx_text(content: bytes) -> tuple[str, list]:
    """The paragraphs of a Word file as one text, and the document (for its tables)."""
    document = Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs), document
