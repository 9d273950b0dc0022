"""The work report (工作简报): the figures of a scope over a period, written out as sentences,
tables and charts in the manner of the community's own account.

Every number comes from one call of `loudong.stats.compute.figures` (the same as the dashboard and
the API), kept on the report as `report.figures`; the Word and PDF renderings draw on this one
`WorkReport`, so the two files say the same thing.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone

from loudong.lib.shanghai import SHANGHAI
from loudong.stats.compute import figures as compute_figures
from loudong.stats.definitions import FUNNEL, RATES
from loudong.stats.domains import LIST_KEYS, definition_of
from loudong.stats.held import held_list
from loudong.stats.period import Period
from loudong.stats.report import charts, highlights
from loudong.stats.report.sentences import (
    category_sentence,
    coverage_sentence,
    funnel_sentence,
    now_sentence,
    rate_cell,
    rates_sentence,
)
from loudong.stats.results import Breakdown, Figures
from loudong.stats.scope import Scope

LEVEL_TITLES = {
    "group": "{name}工作简报",
    "community": "{name}楼栋党小组工作简报",
    "subdistrict": "{name}楼栋党小组工作简报",
    "district": "{name}楼栋党小组工作简报",
}


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[str]]
    note: str = ""


@dataclass
class Section:
    heading: str
    paragraphs: list[str]
    tables: list[Table] = field(default_factory=list)


@dataclass
class Chart:
    title: str
    png: bytes
    description: str


@dataclass
class WorkReport:
    title: str
    period: Period
    scope: Scope
    figures: Figures
    sections: list[Section]
    charts: list[Chart]
    definitions: list[tuple[str, str]]
    generated_at: datetime

    @property
    def subtitle(self) -> str:
        return f"（{self.period.label}）"

    @property
    def generated_line(self) -> str:
        at = self.generated_at.astimezone(SHANGHAI)
        return (
            f"统计范围：{self.scope.name}（{self.scope.level_label}）。数字由楼栋平台按统一口径自动统计，"
            f"截至{at.year}年{at.month}月{at.day}日{at:%H:%M}（北京时间），口径说明附后。"
        )

    def headline(self) -> list[tuple[str, str]]:
        """(label, value) of the figures a reader wants first: for the command line and the page."""
        f = self.figures
        out = [
            (d.label, f"{f.figure(d.key).count} {'份' if d.key == 'dispatched' else '件'}")
            for d in FUNNEL
            if d.key in HEADLINE_FIGURES
        ]
        out += [(r.label, rate_cell(f.rate(r.key))) for r in RATES]
        return out

    def filename(self, extension: str) -> str:
        return f"{self.scope.name}工作简报-{self.period.start:%Y%m%d}-{self.period.end:%Y%m%d}.{extension}"


NUMERALS = "〇一二三四五六七八九"
HEADLINE_FIGURES = ("collected", "accepted", "dispatched", "taken", "resolved", "overdue")


def breakdown_table(table: Breakdown, title: str, name_header: str) -> Table:
    """A breakdown as rows of text: its counts, then on-time and satisfaction rates with their cases."""
    headers = [name_header, *[label for _key, label in table.columns], "按期办结率", "满意率"]
    rows = []
    for row in table.rows:
        rows.append(
            [
                row.label,
                *[str(row.counts[key]) for key, _label in table.columns],
                rate_cell(row.rate("on_time_rate")),
                rate_cell(row.rate("satisfaction_rate")),
            ]
        )
    note = "按名称排列，不作排名；不足 5 件的比率只列件数。"
    return Table(title, headers, rows, note)


def request_sections(report_figures: Figures, period: Period, scope: Scope) -> list[Section]:
    f = report_figures
    sections = [Section("一、点单办理情况", [funnel_sentence(f, period, scope), rates_sentence(f), now_sentence(f)])]
    category_table = breakdown_table(f.by_category, "表1 各类问题办理情况", "类别")
    sections.append(Section("二、分类办理情况", [category_sentence(f)], [category_table]))
    if f.scope_level in ("subdistrict", "district"):
        table = breakdown_table(f.by_community, "表2 各社区办理情况", "社区")
        heading = "三、各社区和党小组覆盖情况"
    elif f.scope_level == "community":
        table = breakdown_table(f.by_group, "表2 各楼栋党小组办理情况", "楼栋党小组")
        heading = "三、楼栋党小组覆盖情况"
    else:
        table = breakdown_table(f.by_building, "表2 各楼栋办理情况", "楼栋")
        heading = "三、楼栋党小组覆盖情况"
    sections.append(Section(heading, [coverage_sentence(f)], [table]))
    return sections


def build_report(scope: Scope, period: Period, *, now: datetime | None = None) -> WorkReport:
    """The report of `scope` over `period`: its figures computed once, then written out."""
    now = now or timezone.now()
    from loudong.stats.report.lists import lists_section  # it builds on this module's Section and Table

    f = compute_figures(scope, period, now=now)
    sections = request_sections(f, period, scope)
    lines = highlights.highlight_sentences(f, scope, period)
    if lines:
        sections.append(Section(f"{NUMERALS[len(sections)]}、“微文化”和为民服务亮点", lines))
    tables = sum(len(s.tables) for s in sections)
    lists = lists_section(f, scope, period, f"{NUMERALS[len(sections)]}、需求清单、资源清单和项目清单", tables + 1)
    if lists is not None:
        sections.append(lists)
    definitions = [(d.label, d.text) for d in FUNNEL] + [(r.label, r.text) for r in RATES]
    if f.lists is not None:
        definitions += [(held_list(key).label, definition_of(scope, key)) for key in LIST_KEYS]
    return WorkReport(
        title=LEVEL_TITLES[scope.level].format(name=scope.name),
        period=period,
        scope=scope,
        figures=f,
        sections=sections,
        charts=charts.report_charts(f),
        definitions=definitions,
        generated_at=now,
    )
