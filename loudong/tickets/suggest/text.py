"""Chinese words for the suggestions: jieba segmentation with punctuation and filler words removed."""

import logging
import re
import warnings
from functools import lru_cache

with warnings.catch_warnings():
    # jieba 0.42 has regex strings Python 3.12 warns about when it compiles them.
    warnings.simplefilter("ignore", DeprecationWarning)
    warnings.simplefilter("ignore", SyntaxWarning)
    import jieba

jieba.setLogLevel(logging.WARNING)

# Words that say nothing about what a request is about.
STOP_WORDS = frozenset(
    "的 了 是 我 你 他 她 它 我们 你们 他们 有 在 吗 呢 吧 啊 呀 哦 嗯 和 与 及 或 也 都 就 还 又 很 太 好 "
    "请 请问 一下 一个 一些 这 那 这个 那个 这样 那样 什么 怎么 怎样 如何 哪里 哪些 能不能 可以 可不可以 "
    "想 要 需要 麻烦 谢谢 您好 你好 问 问一下 下 个 把 被 给 让 对 从 到 为 着 过 没 不 没有 已经 现在 "
    "今天 昨天 明天 时候 后 前 里 上 中 家 人 说 看 去 来 会 能 让 得 地 等 多 大 小".split()
)
_WORDISH = re.compile(r"[\u4e00-\u9fff\w]")


@lru_cache(maxsize=50_000)
def words(text: str) -> tuple[str, ...]:
    """The informative words of a text, in order (cached: the same texts are read again and again)."""
    return tuple(
        w
        for w in (t.strip().lower() for t in jieba.lcut(text or ""))
        if w and _WORDISH.search(w) and w not in STOP_WORDS
    )


@lru_cache(maxsize=50_000)
def word_set(text: str) -> frozenset[str]:
    return frozenset(words(text))


def warm_up() -> None:
    """Load jieba's dictionary now (about a second) instead of during someone's first page."""
    words("楼道堆放杂物")
