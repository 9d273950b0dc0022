"""The report's section on the three lists (需求、资源、项目) of a community or a group: the figures
`Figures.lists` carries, the needs split by where they came from, and the projects done as a table.

The report carries no personal data (overseers may read it): projects are listed by the kind of
resource, the partner unit (an in-post member only as 在职党员), the group and the people served,
not by their names, which may name a household's matter.
"""

from django.db.models import Count

from loudong.projects.models import Need
from loudong.stats import domains
from loudong.stats.period import Period
from loudong.stats.report.build import Section, Table
from loudong.stats.results import Figures
from loudong.stats.scope import Scope


def lists_sentence(f: Figures, scope: Scope, period: Period) -> str:
    n = f.lists
    sources = dict(domains.needs_raised(scope, period).order_by().values_list("source").annotate(count=Count("pk")))
    split = "、".join(f"{label}{sources[value]}项" for value, label in Need.Source.choices if sources.get(value))
    text = f"列入需求清单的居民需求{n.needs_raised}项" + (f"（来自{split}）" if split else "")
    text += f"，满足需求{n.needs_met}项；完成项目{n.projects_done}个，受益群众{n.beneficiaries}人"
    if n.units or n.members:
        text += f"，{n.units}家共建单位、{n.members}名在职党员以自己的资源参与项目"
    return text + "。"


def projects_table(scope: Scope, period: Period, number: int) -> Table:
    rows = domains.projects_done(scope, period).select_related("need__group", "resource__unit")
    return Table(
        f"表{number} 完成的项目",
        ["完成日期", "资源类型", "提供方", "党小组", "受益人数"],
        [
            [
                f"{p.done_on.month}月{p.done_on.day}日",
                p.resource.get_kind_display(),
                p.resource.unit.name if p.resource.unit_id else p.resource.get_source_display(),
                p.need.group.name if p.need.group_id else "全社区",
                str(p.beneficiaries),
            ]
            for p in rows.order_by("done_on", "id")
        ],
        "按完成日期排列；在职党员提供的资源只写“在职党员”。",
    )


def lists_section(f: Figures, scope: Scope, period: Period, heading: str, table_number: int) -> Section | None:
    """The section, or None when there is nothing to say (an area, or no need raised or met)."""
    n = f.lists
    if n is None or not (n.needs_raised or n.needs_met or n.projects_done):
        return None
    tables = [projects_table(scope, period, table_number)] if n.projects_done else []
    return Section(heading, [lists_sentence(f, scope, period)], tables)
