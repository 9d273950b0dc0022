"""Write the quarter's feedback sheets (反馈单) of a community, one PDF per workplace party organisation:
loudong feedback_sheets --community xihu-xincun --quarter 2026Q4 -o DIR
"""

from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from loudong.lib.identity import InvalidValue
from loudong.partners.sheets import Quarter, render, sheets_for
from loudong.registry.models import Community


def bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "按季度为每个单位党组织生成在职党员报到服务反馈单（PDF）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        # Checked in handle() rather than by argparse, so that mistakes are explained in Chinese.
        parser.add_argument("--community", help="社区代码")
        parser.add_argument("--quarter", help="季度，如 2026Q4")
        parser.add_argument("-o", "--output", help="保存反馈单的文件夹")

    def handle(self, *args: object, **options: object) -> None:
        code = (options["community"] or "").strip()
        if not code:
            raise bad("请用 --community 写明社区代码，如：--community xihu --quarter 2026Q4 -o 反馈单")
        community = Community.objects.filter(code=code).first()
        if community is None:
            raise bad(f"找不到社区代码 {code}")
        try:
            quarter = Quarter.parse(options["quarter"] or "")
        except InvalidValue as error:
            raise bad(str(error)) from error
        if not options["output"]:
            raise bad("请用 -o 写明保存反馈单的文件夹")
        folder = Path(options["output"])
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise bad(f"不能创建文件夹 {folder}：{error.strerror}") from error
        sheets = sheets_for(community, quarter)
        for sheet in sheets:
            (folder / sheet.filename).write_bytes(render(sheet))
            self.stdout.write(f"{sheet.filename}：{len(sheet.rows)} 人，{sheet.hours} 小时")
        if not sheets:
            self.stdout.write(f"{community.name}还没有确认报到的在职党员，没有生成反馈单")
        else:
            self.stdout.write(f"已生成 {len(sheets)} 张反馈单，保存在 {folder}")
