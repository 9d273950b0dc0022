"""Highlights beyond requests: activities, people covered, visits, meetings, service hours and honours.

The figures of activities, visits, meetings and hours come with `Figures` (loudong.stats.compute asks
those apps); honours are read here from loudong.community_life.honours.figures
(`honours_awarded(community_ids, start, end)` → [(title, count)]), imported on use. A figure an
installation lacks, or one that is zero, is left out.
"""

import importlib
from collections.abc import Callable
from typing import Any

from loudong.stats.period import Period
from loudong.stats.report.sentences import rate_phrase
from loudong.stats.results import Figures
from loudong.stats.scope import Scope


def _optional(module_name: str, attribute: str) -> Callable[..., Any] | None:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None
    return getattr(module, attribute, None)


def activities_sentence(f: Figures) -> str | None:
    held = [(label, n) for _type, label, n in f.activities_by_type if n]
    if not held:
        return None
    total = sum(n for _label, n in held)
    text = f"组织开展各类活动{total}次，其中" + "，".join(f"{label}{n}次" for label, n in held)
    if f.people_covered:
        text += f"，覆盖群众{f.people_covered}人（每人只计一次）"
    return text + "。"


def honours_sentence(scope: Scope, period: Period) -> str | None:
    awarded = _optional("loudong.community_life.honours.figures", "honours_awarded")
    if awarded is None:
        return None
    rows = [(label, n) for label, n in awarded(scope.community_ids(), period.start, period.end) if n]
    if not rows:
        return None
    return "新涌现出" + "、".join(f"“{label}”{n}名" for label, n in rows) + "。"


def highlight_sentences(f: Figures, scope: Scope, period: Period) -> list[str]:
    lines = []
    activities = activities_sentence(f)
    if activities:
        lines.append(activities)
    if f.meetings_held:
        lines.append(f"依托“红色议事厅”召开楼栋议事会{f.meetings_held}次，引导居民参与楼栋“微自治”。")
    if f.visit_coverage is not None and f.visit_coverage.numerator:
        lines.append(f"党员志愿者“敲门问需”定期入户，{rate_phrase(f.visit_coverage, '户')}。")
    if f.hours_total and f.hours_total[0]:
        minutes, volunteers = f.hours_total
        lines.append(f"{volunteers}名党员志愿者累计志愿服务{minutes / 60:.1f}小时。")
    honours = honours_sentence(scope, period)
    if honours:
        lines.append(honours)
    return lines
