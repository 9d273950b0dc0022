"""The work report as a Word document (.docx, python-docx): the same content as the PDF."""

from io import BytesIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from loudong.stats.report.build import Table, WorkReport

BODY_FONT = "宋体"
HEADING_FONT = "黑体"


def _east_asian(run_or_style: object, name: str) -> None:
    """Word picks Chinese glyphs from the east-Asian font slot, which python-docx does not set itself."""
    run_or_style.font.name = name
    r_pr = run_or_style.element.get_or_add_rPr()
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), name)


def _table(document: Document, table: Table) -> None:
    caption = document.add_paragraph()
    caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(caption.add_run(table.title), HEADING_FONT)
    grid = document.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        _east_asian(run, HEADING_FONT)
    for values in table.rows:
        cells = grid.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    if table.note:
        note = document.add_paragraph()
        run = note.add_run(table.note)
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)


def report_docx(report: WorkReport) -> bytes:
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    _east_asian(normal, BODY_FONT)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.2)

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(report.title)
    run.bold = True
    run.font.size = Pt(20)
    run.font.color.rgb = RGBColor(0xC0, 0x39, 0x2B)
    _east_asian(run, HEADING_FONT)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(subtitle.add_run(report.subtitle), BODY_FONT)
    meta = document.add_paragraph()
    meta_run = meta.add_run(report.generated_line)
    meta_run.font.size = Pt(9)

    for section in report.sections:
        heading = document.add_paragraph()
        heading_run = heading.add_run(section.heading)
        heading_run.bold = True
        heading_run.font.size = Pt(14)
        _east_asian(heading_run, HEADING_FONT)
        for text in section.paragraphs:
            paragraph = document.add_paragraph(text)
            paragraph.paragraph_format.first_line_indent = Pt(24)
        for table in section.tables:
            _table(document, table)

    heading = document.add_paragraph()
    heading_run = heading.add_run("图表")
    heading_run.bold = True
    heading_run.font.size = Pt(14)
    _east_asian(heading_run, HEADING_FONT)
    for chart in report.charts:
        document.add_picture(BytesIO(chart.png), width=Cm(15.5))
        document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption = document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _east_asian(caption.add_run(chart.title), HEADING_FONT)
        description = document.add_paragraph()
        description.add_run(chart.description).font.size = Pt(9)

    heading = document.add_paragraph()
    heading_run = heading.add_run("附：口径说明")
    heading_run.bold = True
    heading_run.font.size = Pt(12)
    _east_asian(heading_run, HEADING_FONT)
    for label, text in report.definitions:
        paragraph = document.add_paragraph()
        label_run = paragraph.add_run(f"{label}：")
        label_run.bold = True
        label_run.font.size = Pt(9)
        paragraph.add_run(text).font.size = Pt(9)

    out = BytesIO()
    document.save(out)
    return out.getvalue()
