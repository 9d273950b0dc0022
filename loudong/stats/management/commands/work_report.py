"""loudong work_report: the work report (工作简报) of a community (or subdistrict, district) as .docx or .pdf.

    loudong work_report --community xihu-xincun --from 2026-01-01 --to 2026-06-30 --format docx -o 简报.docx

Bad input (an unknown community, a bad date, --from after --to, a file that cannot be written) is
reported in Chinese with exit code 2, before anything is computed.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loudong.registry.models import Community, District, Subdistrict
from loudong.stats.period import Period, PeriodError
from loudong.stats.scope import Scope

FORMATS = ("docx", "pdf")
BAD_INPUT = 2


def refuse(message: str) -> CommandError:
    return CommandError(message, returncode=BAD_INPUT)


def scope_of(options: dict) -> Scope:
    given = [key for key in ("community", "subdistrict", "district") if options[key]]
    if len(given) != 1:
        raise refuse("请用 --community、--subdistrict 或 --district 指定一个统计范围（只能指定一个）。")
    key = given[0]
    code = options[key]
    model, label = {
        "community": (Community, "社区"),
        "subdistrict": (Subdistrict, "街道"),
        "district": (District, "区"),
    }[key]
    found = model.objects.filter(code=code).first()
    if found is None:
        raise refuse(f"没有代码为“{code}”的{label}，请检查{label}代码。")
    return Scope(key, found.pk, found.name)


def writable_target(path_text: str, fmt: str) -> Path:
    path = Path(path_text).expanduser()
    if path.exists() and path.is_dir():
        raise refuse(f"“{path}”是一个文件夹，请给出要保存的文件名，例如 {path / ('简报.' + fmt)}。")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise refuse(f"文件夹“{parent}”不存在，无法保存简报。")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise refuse(f"没有权限写入“{path}”，请换一个位置保存。")
    return path


class Command(BaseCommand):
    help = "生成工作简报（Word 或 PDF）：统计期间内的点单、比率、分类表、亮点和图表。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", help="社区代码，例如 xihu-xincun")
        parser.add_argument("--subdistrict", help="街道代码（街道的简报）")
        parser.add_argument("--district", help="区代码（全区的简报）")
        parser.add_argument("--from", dest="start", required=True, help="开始日期（含），例如 2026-01-01")
        parser.add_argument("--to", dest="end", required=True, help="结束日期（含），例如 2026-06-30")
        parser.add_argument("--format", dest="fmt", default="", help="docx 或 pdf（默认按文件扩展名）")
        parser.add_argument("-o", "--output", required=True, help="保存的文件")

    def handle(self, *args: object, **options: object) -> None:
        fmt = (options["fmt"] or Path(options["output"]).suffix.lstrip(".")).lower()
        if fmt not in FORMATS:
            raise refuse("格式只能是 docx 或 pdf（--format docx 或 --format pdf）。")
        try:
            period = Period.parse(options["start"], options["end"])
        except PeriodError as error:
            raise refuse(str(error)) from None
        scope = scope_of(options)
        path = writable_target(options["output"], fmt)

        from loudong.stats.report.build import build_report

        report = build_report(scope, period)
        if fmt == "docx":
            from loudong.stats.report.word import report_docx

            content = report_docx(report)
        else:
            from loudong.stats.report.pdf import report_pdf

            content = report_pdf(report)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise refuse(f"无法写入“{path}”：{error.strerror or error}。") from None
        self.stdout.write(str(path.resolve()))
        self.stdout.write(f"{report.title}{report.subtitle}")
        self.stdout.write("，".join(f"{label} {value}" for label, value in report.headline()))
