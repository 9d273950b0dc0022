"""Pinyin keys for searching Chinese names by full pinyin or initials ("lgq" finds 刘光前)."""

from pypinyin import Style, lazy_pinyin

# Surnames whose usual reading differs from the character's most common reading.
_SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao", "查": "zha",
    "盖": "ge", "乐": "yue", "覃": "qin", "尉": "yu", "繁": "po", "缪": "miao", "翟": "zhai",
    "万": "wan", "长": "chang", "沈": "shen", "重": "chong", "种": "chong", "黑": "he", "员": "yun",
    "秘": "bi", "召": "shao", "折": "she", "那": "na", "纪": "ji", "阚": "kan", "宁": "ning",
}  # fmt: skip


def name_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) in lower case, without tones or spaces."""
    name = "".join(name.split())
    if not name:
        return "", ""
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda chars: list(chars.lower()))
    if name[0] in _SURNAME_READINGS:
        syllables[0] = _SURNAME_READINGS[name[0]]
    syllables = [s.replace("ü", "v") for s in syllables if s]
    return "".join(syllables).lower(), "".join(s[0] for s in syllables).lower()
