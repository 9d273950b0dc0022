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


def local_date(moment: datetime) -> date:
    """The Shanghai date of an aware moment."""
    return moment.astimezone(SHANGHAI).date()


def today() -> date:
    return datetime.now(SHANGHAI).date()


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, the day after end 00:00) in Shanghai: the moments whose local date is in [start, end]."""
    return (datetime.combine(start, time.min, tzinfo=SHANGHAI),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=SHANGHAI))
