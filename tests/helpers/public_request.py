"""The public request form (扫码点单) as the browser sends it, screen by screen, from a test client."""

import io
import re
import time
from html import unescape

from django.core import signing
from PIL import Image

from loudong.tickets.models import Request

PHONE = "13512345678"


def hidden(response) -> dict[str, str]:
    """The hidden fields of the page's place form, as the browser would send them back."""
    html = response.content.decode()
    form = html[html.index('id="place-form"') :]
    form = form[: form.index("</form>")]
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return {name: unescape(value) for name, value in fields}


def send(client, data, **extra):
    """Send a screen as the browser does: the answer is a redirect to the next screen (or the same one
    with its errors), which is then opened by GET."""
    sent = client.post("/ask/place/", data, **extra)
    assert sent.status_code == 303, sent.status_code
    return client.get(sent["Location"])


def old_start() -> str:
    return signing.dumps(time.time() - 30, salt="ask.started")


def jpeg(**kwargs) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG", **kwargs)
    return buffer.getvalue()


def screen1(client, world, category="environment"):
    """Open the building's code and send screen 1: the answer is screen 2."""
    page = client.get(f"/ask/b/{world.building.public_token}/")
    return send(client, {**hidden(page), "step": "1", "category": category})


def submit(client, page, **extra):
    """Send screen 2, the last one (the details and the contact): a redirect to the receipt, or to the
    same screen with what was refused."""
    data = {
        **hidden(page),
        "step": "2",
        "description": "三单元楼道里堆满了纸箱和旧家具，走路都困难",
        "contact_name": "王阿姨",
        "contact_phone": PHONE,
        "started": old_start(),
        **extra,
    }
    return client.post("/ask/place/", data)


def submit_and_read_receipt(client, page, **extra) -> Request:
    """Submit, then open the receipt as the browser does (it places the request if the worker has not)."""
    done = submit(client, page, **extra)
    assert done.status_code == 302
    assert client.get(done["Location"]).status_code == 200
    return Request.objects.get(tracking_token=done["Location"].split("/")[3])
