"""HTTPS from the environment (config/settings.py): `loudong check --deploy` is clean with the
production settings README documents; LOUDONG_HTTPS=1 redirects plain http, marks cookies secure and
sends HSTS; the proxy's X-Forwarded-Proto is believed only when LOUDONG_PROXY_HOPS says our proxy
stands in front; with LOUDONG_HTTPS unset (development, the tests) nothing changes."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PASSWORD
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
LOUDONG = Path(sys.executable).parent / "loudong"
SHOWN = [
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
    "CSRF_TRUSTED_ORIGINS",
    "DEBUG",
]


def environment(tmp_path: Path, **values: str) -> dict[str, str]:
    """A clean environment: none of this machine's LOUDONG_ or DATABASE_ variables, a data dir of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LOUDONG_", "DATABASE_", "DJANGO_"))}
    return {**env, "LOUDONG_DATA_DIR": str(tmp_path / "var"), **values}


def production(tmp_path: Path, **values: str) -> dict[str, str]:
    """README's production block."""
    readme = {
        "LOUDONG_HTTPS": "1",
        "LOUDONG_SECRET_KEY": secrets.token_urlsafe(50),
        "LOUDONG_HOSTS": "loudong.example.org",
        "LOUDONG_PUBLIC_URL": "https://loudong.example.org",
        "LOUDONG_PROXY_HOPS": "1",
    }
    return environment(tmp_path, **{**readme, **values})


def settings_in(env: dict[str, str]) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {SHOWN!r}}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_the_production_settings_readme_documents(tmp_path):
    result = subprocess.run(
        [str(LOUDONG), "check", "--deploy", "--fail-level", "WARNING"],
        env=production(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_names_what_is_missing_without_https(tmp_path):
    env = production(tmp_path)
    del env["LOUDONG_HTTPS"]
    result = subprocess.run([str(LOUDONG), "check", "--deploy"], env=env, cwd=tmp_path, capture_output=True, text=True)
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


@pytest.fixture(scope="module")
def in_production(tmp_path_factory) -> dict:
    """The settings README's production block gives (one process start, read by several tests)."""
    return settings_in(production(tmp_path_factory.mktemp("production")))


def test_https_turns_on_redirect_secure_cookies_hsts_and_trusts_the_proxy_header(in_production):
    assert in_production == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "CSRF_TRUSTED_ORIGINS": ["https://loudong.example.org"],
        "DEBUG": False,
    }


def test_the_proxy_header_is_ignored_without_a_proxy_of_ours_and_hsts_is_configurable(tmp_path):
    shown = settings_in(
        production(tmp_path, LOUDONG_PROXY_HOPS="0", LOUDONG_HSTS_SECONDS="300", LOUDONG_HSTS_PRELOAD="1")
    )
    assert shown["SECURE_PROXY_SSL_HEADER"] is None
    assert shown["SECURE_HSTS_SECONDS"] == 300 and shown["SECURE_HSTS_PRELOAD"] is True


def test_without_https_nothing_changes(tmp_path):
    shown = settings_in(environment(tmp_path))
    assert shown == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": None,
        "CSRF_TRUSTED_ORIGINS": ["http://127.0.0.1:8000"],
        "DEBUG": False,
    }


# -- what a browser meets: the production values, applied in this process -------------------------------


@pytest.fixture
def https(settings, in_production):
    """The values production() gives (checked above), for requests through the test client."""
    for name, value in in_production.items():
        if name != "DEBUG":
            setattr(settings, name, tuple(value) if name == "SECURE_PROXY_SSL_HEADER" else value)
    settings.PROXY_HOPS = 1
    settings.ALLOWED_HOSTS = ["loudong.example.org"]
    return Client(HTTP_HOST="loudong.example.org")


def test_plain_http_is_sent_to_https(https, world):
    response = https.get("/accounts/login/?next=/c/xihu/")
    assert response.status_code == 301
    assert response["Location"] == "https://loudong.example.org/accounts/login/?next=/c/xihu/"


def test_behind_our_proxy_https_pages_carry_hsts_and_the_login_cookies_are_secure(https, world):
    proxied = {"HTTP_X_FORWARDED_PROTO": "https", "REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}
    page = https.get("/accounts/login/", **proxied)
    assert page.status_code == 200
    assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert page.cookies["csrftoken"]["secure"]
    token = page.cookies["csrftoken"].value
    response = https.post(
        "/accounts/login/",
        {"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://loudong.example.org",
        **proxied,
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]
    assert https.get(reverse("community", args=["xihu"]), **proxied).status_code == 200


def test_without_https_the_test_server_answers_plain_http(client, world):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "Strict-Transport-Security" not in page
    assert not page.cookies["csrftoken"]["secure"]
