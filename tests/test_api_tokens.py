"""API tokens (等保 2.0): they end after the idle time, when revoked and when the password changes,
each end audited; the owner lists and revokes theirs, a community admin their people's; over real
HTTP through the API and the pages."""

from datetime import timedelta

import pytest
from conftest import PASSWORD
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from loudong.accounts import tokens
from loudong.accounts.models import ApiToken, AuditEntry, User
from loudong.accounts.signals import password_changed

API = "/api/v1"


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def issue(client, username: str, **extra: object) -> str:
    body = {"username": username, "password": PASSWORD, **extra}
    response = client.post(f"{API}/auth/token", body, content_type="application/json", HTTP_USER_AGENT="对接程序/1.0")
    assert response.status_code == 200
    return response.json()["token"]


def listed(client, raw: str) -> list[dict]:
    response = client.get(f"{API}/tokens", **bearer(raw))
    assert response.status_code == 200
    return response.json()


def opens(client, raw: str) -> int:
    return client.get(f"{API}/tokens", **bearer(raw)).status_code


def age(raw: str, *, created: timedelta, used: timedelta | None = None) -> None:
    now = timezone.now()
    ApiToken.objects.filter(key_hash=ApiToken.hash(raw)).update(
        created_at=now - created, last_used_at=None if used is None else now - used
    )


def ended_entries(reason: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="apitoken", action="delete", detail__reason=reason))


def test_a_token_carries_a_name_or_the_client_s_user_agent_and_lists_its_times(world, client):
    named = issue(client, "volunteer", name="楼长的手机")
    unnamed = issue(client, "volunteer")
    rows = listed(client, named)
    assert sorted(r["name"] for r in rows) == ["对接程序/1.0", "楼长的手机"]
    row = next(r for r in rows if r["name"] == "楼长的手机")
    assert row["mine"] and row["username"] == "volunteer" and row["last_used_at"] is not None
    created = timezone.datetime.fromisoformat(row["created_at"])
    assert timezone.datetime.fromisoformat(row["expires_at"]) - created >= timedelta(days=30)
    assert opens(client, unnamed) == 200
    # Accounts from before passwords carried their change time keep their tokens.
    User.objects.filter(username="volunteer").update(password_changed_at=None)
    assert opens(client, unnamed) == 200 and len(listed(client, unnamed)) == 2


def test_a_token_unused_for_the_idle_days_is_refused_deleted_and_audited(world, client):
    raw = issue(client, "volunteer")
    age(raw, created=timedelta(days=40), used=timedelta(days=30, minutes=1))
    assert opens(client, raw) == 401
    assert not ApiToken.objects.exists()
    (entry,) = ended_entries("超过 30 天未使用")
    assert entry.community_id == world.community.pk and "volunteer" in entry.object_repr


def test_idle_time_counts_from_the_last_use_else_from_issue_and_follows_the_setting(world, client, settings):
    used = issue(client, "volunteer")
    age(used, created=timedelta(days=100), used=timedelta(days=29))
    assert opens(client, used) == 200  # and the use starts the 30 days again

    never_used = issue(client, "leader")
    settings.API_TOKEN_IDLE_DAYS = 2
    age(never_used, created=timedelta(days=2, minutes=1))
    assert opens(client, never_used) == 401


def test_a_revoked_token_is_refused_and_the_revocation_audited(world, client):
    keep, revoke = issue(client, "volunteer", name="留着"), issue(client, "volunteer", name="不要了")
    (row,) = [r for r in listed(client, keep) if r["name"] == "不要了"]
    response = client.delete(f"{API}/tokens/{row['id']}", **bearer(keep))
    assert response.status_code == 204
    assert opens(client, revoke) == 401
    assert opens(client, keep) == 200
    (entry,) = ended_entries("撤销")
    assert entry.actor_id == world.volunteer.pk and entry.detail["name"] == "不要了"
    assert entry.ip == "127.0.0.1"


def test_a_password_change_ends_every_token_of_the_user_and_says_so(world, client):
    raw = issue(client, "volunteer")
    other = issue(client, "leader")
    user = User.objects.get(username="volunteer")
    user.set_password("another-passphrase-7")
    user.save()
    password_changed.send(sender=User, user=user, request=None)
    assert opens(client, raw) == 401
    assert opens(client, other) == 200
    assert not ApiToken.objects.filter(user=user).exists()
    (entry,) = ended_entries("密码已修改")
    assert entry.actor_id == user.pk


