"""Natural order for the names of places: 环城北路89号 before 环城北路101号, 2单元 before 10单元,
二单元 before 十单元, room 301 before room 1202.

`natural_key` turns a name into a string whose plain order is the natural order of the names: each
number, in Arabic digits or in Chinese numerals before a word such as 号 or 单元, is written with
zeros in front to a fixed width. The registry stores it beside each name so the database can sort
by it (a plain string sorts the same under any collation); code sorting names in Python uses it too.
"""

import re

WIDTH = 8  # digits a number is padded to: house and room numbers stay far below 10**8
CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
# Chinese numerals count only before a word that numbers a place, so 三角塘 and 十字街 stay words.
NUMBER = re.compile(r"\d+|[零〇一二两三四五六七八九十百千]+(?=号|栋|幢|座|楼|单元|层|室|期|区|组|门)")


def chinese_number(text: str) -> int:
    """一〇一 → 101 (read digit by digit), 十二 → 12, 二十三 → 23, 一百零五 → 105."""
    if not any(c in CHINESE_UNITS for c in text):
        return int("".join(str(CHINESE_DIGITS[c]) for c in text))
    total = digit = 0
    for c in text:
        if c in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[c]
        else:
            total += (digit or 1) * CHINESE_UNITS[c]
            digit = 0
    return total + digit


def natural_key(name: str) -> str:
    def padded(match: re.Match) -> str:
        text = match.group()
        number = int(text) if text.isdigit() else chinese_number(text)
        return str(number).zfill(WIDTH)

    return NUMBER.sub(padded, " ".join(name.split()).casefold())
