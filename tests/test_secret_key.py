"""Nodes sharing a PostgreSQL database share one secret key: none generates its own."""

import os
import subprocess
import sys

PRINT_KEY = "from django.conf import settings; print(settings.SECRET_KEY); print(settings.SECRET_KEY_FALLBACKS)"


def settings_of(tmp_path, **env_vars):
    env = {k: v for k, v in os.environ.items() if k not in ("LOUDONG_SECRET_KEY", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", LOUDONG_DATA_DIR=str(tmp_path), **env_vars)
    return subprocess.run([sys.executable, "-c", PRINT_KEY], env=env, capture_output=True, text=True)


def test_a_postgresql_node_without_the_key_refuses_to_start_and_names_the_variable(tmp_path):
    run = settings_of(tmp_path, DATABASE_URL="postgres://loudong@db.example:5432/loudong")
    assert run.returncode != 0
    assert "LOUDONG_SECRET_KEY" in run.stderr and "多台服务器" in run.stderr
    assert not (tmp_path / "secret_key").exists()


def test_with_the_key_every_node_signs_alike_and_old_keys_still_verify(tmp_path):
    run = settings_of(
        tmp_path,
        DATABASE_URL="postgres://loudong@db.example:5432/loudong",
        LOUDONG_SECRET_KEY="k" * 50,
        LOUDONG_SECRET_KEY_FALLBACKS="old-one,older-one",
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == ["k" * 50, "['old-one', 'older-one']"]


def test_a_single_sqlite_node_generates_its_key_once(tmp_path):
    first, second = settings_of(tmp_path), settings_of(tmp_path)
    assert first.returncode == 0 and first.stdout == second.stdout
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
