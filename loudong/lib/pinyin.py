"""Pinyin keys for searching Chinese names by full pinyin or initials ("lgq" finds 刘光前).

Each character's usual reading comes from a compact table (`pinyin_table.txt`, 170 KB on disk, about
0.5 MiB in memory, read on first use) derived from pypinyin's single-character dictionary. Importing
pypinyin itself costs every process about 55 MiB (its phrase dictionary); a name needs no phrases,
and the surnames whose reading differs are listed below. `write_table` rebuilds the table from
pypinyin (a test dependency) and a test checks the stored table against it.
"""

from array import array
from functools import cache
from pathlib import Path

TABLE = Path(__file__).with_name("pinyin_table.txt")

# Surnames whose usual reading differs from the character's most common reading.
_SURNAME_READINGS = {
    "曾": "zeng", "单": "shan", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao", "查": "zha",
    "盖": "ge", "乐": "yue", "覃": "qin", "尉": "yu", "繁": "po", "缪": "miao", "翟": "zhai",
    "万": "wan", "长": "chang", "沈": "shen", "重": "chong", "种": "chong", "黑": "he", "员": "yun",
    "秘": "bi", "召": "shao", "折": "she", "那": "na", "纪": "ji", "阚": "kan", "宁": "ning",
}  # fmt: skip
# Characters read otherwise in given names than alone (长 in 长荣 and 长城 is chang, alone zhang).
_GIVEN_NAME_READINGS = {"长": "chang"}


@cache
def _table() -> tuple[int, array, tuple[str, ...]]:
    """(first code point, reading index per code point from it (0: none), the readings)."""
    lines = TABLE.read_text(encoding="ascii").splitlines()
    syllables = ("", *lines[0].split())
    runs = [(int(start, 16), [int(i) for i in indexes]) for start, *indexes in map(str.split, lines[1:])]
    first = runs[0][0]
    last = runs[-1][0] + len(runs[-1][1])
    readings = array("H", bytes(2 * (last - first)))
    for start, indexes in runs:
        readings[start - first : start - first + len(indexes)] = array("H", indexes)
    return first, readings, syllables


def reading(char: str) -> str:
    """The character's usual reading without tone ("lv" for 绿), or the character lower-cased."""
    first, readings, syllables = _table()
    offset = ord(char) - first
    if 0 <= offset < len(readings) and readings[offset]:
        return syllables[readings[offset]]
    return char.lower()


def name_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) in lower case, without tones or spaces."""
    name = "".join(name.split())
    if not name:
        return "", ""
    syllables = [_GIVEN_NAME_READINGS.get(c) or reading(c) for c in name]
    if name[0] in _SURNAME_READINGS:
        syllables[0] = _SURNAME_READINGS[name[0]]
    syllables = [s.replace("ü", "v") for s in syllables if s]
    return "".join(syllables).lower(), "".join(s[0] for s in syllables).lower()


def write_table(path: Path = TABLE) -> None:
    """Rebuild the table from pypinyin: one line of readings, then a line per run of code points."""
    from pypinyin import Style, lazy_pinyin  # a test and maintenance dependency only
    from pypinyin.pinyin_dict import pinyin_dict

    readings = {cp: lazy_pinyin(chr(cp), style=Style.NORMAL)[0] for cp in sorted(pinyin_dict)}
    syllables = sorted(set(readings.values()))
    index = {s: i + 1 for i, s in enumerate(syllables)}
    lines, run_start, run = [" ".join(syllables)], None, []
    for cp in sorted(readings):
        if run and cp != run_start + len(run):
            lines.append(f"{run_start:x} {' '.join(map(str, run))}")
            run = []
        if not run:
            run_start = cp
        run.append(index[readings[cp]])
    lines.append(f"{run_start:x} {' '.join(map(str, run))}")
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
