"""Browsers ask every site for /favicon.ico: it answers, and each page names the icons it has."""

import re

from django.urls import reverse


def icon_links(html: str) -> list[str]:
    return re.findall(r'<link rel="icon" href="([^"]+)"', html)


def test_favicon_ico_leads_to_the_icon(client, world):
    response = client.get("/favicon.ico", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][1] == 301
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_every_icon_a_page_names_is_there(client, world, login):
    anonymous = client.get(reverse("login")).content.decode()
    leader = login(world.leader).get(reverse("community", args=["xihu"])).content.decode()
    for page in (anonymous, leader):
        links = icon_links(page)
        assert len(links) == 2
        for href in links:
            assert client.get(href).status_code == 200, href
