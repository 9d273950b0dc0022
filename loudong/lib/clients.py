"""The client's address: the one place that reads REMOTE_ADDR and X-Forwarded-For (rate limits, the
public form's intake rows, the audit log and the login lockout all ask here).

Anyone can send an X-Forwarded-For header, so it is read only as far as our own proxies wrote it.
Setting PROXY_HOPS (env LOUDONG_PROXY_HOPS, default 0): how many reverse proxies of ours stand in
front of the app. 0: the client is REMOTE_ADDR and the header is ignored. n: each of our proxies
appends the address it was reached from, so the client is the n-th entry from the right; whatever
lies further left was written by the client and is never read.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def proxy_hops() -> int:
    return max(0, int(getattr(settings, "PROXY_HOPS", 0)))


def _address(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return str(address.ipv4_mapped)
    return str(address)


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address as our proxies saw it; None when nothing names one."""
    remote = _address(request.META.get("REMOTE_ADDR") or "")
    hops = proxy_hops()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if not hops or not forwarded:
        return remote
    entries = forwarded.split(",")
    # Fewer entries than proxies: the request skipped the outer ones; the leftmost was still ours.
    return _address(entries[-min(hops, len(entries))]) or remote
