"""Every event of a request's timeline reads in Chinese; the kinds are read from the workflow's
source, not listed by hand."""

import ast
import re
from pathlib import Path

from django.urls import reverse

from loudong.tickets.actions import place_request
from loudong.tickets.models import EVENT_LABELS, RequestEvent

ACTIONS = Path(__file__).resolve().parent.parent / "loudong" / "tickets" / "actions"
CJK = re.compile(r"[\u4e00-\u9fff]")


def event_kinds_written() -> set[str]:
    """The kinds passed to `record(req, kind, ...)` and `move(req, status, kind, ...)`."""
    kinds = set()
    for path in ACTIONS.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                position = {"record": 1, "move": 2}.get(node.func.id)
                if position is not None and len(node.args) > position:
                    argument = node.args[position]
                    if isinstance(argument, ast.Constant):
                        kinds.add(argument.value)
    return kinds


def test_every_event_the_workflow_writes_has_a_chinese_name():
    kinds = event_kinds_written()
    assert {"placed", "dispatched", "suggested", "overdue"} <= kinds and len(kinds) >= 20
    assert sorted(k for k in kinds if not CJK.search(RequestEvent(kind=k).label)) == []


def test_leader_reads_a_request_placed_from_a_contact_card_in_chinese(world, login):
    req = place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="hardship",
        description="想请人帮忙买药",
        suggested=world.wang_member,
    )
    assert RequestEvent.objects.filter(request=req, kind="suggested").exists()
    page = login(world.leader).get(reverse("tickets:detail", args=["xihu", req.pk])).content.decode()
    assert EVENT_LABELS["suggested"] in page and "居民扫的是" in page
    assert ">suggested<" not in page
