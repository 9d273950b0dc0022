"""The installable web app (PWA) for volunteers and leaders: its manifest and its service worker.

The service worker must be served from the site's root to control every page, but its code is a
static file like the rest of our JavaScript: `/sw.js` is a two-line script naming the static files by
their URLs (hashed in production), so every new version of the code changes `/sw.js` and installs
itself. What it does is described in static/js/service-worker.js, the page's side in static/js/offline.js.
"""

import hashlib
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

THEME_COLOUR = "#b3261e"  # --red in static/css/loudong.css, the top bar's colour
BACKGROUND_COLOUR = "#f7f5f2"  # --bg
# What the service worker keeps for pages opened without a network (the pages themselves come later).
OFFLINE_ASSETS = (
    "css/loudong.css",
    "css/elder.css",
    "js/loudong.js",
    "js/offline-store.js",
    "js/offline.js",
    "vendor/htmx-2.0.11.min.js",
)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    icons = [
        {"src": static(f"icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": purpose}
        for size in (192, 512)
        for purpose in ("any", "maskable")  # the house sits in the middle 60%: a round crop keeps it whole
    ]
    body = {
        "id": "/",
        "name": "楼栋",
        "short_name": "楼栋",
        "description": "楼栋党小组：接单、敲门问需，没有信号也能记",
        "lang": "zh-CN",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    scripts = [static("js/offline-store.js"), static("js/service-worker.js")]
    assets = [static(name) for name in OFFLINE_ASSETS]
    version = hashlib.sha256(json.dumps([scripts, assets]).encode()).hexdigest()[:12]
    code = (
        f"self.LOUDONG = {json.dumps({'version': version, 'assets': assets})};\n"
        f"importScripts({', '.join(json.dumps(url) for url in scripts)});\n"
    )
    response = HttpResponse(code, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # the browser checks for a new version on every visit
    return response
