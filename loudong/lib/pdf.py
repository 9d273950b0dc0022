"""HTML to PDF with WeasyPrint and the bundled Chinese font (WenQuanYi Micro Hei).

The font ships in loudong/lib/fonts (not among the static files: no page uses it) so PDFs carry real
Chinese glyphs on any machine. Print views use the same templates as the pages: extend
templates/print/base.html.
"""

from pathlib import Path

FONT_FILE = Path(__file__).resolve().parent / "fonts" / "wqy-microhei.ttc"
FONT_FAMILY = "Loudong CJK"

_FONT_CSS = f"""
@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{FONT_FILE.as_uri()}"); }}
html {{ font-family: "{FONT_FAMILY}", sans-serif; }}
"""


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render one HTML document to PDF bytes, with the Chinese font embedded.

    WeasyPrint costs a process about 30 MiB, so it is imported here: only a process that prints pays."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    stylesheet = CSS(string=_FONT_CSS, font_config=fonts)
    return HTML(string=html, base_url=base_url or str(FONT_FILE.parent)).write_pdf(
        stylesheets=[stylesheet], font_config=fonts
    )
