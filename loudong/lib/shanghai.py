"""Days and periods in Asia/Shanghai, the one clock of the platform. Django-free.

A day of service, a deadline's date and a period's ends are Shanghai dates. A period of whole days
[start, end] covers the moments from `start` 00:00 up to (not including) the day after `end` 00:00.
"""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(moment: datetime) -> datetime:
    """The moment in Shanghai time; naive values are taken as Shanghai time."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def deadline_label(moment: datetime | None) -> str:
    """A deadline in words, Shanghai time, the one way every page, slip and message says it.

    A deadline at midnight is the end of the day before, so it reads as 24:00 of that day
    ("2026年12月10日 24:00", not "12月11日"); any other moment reads as itself."""
    if moment is None:
        return "—"
    moment = local(moment)
    if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
        day = moment.date() - timedelta(days=1)
        return f"{day.year}年{day.month}月{day.day}日 24:00"
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"


def local_date(moment: datetime) -> date:
    """The Shanghai date of an aware moment."""
    return moment.astimezone(SHANGHAI).date()


def today() -> date:
    return datetime.now(SHANGHAI).date()


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Shanghai: the moments whose local date is in [start, end]."""
    return (
        datetime.combine(start, time.min, tzinfo=SHANGHAI),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=SHANGHAI),
    )
