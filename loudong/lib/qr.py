"""QR codes (segno) for paper that leads back to the platform: boards, cards, slips."""

import base64

import segno


def qr_svg(url: str, *, scale: int = 4) -> str:
    """An inline <svg> element for pages (no XML declaration), error correction level M."""
    return segno.make(url, error="m").svg_inline(scale=scale, border=2)


def qr_data_uri(url: str, *, scale: int = 6) -> str:
    """A PNG data URI, for <img> in print templates rendered to PDF."""
    return "data:image/png;base64," + base64.b64encode(_png(url, scale)).decode()


def _png(url: str, scale: int) -> bytes:
    import io

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
