"""GET /api/v1/stats: the dashboard's figures as JSON, scoped like the dashboards, with Chinese errors."""

from datetime import date

import pytest
from helpers.work_report import MARCH, build_history

from loudong.accounts.models import ApiToken
from loudong.stats.compute import figures
from loudong.stats.scope import Scope

URL = "/api/v1/stats"
PERIOD = {"from": "2025-03-01", "to": "2025-03-31"}


@pytest.fixture
def history(world):
    build_history(world)
    return world


def get(client, user, **params):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user)}"} if user else {}
    return client.get(URL, params, **headers)


def test_admin_reads_the_figures_with_definitions_and_cases(history, client):
    response = get(client, history.admin, community="xihu", **PERIOD)
    assert response.status_code == 200
    body = response.json()
    direct = figures(Scope.for_community("xihu"), MARCH)
    assert body["scope"] == {"level": "community", "id": history.community.pk, "name": "西湖新村社区"}
    assert body["period"]["start"] == "2025-03-01" and body["period"]["end"] == "2025-03-31"
    funnel = {x["key"]: x for x in body["funnel"]}
    assert funnel["collected"]["count"] == direct.figure("collected").count == 5
    assert funnel["collected"]["definition"].startswith("统计期间内收集的全部点单")
    rates = {r["key"]: r for r in body["rates"]}
    satisfaction = direct.rate("satisfaction_rate")
    assert (rates["satisfaction_rate"]["numerator"], rates["satisfaction_rate"]["denominator"]) == (
        satisfaction.numerator,
        satisfaction.denominator,
    )
    # Under 5 cases the rate is to be shown as cases.
    assert rates["satisfaction_rate"]["shows_percent"] is False
    assert rates["satisfaction_rate"]["display"] == f"{satisfaction.numerator}/{satisfaction.denominator} 件"
    assert [p["collected"] for p in body["trend_monthly"] if p["start"] == "2025-03-01"] == [5]
    assert {row["label"] for row in body["by_volunteer"]["rows"]} == {"王秀英"}


def test_overseer_reads_the_figures_without_volunteer_names(history, client):
    body = get(client, history.overseer, community="xihu", **PERIOD).json()
    assert {x["key"]: x["count"] for x in body["funnel"]}["collected"] == 5
    assert body["by_volunteer"]["rows"] == []


def test_overseer_reads_their_subdistrict_and_not_the_district(history, client):
    response = get(client, history.overseer, subdistrict="qingshan", **PERIOD)
    assert response.status_code == 200
    assert response.json()["scope"]["level"] == "subdistrict"
    assert {row["label"] for row in response.json()["by_community"]["rows"]} == {"西湖新村社区"}
    assert get(client, history.overseer, district="shigu", **PERIOD).status_code == 404


def test_leader_reads_their_group_and_is_told_the_community_is_not_theirs(history, client):
    group = get(client, history.leader, group=history.group.pk, **PERIOD)
    assert group.status_code == 200
    assert group.json()["scope"]["level"] == "group"
    community = get(client, history.leader, community="xihu", **PERIOD)
    assert community.status_code == 403
    assert "组长请用 group 参数" in community.json()["detail"]


@pytest.mark.parametrize("persona", ["resident", "volunteer"])
def test_members_without_a_figures_role_get_403_in_chinese(history, client, persona):
    response = get(client, getattr(history, persona), community="xihu", **PERIOD)
    assert response.status_code == 403
    assert "不能查看" in response.json()["detail"]


def test_another_community_is_not_found_for_an_outsider(history, client):
    response = get(client, history.outsider, community="xihu", **PERIOD)
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到，或您无权查看"
    assert get(client, history.outsider, group=history.group.pk, **PERIOD).status_code == 404


def test_unknown_community_is_not_found(history, client):
    assert get(client, history.admin, community="nowhere", **PERIOD).status_code == 404


def test_without_a_token_the_answer_is_401(history, client):
    response = get(client, None, community="xihu", **PERIOD)
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"community": "xihu", "from": "2025-02-30", "to": "2025-03-31"}, "不是有效日期"),
        ({"community": "xihu", "from": "2025-04-01", "to": "2025-03-31"}, "结束日期不能早于开始日期"),
        ({"from": "2025-03-01", "to": "2025-03-31"}, "指定统计范围"),
        ({"community": "xihu", "group": "1", "from": "2025-03-01", "to": "2025-03-31"}, "指定统计范围"),
    ],
)
def test_bad_parameters_are_explained_in_chinese(history, client, params, message):
    response = get(client, history.admin, **params)
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_without_dates_the_period_is_this_month(history, client):
    from loudong.lib.shanghai import today

    body = get(client, history.admin, community="xihu").json()
    assert body["period"]["start"] == today().replace(day=1).isoformat()
    assert date.fromisoformat(body["period"]["end"]) == today()


def test_the_endpoint_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/stats"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"community", "group", "subdistrict", "district", "from", "to"} <= names
    assert set(operation["responses"]) >= {"200", "401", "403", "404", "422"}
