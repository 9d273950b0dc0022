"""Periods of whole days in Asia/Shanghai, as the half-open range of moments they cover."""

from datetime import date, datetime, time, timedelta

from loudong.lib.workdays import SHANGHAI


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    """From the start of `start` to the start of the day after `end`, Shanghai time."""
    return datetime.combine(start, time(0), tzinfo=SHANGHAI), datetime.combine(end + timedelta(days=1), time(0),
                                                                                tzinfo=SHANGHAI)
