"""Working-day arithmetic on China's calendar, in Asia/Shanghai. Django-free.

A day is a working day when the `chinese-calendar` package says so (national holidays and the
调休 make-up weekend days), unless an override says otherwise. For years the package has no data
for yet, Monday to Friday are working days; admins add the State Council's schedule as overrides
until the package is updated.

Conventions (the way Chinese administrative time limits are counted: the starting day is not
counted, and a limit ends at the end of its last day):
- `add_working_days(start, n)` is midnight at the end of the n-th working day after the day of
  `start`. A request placed on Monday 15:00 with 2 working days is due Wednesday 24:00.
- "Working time" is the clock time that falls on working days (whole days, 00:00-24:00). Paused
  time and `add_working_hours` count only that; time on rest days does not move a deadline.

`overrides` maps a date to True (working day) or False (rest day) and wins over the calendar.
"""

import calendar
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache

import chinese_calendar

from loudong.lib.shanghai import SHANGHAI, local

DAY = timedelta(days=1)
# A year of rest days in a row does not exist; this bounds the loops against bad overrides.
MAX_SCAN_DAYS = 3660

Overrides = Mapping[date, bool]


def is_workday(day: date, overrides: Overrides | None = None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    return _national_workday(day)


@lru_cache(maxsize=8192)
def _national_workday(day: date) -> bool:
    """The national calendar's answer, kept per process (the package's data does not change while it
    runs; a list of requests asks about the same few weeks of days again and again)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        # The library only knows the years the State Council has published; before that (or for a year
        # not yet announced) Monday to Friday is the best honest guess, and admins can override days.
        return day.weekday() < 5


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def add_working_days(start: datetime, days: int, overrides: Overrides | None = None) -> datetime:
    """The end (next midnight) of the `days`-th working day after the day of `start`."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = local(start).date()
    if days == 0:
        return _midnight(day + DAY)
    counted = 0
    for _ in range(MAX_SCAN_DAYS):
        day += DAY
        if is_workday(day, overrides):
            counted += 1
            if counted == days:
                return _midnight(day + DAY)
    raise ValueError("no working day found within ten years")


def working_seconds_between(start: datetime, end: datetime, overrides: Overrides | None = None) -> int:
    """Seconds between two moments that fall on working days."""
    start, end = local(start), local(end)
    if end <= start:
        return 0
    first, last = start.date(), end.date()
    if first == last:
        return round((end - start).total_seconds()) if is_workday(first, overrides) else 0
    total = (_midnight(first + DAY) - start).total_seconds() if is_workday(first, overrides) else 0.0
    # Whole days between (Shanghai has no daylight saving: 24 hours each), counted from each year's
    # running totals, so a request three years overdue costs no more than one a day late.
    total += 86400 * _workdays_between(first + DAY, last, overrides)
    if is_workday(last, overrides):
        total += (end - _midnight(last)).total_seconds()
    return round(total)


def _workdays_between(a: date, b: date, overrides: Overrides | None = None) -> int:
    """Working days in [a, b)."""
    count = 0
    day = a
    while day < b:
        stop = b if day.year == b.year else date(day.year + 1, 1, 1)
        running = _running_workdays(day.year)
        count += running[stop.toordinal() - day.toordinal() + day.timetuple().tm_yday - 1]
        count -= running[day.timetuple().tm_yday - 1]
        day = stop
    for when, works in (overrides or {}).items():
        if a <= when < b and works != _national_workday(when):
            count += 1 if works else -1
    return count


@lru_cache(maxsize=64)
def _running_workdays(year: int) -> tuple[int, ...]:
    """National working days of `year` before each of its days: element i counts days 0 .. i-1."""
    first = date(year, 1, 1)
    running = [0]
    for offset in range(366 if calendar.isleap(year) else 365):
        running.append(running[-1] + _national_workday(first + timedelta(days=offset)))
    return tuple(running)


def add_working_seconds(start: datetime, seconds: float, overrides: Overrides | None = None) -> datetime:
    """The moment when `seconds` of working time have passed after `start`."""
    cursor = local(start)
    remaining = float(seconds)
    for _ in range(MAX_SCAN_DAYS):
        if remaining <= 0:
            return cursor
        next_midnight = _midnight(cursor.date() + DAY)
        if is_workday(cursor.date(), overrides):
            available = (next_midnight - cursor).total_seconds()
            if remaining <= available:
                return cursor + timedelta(seconds=remaining)
            remaining -= available
        cursor = next_midnight
    raise ValueError("no working day found within ten years")


def add_working_hours(start: datetime, hours: float, overrides: Overrides | None = None) -> datetime:
    """The moment when `hours` of working time (time on working days) have passed after `start`."""
    return add_working_seconds(start, hours * 3600, overrides)


def working_days_left(now: datetime, due: datetime, overrides: Overrides | None = None) -> float:
    """Working days (of 24 working hours) between now and the deadline; negative when overdue."""
    if due >= now:
        return working_seconds_between(now, due, overrides) / 86400
    return -working_seconds_between(due, now, overrides) / 86400
