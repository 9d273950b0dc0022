"""Working-day arithmetic on China's calendar (no database)."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from loudong.lib.shanghai import SHANGHAI
from loudong.lib.workdays import (
    add_working_days,
    add_working_hours,
    add_working_seconds,
    is_workday,
    working_days_left,
    working_seconds_between,
)


def at(y, m, d, h=0, minute=0):
    return datetime(y, m, d, h, minute, tzinfo=SHANGHAI)


def test_national_day_week_is_rest_and_its_make_up_saturday_is_work():
    assert not is_workday(date(2026, 10, 1))
    assert not is_workday(date(2026, 10, 7))
    assert is_workday(date(2026, 10, 8))
    assert is_workday(date(2026, 10, 10))  # Saturday, 调休 make-up day
    assert is_workday(date(2026, 9, 20))  # Sunday, 调休 make-up day
    assert not is_workday(date(2026, 10, 11))  # an ordinary Sunday


def test_the_starting_day_does_not_count_and_the_limit_ends_at_midnight():
    # Monday 15:00 + 2 working days = end of Wednesday.
    assert add_working_days(at(2026, 11, 23, 15), 2) == at(2026, 11, 26)


def test_working_days_skip_the_national_day_week_and_count_the_make_up_saturday():
    # Placed Wednesday 30 September: 8 Oct (Thu), 9 Oct (Fri), 10 Oct (Sat, make-up) → end of 10 Oct.
    assert add_working_days(at(2026, 9, 30, 10), 3) == at(2026, 10, 11)


def test_working_days_count_a_make_up_sunday():
    # Placed Friday 18 September: Saturday rests, Sunday 20 works (调休), Monday 21 → end of 21 Sep.
    assert add_working_days(at(2026, 9, 18, 9), 2) == at(2026, 9, 22)


def test_a_request_placed_on_a_holiday_starts_counting_on_the_next_working_day():
    assert add_working_days(at(2026, 10, 3, 12), 1) == at(2026, 10, 9)


def test_overrides_win_over_the_national_calendar():
    local_holiday = {date(2026, 11, 24): False}
    assert add_working_days(at(2026, 11, 23, 15), 2, local_holiday) == at(2026, 11, 27)
    extra_saturday = {date(2026, 11, 28): True}
    assert add_working_days(at(2026, 11, 26, 9), 2, extra_saturday) == at(2026, 11, 29)


def test_years_without_calendar_data_fall_back_to_monday_to_friday():
    assert is_workday(date(2031, 3, 3))  # a Monday
    assert not is_workday(date(2031, 3, 1))  # a Saturday
    assert is_workday(date(2031, 3, 1), {date(2031, 3, 1): True})


def test_working_time_between_moments_ignores_rest_days():
    # Friday 10:00 to Monday 10:00 is 14 h of Friday plus 10 h of Monday.
    assert working_seconds_between(at(2026, 11, 20, 10), at(2026, 11, 23, 10)) == 24 * 3600
    # The whole National Day week is not working time.
    assert working_seconds_between(at(2026, 10, 1), at(2026, 10, 8)) == 0
    assert working_seconds_between(at(2026, 10, 2), at(2026, 10, 1)) == 0


def test_adding_working_time_jumps_over_the_weekend():
    assert add_working_seconds(at(2026, 11, 20, 20), 6 * 3600) == at(2026, 11, 23, 2)
    assert add_working_hours(at(2026, 9, 30, 23), 2) == at(2026, 10, 8, 1)
    assert add_working_seconds(at(2026, 10, 3), 0) == at(2026, 10, 3)


def test_naive_times_are_read_as_shanghai_time():
    assert add_working_days(datetime(2026, 11, 23, 15), 2) == at(2026, 11, 26)


def test_days_left_are_negative_when_overdue():
    assert working_days_left(at(2026, 11, 23, 12), at(2026, 11, 26)) == 2.5
    assert working_days_left(at(2026, 11, 27, 12), at(2026, 11, 26)) == -1.5


@settings(max_examples=60, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 20)),
    seconds=st.integers(min_value=1, max_value=20 * 86400),
)
def test_added_working_time_is_the_working_time_between(start, seconds):
    begin = start.replace(tzinfo=SHANGHAI)
    end = add_working_seconds(begin, seconds)
    assert end > begin
    assert working_seconds_between(begin, end) == seconds
    assert is_workday(end.date()) or end == datetime.combine(end.date(), datetime.min.time(), SHANGHAI)


@settings(max_examples=40, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 1)),
    days=st.integers(min_value=1, max_value=15),
)
def test_a_deadline_in_working_days_ends_on_a_working_day(start, days):
    due = add_working_days(start.replace(tzinfo=SHANGHAI), days)
    last = (due - timedelta(seconds=1)).date()
    assert is_workday(last)
    counted = sum(is_workday(start.date() + timedelta(days=i)) for i in range(1, (last - start.date()).days + 1))
    assert counted == days


@settings(max_examples=80, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2027, 12, 31)),
    span=st.integers(min_value=0, max_value=4 * 365 * 86400),
    rest=st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 12, 31)),
    work=st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 12, 31)),
)
def test_working_time_over_years_counts_each_day_once(start, span, rest, work):
    """Spans over year ends, with an override each way, count what a walk over the days counts."""
    begin = start.replace(tzinfo=SHANGHAI)
    end = begin + timedelta(seconds=span)
    overrides = {rest: False, work: True}
    walked = 0.0
    cursor = begin
    while cursor < end:
        midnight = datetime.combine(cursor.date() + timedelta(days=1), datetime.min.time(), SHANGHAI)
        if is_workday(cursor.date(), overrides):
            walked += (min(midnight, end) - cursor).total_seconds()
        cursor = midnight
    assert working_seconds_between(begin, end, overrides) == round(walked)
