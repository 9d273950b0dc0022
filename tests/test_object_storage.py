"""Uploads in an S3-compatible object storage (LOUDONG_S3_BUCKET): several app servers and workers, each
with a data dir of its own (no shared disk), one database and one bucket (moto's server, which the suite
starts itself). Real HTTP between real processes: a draft photo uploaded through one app server and
sent through another, a roster uploaded to one and imported by a worker elsewhere, a photo shown only to
those who may see it."""

import io
import re
from datetime import timedelta

import pytest
import requests
from conftest import PASSWORD
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from helpers.activities import make_activity
from helpers.object_storage import (  # noqa: F401 (fixtures)
    AppServer,
    bucket,
    files_on_disk,
    make_bucket,
    run_worker,
    s3_endpoint,
)
from helpers.policy import url as policy_url
from helpers.public_request import PHONE, hidden, jpeg, old_start
from helpers.worker import database_url
from openpyxl import Workbook
from test_backup import ON_POSTGRESQL, UPLOADS, loudong, members, ok

from config import settings as loudong_settings
from loudong.community_life.activities.models import ActivityPhoto
from loudong.policy.models import PolicyDocument
from loudong.registry.models import ImportJob, Resident
from loudong.tickets import actions, forms_public
from loudong.tickets.models import Request

LIVE = pytest.mark.django_db(transaction=True)  # the servers and workers read what the test wrote


@pytest.fixture
def servers(tmp_path, bucket):  # noqa: F811
    """Two app servers, A and B, on the bucket; each has its own (empty) data dir."""
    if ON_POSTGRESQL:  # deploy/smoke runs the same path on PostgreSQL through PgBouncer, once in CI
        pytest.skip("the app servers on a bucket are checked in the SQLite run and by deploy/smoke")
    started = []
    try:
        for name in "ab":
            started.append(AppServer(tmp_path / f"node-{name}", bucket, database_url()))
        yield started
    finally:
        for server in started:
            server.stop()