@pytest.mark.parametrize("how", ["save", "update_fields"])
def test_a_password_set_anywhere_ends_the_tokens_even_without_the_signal(world, client, how):
    raw = issue(client, "volunteer")
    user = User.objects.get(username="volunteer")
    user.set_password("set-from-a-shell-8")
    user.save(**({"update_fields": ["password"]} if how == "update_fields" else {}))
    assert ApiToken.objects.filter(user=user).exists()  # still there, but it opens nothing
    assert opens(client, raw) == 401
    assert ended_entries("密码已修改")
    assert issue(client, "volunteer", password="set-from-a-shell-8")  # a new token works


def test_logging_in_with_an_old_hash_rehashes_the_password_but_keeps_the_tokens(world, client, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    raw = issue(client, "volunteer")
    User.objects.filter(username="volunteer").update(
        password=make_password(PASSWORD, hasher="pbkdf2_sha256"),
    )
    assert client.post(reverse("login"), {"username": "volunteer", "password": PASSWORD}).status_code == 302
    assert User.objects.get(username="volunteer").password.startswith("md5$")  # rehashed
    assert opens(client, raw) == 200


def test_each_sees_only_their_own_tokens_and_an_admin_their_community_s(world, client):
    volunteer, leader = issue(client, "volunteer"), issue(client, "leader")
    admin, outsider = issue(client, "admin"), issue(client, "outsider")
    assert {r["username"] for r in listed(client, volunteer)} == {"volunteer"}
    assert {r["username"] for r in listed(client, leader)} == {"leader"}
    assert {r["username"] for r in listed(client, admin)} == {"admin", "volunteer", "leader"}
    assert {r["username"] for r in listed(client, outsider)} == {"outsider"}
    theirs = next(r for r in listed(client, admin) if r["username"] == "volunteer")
    assert not theirs["mine"]

    # Another community's admin and a colleague cannot revoke it: the same 404 as a missing one.
    assert client.delete(f"{API}/tokens/{theirs['id']}", **bearer(outsider)).status_code == 404
    assert client.delete(f"{API}/tokens/{theirs['id']}", **bearer(leader)).status_code == 404
    assert client.delete(f"{API}/tokens/99999999", **bearer(admin)).status_code == 404
    assert opens(client, volunteer) == 200

    assert client.delete(f"{API}/tokens/{theirs['id']}", **bearer(admin)).status_code == 204
    assert opens(client, volunteer) == 401
    (entry,) = ended_entries("撤销")
    assert entry.actor_id == world.admin.pk and entry.community_id == world.community.pk


def test_the_tokens_page_lists_one_s_own_and_revokes_one(world, client, login):
    issue(client, "volunteer", name="家里的电脑")
    raw = issue(client, "volunteer", name="办公室")
    issue(client, "leader", name="组长的程序")
    page = login(world.volunteer).get(reverse("api_tokens"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "家里的电脑" in text and "办公室" in text and "组长的程序" not in text
    token = ApiToken.objects.get(name="办公室")
    response = client.post(reverse("revoke_token", args=[token.pk]), follow=True)
    assert "已撤销" in response.content.decode()
    assert opens(client, raw) == 401
    assert ended_entries("撤销")[0].actor_id == world.volunteer.pk


def test_the_admin_s_page_shows_and_revokes_the_community_s_people_s_tokens_only(world, client, login):
    issue(client, "leader", name="组长的程序")
    issue(client, "outsider", name="别的社区的程序")
    text = login(world.admin).get(reverse("api_tokens")).content.decode()
    assert "本社区人员的令牌" in text and "组长的程序" in text and "别的社区的程序" not in text
    foreign = ApiToken.objects.get(name="别的社区的程序")
    assert client.post(reverse("revoke_token", args=[foreign.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=foreign.pk).exists()


def test_the_worker_job_deletes_ended_tokens_and_audits_each(world, client):
    idle, fresh = issue(client, "volunteer"), issue(client, "leader")
    age(idle, created=timedelta(days=31))
    assert tokens.end_expired_job() == "删除了 1 个已失效的接口令牌"
    assert ApiToken.objects.count() == 1 and opens(client, fresh) == 200
    assert len(ended_entries("超过 30 天未使用")) == 1


def test_the_openapi_document_has_the_token_endpoints(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/tokens"]
    assert "delete" in paths["/api/v1/tokens/{token_id}"]
    assert "name" in str(paths["/api/v1/auth/token"])
