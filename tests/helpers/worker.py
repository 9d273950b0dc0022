"""Run a `loudong worker` job the way the worker does (pages only read, so a test that changes
something and then reads figures lets the worker's minute pass first), and run several workers at
once in their own processes."""

import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from loudong.worker.jobs import registered


def run_job(name: str) -> str:
    return next(job for job in registered() if job.name == name).run()


def tallies() -> None:
    """The worker's "tallies" job: the stale request tallies and group coverage recounted."""
    run_job("tallies")


def database_url() -> str:
    """The test database, as DATABASE_URL for another process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}@{db['HOST']}{port}/{db['NAME']}"


def run_together(script: str, workers: int, go: Path, env: dict[str, str] | None = None) -> list[str]:
    """Start `workers` processes running `script` on the test database; the script waits until the
    file `go` exists (sys.argv[1]), so they all start its work at once. Their outputs."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        **(env or {}),
    }
    prelude = "import os, sys, time\nimport django\ndjango.setup()\n"
    wait = "while not os.path.exists(sys.argv[1]):\n    time.sleep(0.01)\n"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", prelude + wait + script, str(go)], env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(workers)
    ]
    time.sleep(3)  # let each one load Django and wait at the line
    go.touch()
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs), outputs
    return outputs
