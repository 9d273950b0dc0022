"""The work report as a PDF (WeasyPrint, bundled Chinese font): the same content as the .docx."""

import base64

from django.template.loader import render_to_string

from loudong.lib.pdf import html_to_pdf
from loudong.stats.report.build import WorkReport


def report_html(report: WorkReport) -> str:
    charts = [
        {
            "title": c.title,
            "description": c.description,
            "src": "data:image/png;base64," + base64.b64encode(c.png).decode("ascii"),
        }
        for c in report.charts
    ]
    return render_to_string("stats/report/report.html", {"report": report, "charts": charts})


def report_pdf(report: WorkReport) -> bytes:
    return html_to_pdf(report_html(report))
