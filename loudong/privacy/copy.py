"""The copy of a person's data (个人信息保护法 §45): every domain's sheets (loudong.lib.personal), as
one PDF with Chinese text and as one .xlsx with a sheet per kind."""

from datetime import date, datetime

from django.template.loader import render_to_string
from django.utils import timezone

from loudong.lib.pdf import html_to_pdf
from loudong.lib.personal import Person, Sheet, contributions
from loudong.lib.xlsx import xlsx_book


def sheets(person: Person) -> list[Sheet]:
    found = []
    for contribution in contributions(person):
        if contribution.export:
            found.extend(contribution.export(person))
    for sheet in found:
        sheet.rows = [[cell(v) for v in row] for row in sheet.rows]
    return found


def cell(value: object) -> object:
    """What a copy shows: times in Shanghai to the minute, dates as written, nothing empty as None."""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return ""
    return value


def copy_xlsx(person: Person) -> bytes:
    return xlsx_book((s.title, s.headers, s.rows) for s in sheets(person))


def copy_pdf(person: Person, *, community_name: str, now: datetime | None = None) -> bytes:
    context = {
        "community": community_name,
        "name": person.name,
        "made_at": timezone.localtime(now or timezone.now()),
        "sheets": sheets(person),
        "whole": person.whole,
    }
    return html_to_pdf(render_to_string("privacy/copy.html", context))


def file_name(person: Person, extension: str, now: datetime | None = None) -> str:
    return f"个人信息副本-{timezone.localtime(now or timezone.now()):%Y%m%d}.{extension}"
