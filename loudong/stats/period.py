"""A reporting period: whole local days in Asia/Shanghai, both ends included.

A request placed at 23:30 Beijing time on 31 January (15:30 UTC) belongs to January: `bounds()`
turns the days into aware datetimes at Shanghai midnight, and every period query filters
`start <= created_at < end` with those.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from loudong.lib.shanghai import day_bounds, today

MAX_DAYS = 366 * 10


class PeriodError(ValueError):
    """Bad dates from a form or the command line; the message is Chinese and says what to fix."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise PeriodError("结束日期不能早于开始日期。")

    def bounds(self) -> tuple[datetime, datetime]:
        """(Shanghai midnight starting `start`, Shanghai midnight after `end`): aware, end exclusive."""
        return day_bounds(self.start, self.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        if self.start.year == self.end.year:
            return f"{self.start.year}年{self.start.month}月{self.start.day}日至{self.end.month}月{self.end.day}日"
        return (
            f"{self.start.year}年{self.start.month}月{self.start.day}日至"
            f"{self.end.year}年{self.end.month}月{self.end.day}日"
        )

    def query(self) -> str:
        """The period as URL parameters (from=...&to=...)."""
        return f"from={self.start.isoformat()}&to={self.end.isoformat()}"

    @classmethod
    def parse(cls, from_str: str | None, to_str: str | None) -> "Period":
        start = _parse_day(from_str, "开始日期")
        end = _parse_day(to_str, "结束日期")
        if end < start:
            raise PeriodError("结束日期不能早于开始日期。")
        if (end - start).days + 1 > MAX_DAYS:
            raise PeriodError("统计期间最长十年，请缩短。")
        return cls(start, end)

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        first = date(year, month, 1)
        return cls(first, _month_end(first))


def _parse_day(value: str | None, what: str) -> date:
    text = (value or "").strip()
    if not text:
        raise PeriodError(f"请填写{what}（格式：2026-01-31）。")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PeriodError(f"{what}“{text[:20]}”不是有效日期，请按 2026-01-31 的格式填写。") from None


def _month_end(first: date) -> date:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


# key, label. Presets end today at the latest: a period never reaches into the future.
PRESETS = (
    ("this_month", "本月"),
    ("last_month", "上月"),
    ("this_quarter", "本季度"),
    ("this_year", "今年"),
    ("last_12_months", "近12个月"),
)


def preset(key: str, on: date | None = None) -> Period:
    """The named preset as of the day `on` (today in Shanghai by default)."""
    on = on or today()
    this_month = on.replace(day=1)
    if key == "this_month":
        return Period(this_month, on)
    if key == "last_month":
        first = _add_months(this_month, -1)
        return Period(first, _month_end(first))
    if key == "this_quarter":
        return Period(date(on.year, (on.month - 1) // 3 * 3 + 1, 1), on)
    if key == "this_year":
        return Period(date(on.year, 1, 1), on)
    if key == "last_12_months":  # twelve whole months and this one so far: never the same as 今年
        return Period(_add_months(this_month, -12), on)
    raise PeriodError("没有这个统计期间选项。")


def presets(on: date | None = None) -> list[tuple[str, str, Period]]:
    """(key, label, period) of every preset, for the period picker."""
    return [(key, label, preset(key, on)) for key, label in PRESETS]


def from_params(params: "dict[str, str]", on: date | None = None) -> Period:
    """The period in a query string: `preset=...`, or `from=...&to=...`; 本月 when neither is given."""
    if params.get("from") or params.get("to"):
        return Period.parse(params.get("from"), params.get("to"))
    return preset(params.get("preset") or "this_month", on)
