"""Charts for the report as PNG images (matplotlib, no display), with the bundled Chinese font.

Matplotlib is imported on first use: the web app does not pay for it until someone asks for a report.
The font file is the one the PDFs embed (loudong/lib/fonts, WenQuanYi Micro Hei); matplotlib reads the
.ttc collection directly.
"""

from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING, Any

from loudong.lib.pdf import FONT_FILE
from loudong.stats.results import Figures

if TYPE_CHECKING:
    from loudong.stats.report.build import Chart

RED = "#c0392b"
GREY = "#7f8c8d"
WIDTH_INCHES = 6.4
DPI = 150


@cache
def _font_family() -> str:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(FONT_FILE))
    return font_manager.FontProperties(fname=str(FONT_FILE)).get_name()


def _figure(height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, layout="constrained")


def _png(fig: Any) -> bytes:
    out = BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def _style(ax: Any) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def monthly_trend_png(f: Figures) -> bytes:
    import matplotlib

    points = f.trend_monthly
    with matplotlib.rc_context({"font.family": _font_family(), "font.size": 9}):
        fig = _figure(2.8)
        ax = fig.subplots()
        xs = range(len(points))
        ax.plot(xs, [p.collected for p in points], marker="o", color=RED, label="收集")
        ax.plot(xs, [p.resolved for p in points], marker="s", color=GREY, label="办结")
        step = max(1, len(points) // 12)
        ax.set_xticks(list(xs)[::step], [p.label for p in points][::step], rotation=30, ha="right")
        ax.set_ylabel("件")
        ax.set_title("每月收集和办结的点单")
        ax.set_ylim(bottom=0)
        ax.legend(frameon=False)
        _style(ax)
        return _png(fig)


def category_png(f: Figures) -> bytes:
    import matplotlib

    rows = [r for r in f.by_category.rows if r.counts["collected"]] or f.by_category.rows
    with matplotlib.rc_context({"font.family": _font_family(), "font.size": 9}):
        fig = _figure(0.9 + 0.42 * max(1, len(rows)))
        ax = fig.subplots()
        ys = range(len(rows))
        collected = [r.counts["collected"] for r in rows]
        resolved = [r.counts["resolved"] for r in rows]
        ax.barh([y + 0.2 for y in ys], collected, height=0.4, color=RED, label="收集")
        ax.barh([y - 0.2 for y in ys], resolved, height=0.4, color=GREY, label="办结")
        for y, (c, r) in enumerate(zip(collected, resolved, strict=True)):
            ax.text(c, y + 0.2, f" {c}", va="center", fontsize=8)
            ax.text(r, y - 0.2, f" {r}", va="center", fontsize=8)
        ax.set_yticks(list(ys), [r.label for r in rows])
        ax.invert_yaxis()
        ax.set_xlabel("件")
        ax.set_title("各类问题收集和办结情况")
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        ax.spines[["top", "right"]].set_visible(False)
        ax.xaxis.get_major_locator().set_params(integer=True)
        return _png(fig)


def report_charts(f: Figures) -> "list[Chart]":
    from loudong.stats.report.build import Chart

    first, last = f.trend_monthly[0], f.trend_monthly[-1]
    return [
        Chart(
            "图1 每月收集和办结的点单",
            monthly_trend_png(f),
            f"{first.label}至{last.label}每月收集（按点单日期）和办结（按最近一次办结日期）的点单件数。",
        ),
        Chart("图2 各类问题收集和办结情况", category_png(f), "本期收集的点单按类别统计的收集件数和办结件数。"),
    ]
