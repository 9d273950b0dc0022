"""Chinese words for the suggestions: jieba segmentation with punctuation and filler words removed.

jieba's own dictionary (349,000 words) costs a process about 60 MiB once loaded; the suggestions use
its 60,000 most frequent words (`dictionary.txt`, derived by `write_dictionary`, checked by a test),
which cost about 11 MiB and cut requests' texts the same way (the rarer words are names of places,
people and terms no request uses; jieba's HMM still joins unknown characters into words).
"""

import logging
import re
import warnings
from functools import cache, lru_cache
from pathlib import Path

DICTIONARY = Path(__file__).with_name("dictionary.txt")
DICTIONARY_WORDS = 60_000

# Words that say nothing about what a request is about.
STOP_WORDS = frozenset(
    "的 了 是 我 你 他 她 它 我们 你们 他们 有 在 吗 呢 吧 啊 呀 哦 嗯 和 与 及 或 也 都 就 还 又 很 太 好 "
    "请 请问 一下 一个 一些 这 那 这个 那个 这样 那样 什么 怎么 怎样 如何 哪里 哪些 能不能 可以 可不可以 "
    "想 要 需要 麻烦 谢谢 您好 你好 问 问一下 下 个 把 被 给 让 对 从 到 为 着 过 没 不 没有 已经 现在 "
    "今天 昨天 明天 时候 后 前 里 上 中 家 人 说 看 去 来 会 能 让 得 地 等 多 大 小".split()
)
_WORDISH = re.compile(r"[\u4e00-\u9fff\w]")


def _jieba() -> object:
    with warnings.catch_warnings():
        # jieba 0.42 has regex strings Python 3.12 warns about when it compiles them.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", SyntaxWarning)
        import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


@cache
def _cut() -> object:
    """The cutter, loaded on first use, so only a process that suggests categories or duplicates pays."""
    return _jieba().Tokenizer(dictionary=str(DICTIONARY)).lcut


def write_dictionary(path: Path = DICTIONARY) -> None:
    """Keep the DICTIONARY_WORDS most frequent words of jieba's dictionary (ties in jieba's order)."""
    source = Path(_jieba().__file__).with_name("dict.txt")
    entries = source.read_text(encoding="utf-8").splitlines()
    kept = sorted(range(len(entries)), key=lambda i: -int(entries[i].split(" ")[1]))[:DICTIONARY_WORDS]
    path.write_text("".join(entries[i] + "\n" for i in sorted(kept)), encoding="utf-8")


@lru_cache(maxsize=50_000)
def words(text: str) -> tuple[str, ...]:
    """The informative words of a text, in order (cached: the same texts are read again and again)."""
    return tuple(
        w for w in (t.strip().lower() for t in _cut()(text or "")) if w and _WORDISH.search(w) and w not in STOP_WORDS
    )


@lru_cache(maxsize=50_000)
def word_set(text: str) -> frozenset[str]:
    return frozenset(words(text))
