"""Lockout by username and address together (等保 2.0): five wrong passwords from one address lock
that username there only, so nobody can lock an admin out from elsewhere; a community's admin sees
the locks of their people and lifts one, which the audit log records."""

from conftest import PASSWORD
from django.urls import reverse

from loudong.accounts.models import AuditEntry

A, B = "10.0.0.1", "10.0.0.2"


def attempt(client, username: str, password: str, address: str):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def lock(client, username: str, address: str = A) -> None:
    for _ in range(5):
        attempt(client, username, "wrong-password", address)
    assert attempt(client, username, PASSWORD, address).status_code == 429


def test_five_failures_from_one_address_lock_it_there_but_not_from_another(world, client):
    lock(client, "admin", A)
    response = attempt(client, "admin", PASSWORD, B)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.admin.pk)
    client.logout()
    assert attempt(client, "admin", PASSWORD, A).status_code == 429


def test_the_api_token_login_follows_the_same_lock(world, client):
    lock(client, "leader", A)

    def token(address: str) -> int:
        body = {"username": "leader", "password": PASSWORD}
        return client.post("/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR=address).status_code

    assert token(A) == 429
    assert token(B) == 200


def test_the_admin_sees_the_lock_of_their_person_and_unlocks_it(world, client, login):
    lock(client, "leader", A)
    page = login(world.admin).get(reverse("locks", args=["xihu"]))
    assert page.status_code == 200
    (shown,) = page.context["locks"]
    assert shown.user == world.leader and shown.ip_address == A and shown.failures >= 5
    text = page.content.decode()
    assert "leader" in text and A in text and "解锁" in text

    response = client.post(reverse("unlock", args=["xihu"]), {"username": "leader", "ip_address": A}, follow=True)
    assert "已解除" in response.content.decode()
    assert response.context["locks"] == []
    client.logout()
    assert attempt(client, "leader", PASSWORD, A).status_code == 302

    entry = AuditEntry.objects.get(action="update", object_type="user", detail__what="解除登录锁定")
    assert entry.actor_id == world.admin.pk and entry.object_id == str(world.leader.pk)
    assert entry.community_id == world.community.pk and entry.detail["被锁定的地址"] == A
    assert entry.ip == "127.0.0.1"


def test_a_lock_of_an_unknown_name_or_another_community_s_person_is_not_shown(world, client, login):
    lock(client, "outsider", A)
    for _ in range(5):
        attempt(client, "nobody-at-all", "wrong-password", A)
    page = login(world.admin).get(reverse("locks", args=["xihu"]))
    assert page.context["locks"] == [] and "现在没有被锁定的账号" in page.content.decode()
    client.post(reverse("unlock", args=["xihu"]), {"username": "outsider", "ip_address": A})
    client.logout()
    assert attempt(client, "outsider", PASSWORD, A).status_code == 429


def test_a_leader_or_another_community_s_admin_can_neither_see_nor_unlock(world, client, login):
    lock(client, "volunteer", A)
    for user in (world.leader, world.outsider, world.overseer):
        login(user)
        assert client.get(reverse("locks", args=["xihu"])).status_code == 404
        response = client.post(reverse("unlock", args=["xihu"]), {"username": "volunteer", "ip_address": A})
        assert response.status_code == 404
        client.logout()
    assert attempt(client, "volunteer", PASSWORD, A).status_code == 429
    assert not AuditEntry.objects.filter(detail__what="解除登录锁定").exists()


def test_the_menu_offers_the_locks_page_to_the_admin(world, login):
    text = login(world.admin).get(reverse("community", args=["xihu"])).content.decode()
    assert reverse("locks", args=["xihu"]) in text and reverse("api_tokens") in text
