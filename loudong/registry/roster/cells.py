"""Reading single roster cells: text, gender, addresses, tag lists (dates: loudong.lib.dates).

Django-free. Every parser raises InvalidValue with a Chinese reason the user can act on.
"""

import re
from datetime import date, datetime

from loudong.lib.identity import InvalidValue, clean_text

# Cells that say "nothing here" in words.
EMPTY_MARKERS = {"无", "暂无", "空", "不详", "-", "--", "/", "—", "——", "\\", "null", "none", "n/a"}
_LIST_SPLIT = re.compile(r"[、,，/;；|\s]+")
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
_CN_NUMBER = "[一二两三四五六七八九十]+"


def cell_text(value: object) -> str:
    """A cell as clean text: whole numbers without '.0', dates as YYYY-MM-DD, NFKC applied."""
    if value is None or value == "":
        return ""
    if isinstance(value, str) and value.isascii():
        return value.strip()  # ASCII is already NFKC: skip the normalising
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return clean_text(value)


def meaningful(text: str) -> str:
    """Text with the words for "nothing" turned into ''."""
    return "" if text.lower() in EMPTY_MARKERS else text


def parse_gender(text: str) -> str:
    """'M', 'F' or '' (blank)."""
    text = meaningful(text).lower()
    if not text:
        return ""
    if text in {"男", "男性", "m", "male"}:
        return "M"
    if text in {"女", "女性", "f", "female"}:
        return "F"
    raise InvalidValue(f"性别应填“男”或“女”，现为「{text}」")


def split_list(text: str) -> list[str]:
    """Tags or service items written in one cell: 独居老人、高龄 / 低保,残疾 / 理发 修车."""
    items = []
    for item in _LIST_SPLIT.split(text):
        if item and item.lower() not in EMPTY_MARKERS and item not in items:
            items.append(item)
    return items


def chinese_number(text: str) -> int | None:
    """1..99 written as 一, 十二, 二十三; None when the text is not such a number."""
    if not re.fullmatch(_CN_NUMBER, text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def building_name(text: str) -> str:
    """A building as the registry names it: a bare number becomes 'N栋'."""
    text = "".join(text.split()).rstrip("-")
    if text.isdigit():
        return f"{int(text)}栋"
    return text


def stairwell_name(text: str) -> str:
    """A stairwell as 'N单元': 2, 二, 2单元, 二单元, 2楼道 are all '2单元'."""
    text = "".join(text.split())
    core = re.sub(r"(单元|楼道|门)$", "", text)
    if core.isdigit():
        return f"{int(core)}单元"
    if (number := chinese_number(core)) is not None:
        return f"{number}单元"
    return text


def room_name(text: str) -> str:
    text = "".join(text.split())
    return re.sub(r"(室|房|号)$", "", text)


_STAIR = rf"(?P<s>\d+|{_CN_NUMBER})(?:单元|楼道)"
_ROOM = r"(?P<r>\d+[A-Za-z]?|[A-Za-z]\d+)(?:室|房|号)?"
_ADDRESS_PATTERNS = (
    re.compile(r"(?P<b>\d+)(?:栋|幢|号楼)?-(?P<s>\d+)(?:单元)?-(?P<r>\d+[A-Za-z]?)(?:室|房)?"),  # 3-2-501
    re.compile(rf"(?P<b>.+?)-?{_STAIR}-?{_ROOM}"),  # 环城北路93号2单元301, 3栋2单元501室
    re.compile(rf"(?P<b>.+?[号栋幢座楼])-?{_ROOM}"),  # 环城北路93号301室: no stairwell written
    re.compile(r"(?P<b>\d+)-(?P<r>\d+[A-Za-z]?)(?:室|房)?"),  # 3-501
)


def split_address(text: str) -> tuple[str, str | None, str]:
    """(building, stairwell or None, room) from one address cell."""
    compact = "".join(text.split()).replace("—", "-").replace("–", "-")
    for pattern in _ADDRESS_PATTERNS:
        if m := pattern.fullmatch(compact):
            parts = m.groupdict()
            stair = stairwell_name(parts["s"]) if parts.get("s") else None
            return building_name(parts["b"]), stair, room_name(parts["r"])
    raise InvalidValue(
        f"住址「{text}」分不出楼栋、单元和房号，请写成“3栋2单元501室”这样，或分成楼栋、单元、房号三列填写"
    )


def split_room(text: str) -> tuple[str | None, str]:
    """A room cell that may carry the stairwell too: '2-501' or '2单元501'."""
    compact = "".join(text.split())
    if m := re.fullmatch(rf"(?:{_STAIR}|(?P<d>\d+)-){_ROOM}", compact):
        return stairwell_name(m["s"] or m["d"]), room_name(m["r"])
    return None, room_name(compact)
