"""The audit page reads every kind of entry the code can write, in Chinese.

The entries are not listed by hand: tests/audit_scan.py reads every `record(...)` call in the source
(its actions, object type and detail keys), and the models come from the app registry.
"""

import re
from itertools import cycle

import pytest
from audit_scan import AuditCall, audit_calls
from django.apps import apps
from django.urls import reverse

from loudong.accounts.audit_display import detail_label, detail_lines, object_type_name
from loudong.accounts.models import AuditEntry

CJK = re.compile(r"[\u4e00-\u9fff]")
OUR_MODELS = [m for m in apps.get_models() if m.__module__.startswith("loudong.")]


@pytest.fixture(scope="module")
def calls() -> list[AuditCall]:
    return audit_calls()


def test_the_scan_finds_every_audit_writer_and_every_action(calls):
    assert len(calls) >= 90
    assert {"loudong/outreach/actions.py", "loudong/accounts/signals.py", "loudong/stats/pages.py"} <= {
        c.where.split(":")[0] for c in calls
    }
    assert set().union(*(c.actions for c in calls)) == set(AuditEntry.Action.values)
    visit_request = next(c for c in calls if "visit" in c.keys and "channel" in c.keys)
    assert visit_request.where.startswith("loudong/outreach/actions.py")


def test_every_detail_key_the_code_writes_has_a_chinese_name_whatever_the_object(calls):
    unnamed = sorted(
        (call.where, key, model._meta.model_name if model else "")
        for call in calls
        for key in call.keys - {"changes"}
        for model in [None, *OUR_MODELS]
        if not CJK.search(detail_label(model, key))
    )
    assert unnamed == []


def test_only_the_policy_writes_keys_computed_from_data(calls):
    """Rule words (policy) are Chinese sentences; any other computed key would escape the check above."""
    assert [c.where.split(":")[0] for c in calls if c.computed_keys] == ["loudong/policy/views.py"]


def test_every_object_type_the_code_writes_has_a_chinese_name(calls):
    types = {c.object_type for c in calls if c.object_type} | {m._meta.model_name for m in OUR_MODELS}
    assert sorted(t for t in types if not CJK.search(object_type_name(t))) == []


def sample_detail(call: AuditCall) -> dict:
    """Values for each key the call may write; with a "changes" key, half the fields as [before, after]."""
    keys = sorted(call.keys - {"changes"})
    detail = {key: f"值{n}" for n, key in enumerate(keys)}
    if "changes" in call.keys:
        detail["changes"] = {key: [f"旧{n}", f"新{n}"] for n, key in enumerate(keys[::2])}
    return detail


def shown_rows(client, entries: list[AuditEntry]) -> list[dict]:
    """The rows of these entries on the community's audit pages, opened one after another."""
    rows, page, pks = [], 1, {e.pk for e in entries}
    while True:
        response = client.get(reverse("audit", args=["xihu"]), {"page": page})
        assert response.status_code == 200
        rows += [row for row in response.context["rows"] if row["entry"].pk in pks]
        if not response.context["page"].has_next():
            return rows
        page += 1


def write(world, **fields: object) -> AuditEntry:
    return AuditEntry.objects.create(community=world.community, actor=world.admin, actor_name="admin", **fields)


def test_admin_reads_an_entry_of_every_kind_the_code_writes_with_chinese_labels(world, login, calls):
    unknown_types = cycle(m._meta.model_name for m in OUR_MODELS)
    entries = [
        write(
            world,
            action=action,
            object_type=call.object_type or next(unknown_types),
            object_repr=call.where,
            detail=sample_detail(call),
        )
        for call in calls
        for action in sorted(call.actions)
    ]
    rows = shown_rows(login(world.admin), entries)
    assert len(rows) == len(entries) > 100
    for row in rows:
        assert CJK.search(row["action"]) and CJK.search(row["object_type"]), row["entry"].object_repr
        for line in row["lines"]:
            label = line.split("：")[0]
            assert CJK.search(label), f"{row['entry'].object_repr}: {line}"


def test_a_request_made_from_a_visit_reads_with_its_visit(world, login):
    entry = write(
        world,
        action="create",
        object_type="request",
        detail={"what": "走访需求转点单", "channel": "visit", "visit": 42},
    )
    (row,) = shown_rows(login(world.admin), [entry])
    assert row["object_type"] == "点单"
    # PostgreSQL's jsonb keeps no order of the keys.
    assert sorted(row["lines"]) == sorted(["事项：走访需求转点单", "来源：敲门问需", "敲门问需记录：42"])


def test_entries_naming_any_field_or_relation_of_any_model_or_an_unknown_key_still_read(world, login):
    entries = [
        write(
            world,
            action="update",
            object_type=model._meta.model_name,
            detail={
                "changes": {f.name: ["甲", None] for f in model._meta.get_fields()},
                "no_such_key": {"nested": [1, {"deeper": None}]},
            },
        )
        for model in OUR_MODELS
    ] + [write(world, action="view", object_type="no_such_type", detail=[1, 2])]
    rows = shown_rows(login(world.admin), entries)
    assert len(rows) == len(entries)
    assert rows[0]["lines"] == ["1、2"] and rows[0]["object_type"] == "no_such_type"
    assert "no_such_key：nested 1、deeper （空）" in rows[1]["lines"]


def test_detail_lines_of_a_login_and_of_a_full_value_shown(world):
    failed = AuditEntry(action="login", object_type="user", detail={"success": False, "locked": True})
    shown = AuditEntry(action="view", object_type="resident", detail={"field": "id_number"})
    attendance = AuditEntry(action="view", object_type="attendance", detail={"page": "attendance"})
    assert detail_lines(failed) == ["结果：失败：账号已锁定"]
    assert detail_lines(shown) == ["显示了完整的身份证号"]
    assert detail_lines(attendance) == ["打开了到会名单页面"]
