"""The figures in sentences, as the community's account words them ("共收集各类问题X件，派单Y份……").

Every number here is read from a `Figures` result; nothing is counted in this module.
"""

from loudong.lib.shanghai import SHANGHAI
from loudong.stats.period import Period
from loudong.stats.results import Figures, Rate
from loudong.stats.scope import Scope

SUBJECTS = {
    "group": "{name}",
    "community": "{name}各楼栋党小组",
    "subdistrict": "{name}辖区各社区楼栋党小组",
    "district": "{name}辖区各社区楼栋党小组",
}


def rate_cell(rate: Rate, unit: str = "件") -> str:
    """A rate with its cases: "92.3%（48/52 件）"; under 5 cases only "3/4 件"; "暂无" without any."""
    if not rate.denominator:
        return "暂无"
    cases = f"{rate.numerator}/{rate.denominator} {unit}"
    if not rate.shows_percent:
        return cases
    return f"{rate.display()}（{cases}）"


def rate_phrase(rate: Rate, unit: str = "件") -> str:
    """A rate inside a sentence, saying what it is over."""
    if not rate.denominator:
        return f"{rate.label}暂无（没有{rate.denominator_label or '应计入的点单'}）"
    if not rate.shows_percent:
        return (
            f"{rate.label}为{rate.numerator}/{rate.denominator} {unit}（{rate.denominator_label}不足5{unit}，"
            f"不计百分比）"
        )
    return (
        f"{rate.label}{rate.display()}（{rate.numerator_label}{rate.numerator}{unit}，"
        f"{rate.denominator_label}{rate.denominator}{unit}）"
    )


def funnel_sentence(f: Figures, period: Period, scope: Scope) -> str:
    n = {item.key: item.count for item in f.funnel}
    subject = SUBJECTS[scope.level].format(name=scope.name)
    text = (
        f"{period.label}，{subject}通过扫码点单、敲门问需、议事会和电话等渠道，共收集各类问题{n['collected']}件，"
        f"受理{n['accepted']}件，派单{n['dispatched']}份，党员志愿者接单{n['taken']}件，"
        f"办结{n['resolved']}件（其中线上答疑{n['resolved_online']}件、线下跑腿{n['resolved_offline']}件）"
    )
    others = []
    if n["rejected"]:
        others.append(f"不予受理{n['rejected']}件（已向居民说明原因）")
    if n["merged"]:
        others.append(f"与同一问题合并办理{n['merged']}件")
    if n["escalated"]:
        others.append(f"党小组解决不了、上报社区（吹哨）{n['escalated']}件")
    if others:
        text += "；" + "，".join(others)
    text += f"。居民确认办理结果{n['confirmed']}件，作出评价{n['rated']}件；超过办结期限的{n['overdue']}件。"
    return text


def rates_sentence(f: Figures) -> str:
    return "；".join(rate_phrase(r) for r in f.rates) + "。"


def now_sentence(f: Figures) -> str:
    at = f.computed_at.astimezone(SHANGHAI)
    text = f"截至{at.year}年{at.month}月{at.day}日，在办点单{f.open_now.count}件（不论何时收集）"
    if f.overdue_now.count:
        return text + f"，其中已超过办结期限的{f.overdue_now.count}件，正在督办。"
    return text + "，没有超期未办的点单。"


def category_sentence(f: Figures) -> str:
    rows = [r for r in f.by_category.rows if r.counts["collected"]]
    if not rows:
        return "本期没有收集到点单。"
    parts = [f"{r.label}{r.counts['collected']}件（办结{r.counts['resolved']}件）" for r in rows]
    names = "、".join(r.label for r in rows)
    return f"按“{names}”等类型梳理划分：" + "，".join(parts) + "。各类问题的办理情况见表1。"


def coverage_sentence(f: Figures) -> str:
    c = f.group_coverage
    if f.scope_level == "group":
        return f"本党小组有党员{c.members}名，服务所在单元的住户{c.households}户。各楼栋的办理情况见表2。"
    groups = "、".join(r.label for r in f.by_group.rows if r.key) if f.scope_level == "community" else ""
    members, households = rate_cell(c.members_rate, "人"), rate_cell(c.households_rate, "户")
    text = (
        f"现有党员{c.members}名，其中{c.members_in_groups}名编入楼栋党小组（{members}）；"
        f"住户{c.households}户，其中{c.households_served}户所在单元有楼栋党小组服务（{households}）。"
    )
    if groups:
        text += f"本期有点单的党小组：{groups}。"
    return text + "各" + ("社区" if f.scope_level in ("subdistrict", "district") else "党小组") + "的办理情况见表2。"
