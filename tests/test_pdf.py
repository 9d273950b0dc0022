"""PDFs carry real Chinese glyphs: the text comes back out of the file and the font is embedded."""

import base64
import subprocess

from loudong.lib.pdf import html_to_pdf
from loudong.lib.qr import qr_data_uri, qr_svg


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_chinese_text_survives_into_the_pdf_with_the_font_embedded(tmp_path):
    pdf = html_to_pdf("<h1>楼栋党小组公示栏</h1><p>环城北路93号 · 组长 肖伯群</p>")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "楼栋党小组公示栏" in text and "肖伯群" in text
    fonts = subprocess.run(["pdffonts", str(tmp_path / "out.pdf")], capture_output=True, text=True).stdout
    assert "Loudong-CJK" in fonts and " yes " in fonts  # embedded


def test_qr_codes_come_as_inline_svg_and_as_png_for_print():
    assert qr_svg("http://127.0.0.1:8000/ask/g/1/").startswith("<svg")
    uri = qr_data_uri("http://127.0.0.1:8000/ask/g/1/")
    assert base64.b64decode(uri.split(",", 1)[1]).startswith(b"\x89PNG")
