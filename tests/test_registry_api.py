"""The JSON API: token login guarded by django-axes, scoped and masked registry reads, Chinese errors."""

import pytest
from conftest import PASSWORD

from loudong.accounts.models import ApiToken, AuditEntry


def token_for(client, username: str, password: str = PASSWORD):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


@pytest.fixture
def api(client):
    """api(user) -> a function issuing GETs with that user's bearer token."""

    def _api(user):
        token = ApiToken.issue(user)
        return lambda path, **params: client.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}")

    return _api


def test_token_is_issued_for_a_right_password_and_only_its_hash_is_kept(world, client):
    response = token_for(client, "admin")
    assert response.status_code == 200
    raw = response.json()["token"]
    stored = ApiToken.objects.get(user=world.admin)
    assert stored.key_hash == ApiToken.hash(raw) and raw not in stored.key_hash
    assert AuditEntry.objects.filter(action="login", actor=world.admin, detail__success=True).exists()


def test_wrong_password_is_401_in_chinese(world, client):
    response = token_for(client, "admin", "wrong-password")
    assert response.status_code == 401
    assert response.json() == {"detail": "用户名或密码错误"}
    assert not ApiToken.objects.exists()


def test_five_wrong_passwords_lock_the_account_with_429(world, client):
    statuses = [token_for(client, "leader", "wrong-password").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = token_for(client, "leader")
    assert locked.status_code == 429
    assert "锁定" in locked.json()["detail"]
    assert locked["Content-Type"] == "application/json; charset=utf-8"
    assert not ApiToken.objects.exists()


def test_bearer_token_reads_and_marks_last_use(world, client):
    raw = token_for(client, "admin").json()["token"]
    response = client.get("/api/v1/communities/xihu/residents", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic YWRtaW46eA=="])
def test_missing_or_unknown_token_is_401_in_chinese(world, client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/communities/xihu/residents", **extra)
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


def test_inactive_users_token_stops_working(world, api):
    get = api(world.admin)
    world.admin.is_active = False
    world.admin.save()
    assert get("/communities/xihu/residents").status_code == 401


def test_admin_lists_residents_masked(world, api):
    body = api(world.admin)("/communities/xihu/residents").json()
    assert body["count"] == 3 and body["page"] == 1 and body["pages"] == 1
    liu = next(r for r in body["results"] if r["name"] == "刘光前")
    assert liu["phone"] == "138****8000" and liu["id_number"] == "430407**********15"
    assert liu["care_tags"] == ["独居老人"] and liu["is_member"] is True
    assert liu["household"] == "环城北路93号1单元301室" and liu["gender"] == "男"
    assert "13800138000" not in str(body)


def test_api_search_finds_by_initials(world, api):
    body = api(world.admin)("/communities/xihu/residents", q="lgq").json()
    assert [r["name"] for r in body["results"]] == ["刘光前"]


def test_leader_lists_only_their_groups_residents(world, api):
    body = api(world.leader)("/communities/xihu/residents").json()
    assert {r["name"] for r in body["results"]} == {"刘光前", "王秀英"}


@pytest.mark.parametrize("persona", ["outsider", "volunteer", "resident", "overseer"])
def test_others_get_404_on_the_communitys_residents_and_buildings(world, api, persona):
    get = api(getattr(world, persona))
    for path in ("/communities/xihu/residents", "/communities/xihu/buildings", f"/residents/{world.liu.pk}"):
        response = get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "未找到，或您无权查看"}


def test_resident_detail_is_masked_and_carries_the_member_record(world, api):
    body = api(world.admin)(f"/residents/{world.liu.pk}").json()
    assert body["phone"] == "138****8000" and body["birth_date"] == "1950-03-02"
    assert body["member"]["group"] == "环城北路93号党小组" and body["member"]["employment"] == "退休"
    assert api(world.admin)(f"/residents/{world.zhang.pk}").json()["member"] is None


def test_resident_detail_outside_the_leaders_scope_is_404(world, api):
    assert api(world.leader)(f"/residents/{world.zhang.pk}").status_code == 404
    assert api(world.outsider)(f"/residents/{world.liu.pk}").status_code == 404
    assert api(world.admin)(f"/residents/{world.stranger.pk}").status_code == 404
    assert api(world.admin)("/residents/999999").status_code == 404


def test_buildings_are_scoped_with_stairwells_and_groups(world, api):
    world.building.adjacent.add(world.building2)
    admin = api(world.admin)("/communities/xihu/buildings").json()
    assert [b["name"] for b in admin] == ["学宫巷3号", "环城北路93号"]
    huancheng = admin[1]
    assert huancheng["adjacent"] == [world.building2.pk]
    assert huancheng["stairwells"] == [
        {"id": world.stairwell.pk, "name": "1单元", "group": "环城北路93号党小组", "households": 1}
    ]
    leader = api(world.leader)("/communities/xihu/buildings").json()
    assert [b["name"] for b in leader] == ["环城北路93号"]


def test_bad_parameter_is_422_in_chinese(world, api):
    response = api(world.admin)("/communities/xihu/residents", page="abc")
    assert response.status_code == 422
    assert response.json()["detail"].startswith("请求参数不正确")
    assert "page" in response.json()["detail"]


def test_openapi_document_describes_the_endpoints(world, client):
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/auth/token", "/api/v1/communities/{code}/residents", "/api/v1/residents/{resident_id}",
            "/api/v1/communities/{code}/buildings"} <= set(document["paths"])  # fmt: skip
