"""The installable app: the manifest and the service worker are served from the site's root with the right
types, staff pages link them, the icons are real PNGs of the sizes named, the policy is not weakened, and
退出 tells the browser to drop what the app kept."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image
from test_csp import POLICY, policy_of

ROOT = Path(__file__).resolve().parent.parent


def test_the_manifest_names_the_app_its_icons_and_its_start(client, world):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert (manifest["name"], manifest["short_name"], manifest["display"]) == ("楼栋", "楼栋", "standalone")
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    red = re.search(r"--red: (#[0-9a-f]{6})", (ROOT / "static/css/loudong.css").read_text()).group(1)
    assert manifest["theme_color"] == red
    sizes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        with Image.open(path) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert sizes == {"192x192", "512x512"}


def test_the_service_worker_is_served_from_the_root_and_loads_our_static_code(client, world):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Cache-Control"] == "no-cache"
    code = response.content.decode()
    assert 'importScripts("/static/js/offline-store.js", "/static/js/service-worker.js")' in code
    assert '"/static/js/offline.js"' in code  # kept for pages opened offline
    for name in ("offline-store.js", "service-worker.js", "offline.js"):
        assert finders.find(f"js/{name}")
    # The site's policy already allows a worker, a manifest and fetches from our own origin only
    # (default-src 'self'): nothing is added to it for the app.
    assert policy_of(response) == POLICY
    assert client.post("/sw.js").status_code == 405


def test_staff_pages_link_the_app_and_other_pages_do_not(client, world, login):
    assert 'rel="manifest"' not in client.get(reverse("login")).content.decode()
    html = login(world.volunteer).get(reverse("outreach:mine", args=["xihu"])).content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'src="/static/js/offline.js" data-sw="/sw.js"' in html
    assert f'<meta name="loudong-account" content="{world.volunteer.pk}" data-login-at="' in html
    client.logout()
    html = login(world.resident).get(reverse("community", args=["xihu"])).content.decode()
    assert 'rel="manifest"' not in html  # a resident's account is no staff: no app, nothing kept


def test_logging_out_tells_the_browser_to_drop_what_the_app_kept(client, world, login):
    response = login(world.volunteer).post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_the_visit_form_offers_the_categories_a_need_goes_to_when_queued(client, world, login):
    html = login(world.volunteer).get(reverse("outreach:visit_new", args=["xihu"])).content.decode()
    assert "<div data-offline-only hidden>" in html
    assert '<option value="hardship">困难需求</option>' in html