def log_in(base: str, user) -> requests.Session:
    """A browser's session, signed in through the login page of the server at `base`."""
    # The servers hash passwords with Argon2 (the suite uses a fast hasher).
    user.password = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    user.save(update_fields=["password"])
    session = requests.Session()
    session.get(f"{base}/accounts/login/")
    signed_in = session.post(
        f"{base}/accounts/login/",
        data={"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        allow_redirects=False,
    )
    assert signed_in.status_code == 302, signed_in.text
    return session


def post(session: requests.Session, url: str, **kwargs) -> requests.Response:
    return session.post(url, headers={"X-CSRFToken": session.cookies["csrftoken"]}, allow_redirects=False, **kwargs)


@LIVE
def test_a_draft_photo_uploaded_through_one_server_is_placed_through_another(servers, bucket, world, tmp_path):  # noqa: F811
    a, b = servers
    browser = requests.Session()  # one phone; the proxy sends each of its requests to either server
    landing = browser.get(f"{a.url}/ask/b/{world.building.public_token}/")
    screen2 = browser.post(f"{b.url}/ask/place/", data={**hidden(landing), "step": "1", "category": "environment"})
    photo = jpeg()
    details = {"step": "2", "scope": "household", "description": "家门口堆满了纸箱和旧家具，走路都困难", "room": "301"}
    # Sent without the phone a household matter needs: screen 2 again, with the photo kept as a draft.
    upload = {"new_photos": ("楼道.jpg", photo, "image/jpeg")}
    refused = browser.post(f"{a.url}/ask/place/", data={**hidden(screen2), **details}, files=upload)
    assert refused.status_code == 200 and "家中的事要留电话" in refused.text, refused.text
    drafts = bucket.keys(f"{forms_public.DRAFT_DIR}/")
    assert len(drafts) == 1
    # The thumbnail on screen 2 opens from the other server: it reads the draft from the bucket.
    thumbnail = re.search(r'<img src="(/ask/draft-photo/[^"]+)" alt="照片 1"', refused.text).group(1)
    shown = browser.get(b.url + thumbnail)
    assert shown.status_code == 200 and shown.content == bucket.read(drafts[0])

    sent = browser.post(
        f"{b.url}/ask/place/",
        data={**hidden(refused), **details, "contact_name": "王阿姨", "contact_phone": PHONE, "started": old_start()},
        allow_redirects=False,
    )
    assert sent.status_code == 302, sent.text
    receipt = sent.headers["Location"]
    assert not Request.objects.exists()  # received; the worker places it
    run_worker(tmp_path / "worker", bucket, database_url())

    req = Request.objects.get(tracking_token=receipt.split("/")[3])
    stored = req.photos.get()
    assert stored.image.name.startswith("requests/")
    assert bucket.keys() == [stored.image.name]  # the draft moved to the request's photos
    assert bucket.read(stored.image.name) == shown.content
    assert browser.get(a.url + receipt).status_code == 200
    from_a = browser.get(f"{a.url}/ask/t/{req.tracking_token}/photo/{stored.pk}/")
    assert from_a.status_code == 200 and from_a.content == shown.content
    assert files_on_disk(a.data_dir) == files_on_disk(b.data_dir) == files_on_disk(tmp_path / "worker") == []


def roster_xlsx() -> bytes:
    book = Workbook()
    book.active.append(["姓名", "性别", "出生日期", "联系电话", "住址"])
    book.active.append(["赵春兰", "女", "1956-04-18", "13912345678", "5栋1单元101"])
    book.active.append(["钱志强", "男", "1962-11-03", "13912345679", "5栋1单元102"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@LIVE
def test_a_roster_uploaded_to_one_server_is_imported_by_a_worker_elsewhere(servers, bucket, world, tmp_path):  # noqa: F811
    a, b = servers
    admin = log_in(a.url, world.admin)
    uploaded = post(admin, f"{a.url}/c/xihu/roster/", files={"file": ("居民名册.xlsx", roster_xlsx())})
    assert uploaded.status_code == 302, uploaded.text
    job = ImportJob.objects.get()
    assert bucket.keys() == [job.file.name]

    run_worker(tmp_path / "worker-1", bucket, database_url())  # the preview, read from the bucket
    job.refresh_from_db()
    assert job.status == ImportJob.Status.REVIEW, job.error
    assert job.preview["created"] == 2
    confirmed = post(admin, f"{b.url}/c/xihu/roster/jobs/{job.pk}/confirm/", data={"action": "confirm"})
    assert confirmed.status_code == 302, confirmed.text
    run_worker(tmp_path / "worker-2", bucket, database_url())

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.result["created"] == 2
    assert set(Resident.objects.filter(community=world.community).values_list("name", flat=True)) >= {
        "赵春兰",
        "钱志强",
    }
    assert bucket.keys() == []  # the upload (personal data) is not kept once imported
    assert "导入完成" in admin.get(f"{b.url}/c/xihu/roster/jobs/{job.pk}/").text
    for node in [a.data_dir, b.data_dir, tmp_path / "worker-1", tmp_path / "worker-2"]:
        assert files_on_disk(node) == []


@pytest.fixture
def on_the_bucket(settings, monkeypatch, bucket):  # noqa: F811
    """This test process stores its uploads in the bucket too, configured as a node is."""
    for name, value in bucket.env.items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": loudong_settings._default_storage()}
    return bucket


@LIVE
def test_a_photo_in_the_bucket_is_shown_only_to_those_who_may_see_it(servers, on_the_bucket, world):
    a, b = servers
    photo = jpeg()
    req = actions.place_request(
        community=world.community, building=world.building, category_code="environment",
        description="楼道灯坏了", photos=[ContentFile(photo, name="灯.jpg")],
    )  # fmt: skip
    stored = req.photos.get()
    assert on_the_bucket.read(stored.image.name) == photo
    acl = on_the_bucket.client.get_object_acl(Bucket=on_the_bucket.name, Key=stored.image.name)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # the owner's; nobody else's
    assert all(grant["Grantee"].get("Type") == "CanonicalUser" for grant in acl["Grants"])

    staff_url = f"/c/xihu/requests/{req.pk}/photos/{stored.pk}/"
    shown = log_in(a.url, world.admin).get(b.url + staff_url)
    assert shown.status_code == 200 and shown.content == photo
    assert shown.headers["Cache-Control"] == "private, max-age=3600"
    assert log_in(b.url, world.outsider).get(a.url + staff_url, allow_redirects=False).status_code == 404
    anonymous = requests.get(a.url + staff_url, allow_redirects=False)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.headers["Location"]
    public = f"/ask/t/{req.tracking_token}/photo/{stored.pk}/"
    assert requests.get(b.url + public).content == photo  # the resident's own tracking link
    other = actions.place_request(
        community=world.community, building=world.building, category_code="policy", description="医保报销怎么办"
    )
    assert requests.get(f"{b.url}/ask/t/{other.tracking_token}/photo/{stored.pk}/").status_code == 404


def test_policy_documents_and_activity_photos_in_the_bucket_pass_the_same_checks(on_the_bucket, world, login):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    admin = login(world.admin)
    document = SimpleUploadedFile("实施方案.pdf", pdf)
    assert admin.post(policy_url("documents"), {"kind": "plan", "title": "", "file": document}).status_code == 302
    document = PolicyDocument.objects.get()
    assert on_the_bucket.keys() == [document.file.name] and on_the_bucket.read(document.file.name) == pdf
    download = admin.get(policy_url("download", "xihu", document.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf

    activity = make_activity(world)
    leader = login(world.leader)
    leader.post(f"/c/xihu/activities/{activity.pk}/photos/", {"photos": [SimpleUploadedFile("a.jpg", jpeg())]})
    photo = ActivityPhoto.objects.get(activity=activity)
    photo_url = f"/c/xihu/activities/{activity.pk}/photos/{photo.pk}/"
    shown = leader.get(photo_url)
    assert shown.status_code == 200 and b"".join(shown.streaming_content) == on_the_bucket.read(photo.image.name)

    outsider = login(world.outsider)
    assert outsider.get(policy_url("download", "xihu", document.pk)).status_code == 404
    assert outsider.get(photo_url).status_code == 404
    on_the_bucket.client.delete_object(Bucket=on_the_bucket.name, Key=document.file.name)
    assert login(world.admin).get(policy_url("download", "xihu", document.pk)).status_code == 404  # gone


def test_drafts_left_in_the_bucket_are_removed_after_two_days(on_the_bucket, monkeypatch):
    forgotten = forms_public.save_draft_photo(SimpleUploadedFile("a.jpg", jpeg()))
    assert on_the_bucket.keys() == [forgotten]
    later = forms_public.timezone.now() + forms_public.DRAFT_KEEP + timedelta(minutes=1)
    monkeypatch.setattr(forms_public.timezone, "now", lambda: later)
    kept = forms_public.save_draft_photo(SimpleUploadedFile("a.jpg", jpeg()))
    assert on_the_bucket.keys() == [kept]


def test_backup_reads_the_bucket_and_restore_writes_an_empty_one(make_bucket, tmp_path):  # noqa: F811
    if ON_POSTGRESQL:
        pytest.skip("the nodes here keep their own SQLite database: checked once, in the SQLite run")
    source = make_bucket()
    ok(loudong(tmp_path / "source", "migrate", "-v0", **source.env))
    for name, data in UPLOADS.items():
        source.client.put_object(Bucket=source.name, Key=name, Body=data)
    archive = tmp_path / "backup.tar.gz"
    ok(loudong(tmp_path / "source", "backup", "-o", str(archive), **source.env))
    assert {name: data for name, data in members(archive).items() if name.startswith("media/")} == {
        f"media/{name}": data for name, data in UPLOADS.items()
    }

    target = make_bucket()
    restored = ok(loudong(tmp_path / "target", "restore", str(archive), **target.env))
    assert f"对象存储桶 {target.name}" in restored.stdout
    assert {key: target.read(key) for key in target.keys()} == UPLOADS
    assert files_on_disk(tmp_path / "target") == []

    again = loudong(tmp_path / "again", "restore", str(archive), **target.env)  # an empty database, a full bucket
    assert again.returncode == 2
    assert f"上传文件目录不是空的（对象存储桶 {target.name}）" in again.stderr
    assert {key: target.read(key) for key in target.keys()} == UPLOADS  # left as it was


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("LOUDONG_S3_ENDPOINT_URL", "还需要设置 LOUDONG_S3_ENDPOINT_URL"),
        ("LOUDONG_S3_SECRET_ACCESS_KEY", "还需要设置 LOUDONG_S3_SECRET_ACCESS_KEY"),
    ],
)
def test_a_bucket_without_its_companions_is_refused_naming_them(monkeypatch, missing, message):
    env = {
        "LOUDONG_S3_BUCKET": "loudong",
        "LOUDONG_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
        "LOUDONG_S3_ACCESS_KEY_ID": "key",
        "LOUDONG_S3_SECRET_ACCESS_KEY": "secret",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    with pytest.raises(ImproperlyConfigured, match=message):
        loudong_settings._default_storage()
    monkeypatch.setenv(missing, env[missing])
    monkeypatch.setenv("LOUDONG_S3_ADDRESSING_STYLE", "subdomain")
    with pytest.raises(ImproperlyConfigured, match="LOUDONG_S3_ADDRESSING_STYLE 只能是 path 或 virtual"):
        loudong_settings._default_storage()
    monkeypatch.setenv("LOUDONG_S3_ADDRESSING_STYLE", "virtual")
    options = loudong_settings._default_storage()["OPTIONS"]
    assert (options["addressing_style"], options["region_name"], options["default_acl"]) == (
        "virtual",
        "us-east-1",
        "private",
    )


def test_without_a_bucket_uploads_stay_on_the_local_disk(monkeypatch):
    monkeypatch.delenv("LOUDONG_S3_BUCKET", raising=False)
    assert loudong_settings._default_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
