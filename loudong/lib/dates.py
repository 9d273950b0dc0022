"""Dates as people write them on rosters: to the day, the month or only the year.

Django-free. A date written to the month ("1985.07", "1985年7月") is kept as the first of that
month with its precision, and shown again as it was written ("1985年7月"); no day is guessed.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from loudong.lib.identity import InvalidValue, clean_text

DAY, MONTH, YEAR = "day", "month", "year"
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year bug
_SEP = r"\s*[-/.年]\s*"
_TIME = r"(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?"
_FULL = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})\s*[日号]?{_TIME}")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MONTH = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}})\s*(?:月份?)?")
_COMPACT_MONTH = re.compile(r"(\d{4})(\d{2})")
_YEAR = re.compile(r"(\d{4})\s*年?")
_UNREADABLE = "日期「{}」看不懂，请写成 1950-03-02 或 1950.03 这样的格式"


@dataclass(frozen=True, slots=True)
class WrittenDate:
    """A date and how precisely it was written; `day` is the first day it may mean."""

    day: date
    precision: str = DAY
    note: str = ""  # a doubt worth telling the user (a month read from a number cell)

    @property
    def last_day(self) -> date:
        """The last day the written date may mean."""
        if self.precision == YEAR:
            return self.day.replace(month=12, day=31)
        if self.precision == MONTH:
            following = (self.day.replace(day=28) + timedelta(days=4)).replace(day=1)
            return following - timedelta(days=1)
        return self.day

    def __str__(self) -> str:
        return format_date(self.day, self.precision)


def format_date(day: date | None, precision: str = DAY) -> str:
    """'1985年7月3日', '1985年7月' or '1985年' as the precision says; '' for no date."""
    if day is None:
        return ""
    if precision == YEAR:
        return f"{day.year}年"
    if precision == MONTH:
        return f"{day.year}年{day.month}月"
    return f"{day.year}年{day.month}月{day.day}日"


def _checked(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidValue(f"日期「{text}」不存在") from None


def read_date(value: object) -> WrittenDate | None:
    """A date from a date cell, an Excel serial number or text (1950-03-02, 1950/3/2, 1950.3.2,
    1950年3月2日, 19500302; to the month: 1985.07, 1985-7, 1985年7月, 198507; the year: 1985).
    Blank gives None; text that is no date raises InvalidValue with a Chinese reason."""
    if isinstance(value, datetime):
        return WrittenDate(value.date())
    if isinstance(value, date):
        return WrittenDate(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_number(value)
    text = clean_text(value)
    if not text:
        return None
    if m := _FULL.fullmatch(text) or _COMPACT.fullmatch(text):
        return WrittenDate(_checked(int(m[1]), int(m[2]), int(m[3]), text))
    if m := _MONTH.fullmatch(text) or _COMPACT_MONTH.fullmatch(text):
        return WrittenDate(_checked(int(m[1]), int(m[2]), 1, text), MONTH)
    if m := _YEAR.fullmatch(text):
        return WrittenDate(_checked(int(m[1]), 1, 1, text), YEAR)
    if re.fullmatch(r"\d+(\.0)?", text):
        return _from_number(float(text))  # a serial number or 19500302 kept as text
    raise InvalidValue(_UNREADABLE.format(text))


def _from_number(number: float) -> WrittenDate:
    whole = int(number)
    if number != whole:
        # 1985.07 typed into a number cell: the year and the month. Excel drops trailing zeros,
        # so 1985.1 may have been typed as 1985.10: read as January, and say so.
        text = repr(float(number))
        year, _, fraction = text.partition(".")
        if 1890 <= whole <= 2100 and len(fraction) <= 2:
            month = _checked(whole, int(fraction), 1, text)
            note = ""
            if fraction == "1":
                note = f"「{text}」是数字格式，按{whole}年1月导入；如果是10月，请把这一列设为文本后写成 {whole}.10"
            return WrittenDate(month, MONTH, note)
        raise InvalidValue(_UNREADABLE.format(text))
    if 18900101 <= whole <= 21001231:
        return WrittenDate(_checked(whole // 10000, whole // 100 % 100, whole % 100, str(whole)))
    if 189001 <= whole <= 210012:
        return WrittenDate(_checked(whole // 100, whole % 100, 1, str(whole)), MONTH)
    if 1890 <= whole <= 2100:
        return WrittenDate(date(whole, 1, 1), YEAR)
    if 0 < whole < 80000:
        return WrittenDate(_EXCEL_EPOCH + timedelta(days=whole))
    raise InvalidValue(_UNREADABLE.format(whole))


def years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
