"""An S3-compatible object storage for the tests (moto's server, standing in for MinIO, OSS or COS), and
Loudong nodes that use it: app servers (gunicorn) and workers, each with a data dir of its own, so the
bucket and the database are all they share."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest
from django.conf import settings

VENV = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent.parent
PORTS = range(18200, 18300)  # this suite's share of the machine's ports
KEY_ID, SECRET = "loudong-test", "loudong-test-secret"


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS}")


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on 127.0.0.1, for the whole session."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@dataclass
class Bucket:
    name: str
    env: dict[str, str]  # the LOUDONG_S3_* variables that point a node at it
    client: object  # boto3's S3 client, to look into the bucket as its owner

    def keys(self, prefix: str = "") -> list[str]:
        found = self.client.list_objects_v2(Bucket=self.name, Prefix=prefix)
        return sorted(item["Key"] for item in found.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def make_bucket(s3_endpoint):
    """make_bucket() creates a new, empty bucket."""
    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id=KEY_ID, aws_secret_access_key=SECRET, region_name="us-east-1"
    )

    def make() -> Bucket:
        name = f"loudong-{uuid.uuid4().hex[:12]}"
        client.create_bucket(Bucket=name)
        env = {
            "LOUDONG_S3_BUCKET": name,
            "LOUDONG_S3_ENDPOINT_URL": s3_endpoint,
            "LOUDONG_S3_ACCESS_KEY_ID": KEY_ID,
            "LOUDONG_S3_SECRET_ACCESS_KEY": SECRET,
        }
        return Bucket(name, env, client)

    return make


@pytest.fixture
def bucket(make_bucket) -> Bucket:
    return make_bucket()


def node_env(data_dir: Path, bucket: Bucket, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of one node: its own data dir, the suite's database and secret key, the bucket."""
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LOUDONG_DATA_DIR": str(data_dir),
        "LOUDONG_SECRET_KEY": settings.SECRET_KEY,
        **bucket.env,
        **extra,
    }
    env.pop("LOUDONG_TASKS", None)  # the database queue, as in production: the worker runs the tasks
    return env


class AppServer:
    """gunicorn with config/gunicorn.py. LOUDONG_DEBUG=1 serves the static files from the source folders
    (no collectstatic, a minute of CPU, for each node)."""

    def __init__(self, data_dir: Path, bucket: Bucket, database_url: str) -> None:
        self.data_dir = data_dir
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = node_env(
            data_dir, bucket, database_url, LOUDONG_BIND=f"127.0.0.1:{port}", LOUDONG_WEB_WORKERS="1",
            LOUDONG_DEBUG="1", LOUDONG_REQUEST_MIN_FILL_SECONDS="0",
        )  # fmt: skip
        self.process = subprocess.Popen(
            [VENV / "gunicorn", "-c", str(ROOT / "config" / "gunicorn.py"), "--access-logfile", "/dev/null",
             "config.wsgi"], env=env, cwd=ROOT)  # fmt: skip
        for _ in range(300):
            if self.process.poll() is not None:
                raise RuntimeError(f"the app server on {self.url} stopped: {self.process.returncode}")
            try:
                urllib.request.urlopen(self.url + "/accounts/login/", timeout=5).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"the app server on {self.url} did not answer")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def run_worker(data_dir: Path, bucket: Bucket, database_url: str) -> str:
    """`loudong worker --once` on a node of its own; what it printed."""
    done = subprocess.run(
        [VENV / "loudong", "worker", "--once"], env=node_env(data_dir, bucket, database_url),
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def files_on_disk(data_dir: Path) -> list[Path]:
    """Uploads a node kept on its own disk (none, when the bucket holds them)."""
    media = data_dir / "media"
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.exists() else []
