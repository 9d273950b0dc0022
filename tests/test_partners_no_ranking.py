"""No ranking of members or units anywhere in 双报到: no page or printed sheet ranks, lists top
people or orders them by how much they did (they are listed by name or title)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RANKING = re.compile(r"排名(?!次)|排行|榜|第\s*\d+\s*名|前\s*\d+\s*名|最多|最少|top\s*\d+", re.IGNORECASE)
TEMPLATES = sorted((ROOT / "templates" / "partners").rglob("*.html"))
ORDERING = re.compile(r"order_by\([^)]*[\"']-?\w*(minutes|held|free|hours|grade|count|claims)\w*[\"']")
CODE = sorted((ROOT / "loudong" / "partners").glob("*.py")) + [ROOT / "loudong" / "api" / "partners.py"]


def test_no_partners_template_ranks_anyone():
    assert len(TEMPLATES) >= 15
    found = [(p.name, m.group()) for p in TEMPLATES for m in RANKING.finditer(p.read_text())]
    assert found == []


def test_no_list_is_ordered_by_hours_claims_or_grades():
    sorting = re.compile(r"sort\w*\(.*key=lambda[^)]*(minutes|hours|grade|times)")
    found = [
        (p.name, line)
        for p in CODE
        for line in p.read_text().splitlines()
        if ORDERING.search(line) or sorting.search(line)
    ]
    assert found == []


def test_the_checks_above_would_catch_a_ranking():
    assert ORDERING.search('.order_by("-held")') and not ORDERING.search('.order_by("name_pinyin")')
    assert RANKING.search("服务时长排行榜") and RANKING.search("第1名") and not RANKING.search("不排名次")
