"""`loudong create_api_key` and `loudong api_keys`: a key is shown once, listed by name only, and a
revoked key is refused by Open311 from then on."""

import io

import pytest
from django.core.management import CommandError, call_command

from loudong.accounts.models import AuditEntry
from loudong.api.models import ApiKey


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_new_key_is_printed_alone_on_the_last_line_and_listed_without_it(world):
    raw = run("create_api_key", "--community", world.community.code, "--name", "12345热线").splitlines()[-1]
    listing = run("api_keys", "--community", world.community.code)
    assert "12345热线" in listing and "启用" in listing and "从未使用" in listing
    assert raw not in listing and ApiKey.objects.get().key_hash not in listing


def test_a_revoked_key_is_refused_by_open311_and_the_revocation_is_audited(world, client):
    key, raw = ApiKey.issue(world.community, "合作应用")
    form = {"api_key": raw, "service_code": "environment", "address_id": world.building.pk, "description": "楼道灯坏了"}
    assert client.post("/open311/v2/requests.json", form).status_code == 200

    assert "已停用" in run("api_keys", "--community", world.community.code, "--revoke", str(key.pk))
    response = client.post("/open311/v2/requests.json", form)
    assert response.status_code == 403
    assert "已停用" in run("api_keys", "--community", world.community.code)
    entry = AuditEntry.objects.filter(object_type="apikey", action=AuditEntry.Action.UPDATE).get()
    assert entry.object_id == str(key.pk)


def test_a_key_of_another_community_cannot_be_revoked_from_here(world):
    other = ApiKey.issue(world.other, "别的社区")[0]
    with pytest.raises(CommandError, match="没有编号为") as raised:
        run("api_keys", "--community", world.community.code, "--revoke", str(other.pk))
    assert raised.value.returncode == 2
    assert ApiKey.objects.get(pk=other.pk).active


def test_an_unknown_community_is_a_clear_error(db):
    with pytest.raises(CommandError, match="没有代码为 nowhere 的社区"):
        run("api_keys", "--community", "nowhere")
