"""Image bombs: a small file of very many pixels (19 KB, 12,500 x 12,500 px, 1.4 GB for a worker to
decode) is refused before it is decoded, in plain Chinese, wherever images are taken: the resident's
request form, a volunteer's photos of the work done, an activity's photos, a policy document."""

import functools
import io
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from helpers.activities import make_activity
from PIL import Image
from test_request_public import screen2

import loudong
from loudong.community_life.activities.models import ActivityPhoto
from loudong.lib.images import max_pixels
from loudong.policy.models import PolicyDocument
from loudong.tickets import actions
from loudong.tickets.models import Request


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@functools.cache
def png(width: int, height: int) -> bytes:
    """A black-and-white PNG: a few KB on disk however many pixels it has."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def bomb(name: str = "bomb.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(12_500, 12_500), content_type="image/png")


def test_the_bomb_is_small_on_disk_and_over_the_limit():
    assert len(png(12_500, 12_500)) < 100_000 and 12_500 * 12_500 > max_pixels()


def test_the_public_form_refuses_an_image_bomb_before_keeping_it(client, world):
    page = screen2(client, world, new_photos=[bomb()])  # refused: screen 2 again
    text = page.content.decode()
    assert "图片“bomb.png”的像素太多" in text and "请用手机截图" in text
    assert not default_storage.exists("ask-drafts") or not default_storage.listdir("ask-drafts")[1]


def test_an_image_just_over_the_limit_says_its_size(client, world, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    photo = SimpleUploadedFile("wide.png", png(2000, 600), content_type="image/png")
    text = screen2(client, world, new_photos=[photo]).content.decode()
    assert "（2000×600）" in text and "超过了 100 万像素" in text


def test_a_volunteer_cannot_resolve_with_an_image_bomb(world, login):
    req = actions.place_request(
        community=world.community,
        building=world.building,
        stairwell=world.stairwell,
        category_code="environment",
        description="楼道灯坏了",
    )
    actions.dispatch(req, world.wang_member, by=world.leader)
    actions.accept(req, by=world.volunteer)
    client = login(world.volunteer)
    response = client.post(
        f"/c/xihu/requests/{req.pk}/resolve/",
        {"resolution": "offline", "reply": "换了新灯泡", "minutes": "20", "photos": [bomb()]},
    )
    assert response.status_code == 400 and "像素太多" in response.content.decode()
    req.refresh_from_db()
    assert req.status == Request.Status.ACCEPTED and not req.photos.exists()


def test_activity_photos_refuse_an_image_bomb(world, login):
    activity = make_activity(world)
    refused = login(world.leader).post(f"/c/xihu/activities/{activity.pk}/photos/", {"photos": [bomb()]}, follow=True)
    assert "像素太多" in refused.content.decode()
    assert not ActivityPhoto.objects.exists()


def test_a_policy_document_image_bomb_is_refused(world, login):
    response = login(world.admin).post(
        "/c/xihu/policy/documents/", {"kind": "plan", "title": "方案", "file": bomb("方案.png")}
    )
    assert "像素太多" in response.content.decode()
    assert not PolicyDocument.objects.exists()


def test_every_module_that_decodes_an_upload_checks_its_pixels_first():
    root = Path(loudong.__file__).parent
    decoders = [path for path in root.rglob("*.py") if "Image.open(" in path.read_text(encoding="utf-8")]
    assert decoders
    for path in decoders:
        if path.name != "images.py":
            assert "refuse_too_many_pixels" in path.read_text(encoding="utf-8"), path
