"""What neighbours may read of someone else's request: its text with the household taken out.

Rooms and the parts of an address that lead to one door (1单元602室, 3栋2单元, 602室, 6楼), phone
numbers (mobile and landline, with or without separators), ID numbers (18 or 15 digits) and
people's names are replaced by "**". Names are found two ways: those the caller knows (the
registry's residents of the building, the request's contact name) in full, by their given name and
as "surname + title" (王阿姨, 老王); and any common surname followed by a title (李奶奶, 周师傅).
Whatever run of three or more digits is left (a room written bare, a number cut in two) goes too.

Django-free: the public form, the joiner's page and the tests share this one definition.
"""

import re
from collections.abc import Iterable

MASK = "**"

# A building, stairwell, floor or door: digits (any script: \d is Unicode) or a block letter with
# its word (A栋, 602室, 6层), or a Chinese numeral with the words that leave no doubt (三单元, 六楼;
# not 一层灰, 两栋楼之间).
_PLACE_PART = (
    r"(?:(?:\d+|[A-Za-zＡ-Ｚａ-ｚ](?![A-Za-z]))\s*(?:号楼|号房|栋|幢|座|单元|楼|层|室)"
    r"|[零〇一二三四五六七八九十百]+(?:号楼|栋|幢|单元|楼|室))"
)
# A chain of them (3栋2单元602室, 1单元 602, 6楼), ending with a bare room number if one follows.
_PLACE = re.compile(rf"(?:{_PLACE_PART}[\s\-－—]*)+(?:\d+\s*(?:室|号|房)?)?")
# 18-digit ID numbers (the last may be X), the old 15-digit ones, written whole or in groups.
_ID_NUMBER = re.compile(r"(?<!\d)\d{6}[\s\-]?\d{8}[\s\-]?\d{3}[\dXxＸｘ](?!\d)|(?<!\d)\d{15}(?!\d)")
# Mobiles (+86, spaces or dashes anywhere) and landlines with an area code (0734-8221234, (0734)8221234).
_PHONE = re.compile(
    r"(?:(?:\+|＋)?86[\s\-]?)?(?<!\d)1[3-9]\d(?:[\s\-]?\d){8}(?!\d)"
    r"|(?<!\d)[(（]?0\d{2,3}[)）]?[\s\-]?\d{3,4}[\s\-]?\d{0,4}[xX*＊]*"
)
# What is left of a number: three or more digits, even split by a space or a dash; not a year (2026年).
_DIGITS = re.compile(r"(?<!\d)(?!\d{4}年)\d(?:[\s\-]?\d){2,}[xX*＊]*")
# Digits touching a removed part belong to it (the 1-1- of 1-1-101楼).
_BESIDE_MASK = re.compile(r"(?:\d+[\s\-－—]*)*\*\*(?:[\s\-－—]*\d+)*")
_MASKS = re.compile(r"(?:\*\*[\s\-]*)+\*\*")

# Titles said after a surname: 王阿姨, 李奶奶, 周师傅; Hunan's 娭毑 (grandmother) and 嗲嗲 (grandfather).
TITLES = (
    "老人家", "阿姨", "大爷", "大妈", "大娘", "大伯", "大叔", "大姐", "大哥", "奶奶", "爷爷", "婆婆", "姥姥",
    "外婆", "叔叔", "阿叔", "伯伯", "阿婆", "娭毑", "嗲嗲", "师傅", "老师", "医生", "大夫", "主任", "书记",
    "同志", "先生", "女士", "小姐", "姐姐", "哥哥", "嫂子", "婶婶", "婶子", "老太", "老头", "姐", "哥", "叔",
    "伯", "婶", "嫂", "姨", "爹", "娘",
)  # fmt: skip
# Common surnames, not those that are also everyday words before a title ("和老师", "向主任").
SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "司徒", "夏侯",
    "刘", "李", "陈", "王", "张", "周", "罗", "杨", "彭", "谭", "唐", "黄", "曾", "邓", "胡", "肖", "何", "赵",
    "廖", "朱", "吴", "蒋", "谢", "龙", "贺", "郭", "文", "邹", "许", "徐", "颜", "宋", "段", "雷", "易", "袁",
    "孙", "曹", "高", "阳", "蔡", "尹", "夏", "钟", "马", "梁", "石", "左", "田", "伍", "戴", "陆", "邱", "康",
    "宁", "欧", "匡", "旷", "凌", "粟", "封", "林", "郑", "冯", "沈", "韩", "杜", "魏", "程", "董", "萧", "潘",
    "苏", "丁", "薛", "叶", "余", "吕", "卢", "姚", "姜", "崔", "任", "汪", "范", "金", "方", "贾", "韦", "付",
    "傅", "邵", "孟", "秦", "江", "熊", "白", "毛", "郝", "万", "覃", "武", "严", "钱", "汤", "陶", "黎", "常",
    "乔", "赖", "洪", "龚", "庞", "樊", "殷", "施", "聂", "章", "葛", "柳",
)  # fmt: skip
# Surnames that are everyday words too (文书记录, 小程序, 一小段路, 老毛病): found only as known names.
_AMBIGUOUS = "文阳易宁石高龙江白万常金方马叶任毛钱施程范段康"
_PLAIN = [s for s in SURNAMES if s not in _AMBIGUOUS]
_TITLED = re.compile(
    rf"(?:{'|'.join(_PLAIN)})(?:{'|'.join(TITLES)})"
    rf"|(?<![老小])[老小][{''.join(s for s in _PLAIN if len(s) == 1)}]"
)
_COMPOUND = tuple(s for s in SURNAMES if len(s) == 2)


def surname_of(name: str) -> str:
    return name[:2] if name.startswith(_COMPOUND) else name[:1]


class Redactor:
    """Redacts texts knowing the names of the people they may mention; build once for many texts."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        words: set[str] = set()
        for name in {"".join(n.split()) for n in names}:
            if len(name) < 2:
                continue
            surname = surname_of(name)
            given = name[len(surname) :]
            words.add(name)
            if len(given) >= 2:
                words.add(given)
            if len(surname) < len(name):
                words.update(surname + title for title in TITLES)
                words.update(("老" + surname, "小" + surname))
        ordered = sorted(words, key=len, reverse=True)  # the longest first: 王秀英 before 王秀
        self._known = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def __call__(self, text: str) -> str:
        if self._known is not None:
            text = self._known.sub(MASK, text)
        text = _TITLED.sub(MASK, text)
        for pattern in (_ID_NUMBER, _PHONE, _PLACE, _DIGITS, _BESIDE_MASK):
            text = pattern.sub(MASK, text)
        return _MASKS.sub(MASK, text)


def redact(text: str, names: Iterable[str] = ()) -> str:
    return Redactor(names)(text)


def excerpt(text: str, redactor: Redactor, length: int = 40) -> str:
    """The start of a redacted text on one line (redacted before it is cut, so nothing is cut in two)."""
    text = " ".join(redactor(text).split())
    return text if len(text) <= length else text[:length] + "…"
