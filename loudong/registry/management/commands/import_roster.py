"""loudong import_roster FILE.xlsx --community CODE [--json]"""

import json
from argparse import ArgumentParser
from pathlib import Path

from django.core.management.base import BaseCommand

from loudong.registry.models import Community
from loudong.registry.roster.importer import ImportResult, import_roster
from loudong.registry.roster.parse import RosterError

EXIT_USAGE = 2


class Command(BaseCommand):
    help = "导入居民名册（.xlsx、.xls、.et、.ods 或 CSV）：新增、更新，不重复；有问题的行列出行号和原因。"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="名册文件")
        parser.add_argument("--community", required=True, help="社区代码，如 xihu-xincun")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args: object, **options: object) -> None:
        code = options["community"]
        community = Community.objects.filter(code=code).first()
        if community is None:
            self._fail(f"找不到社区代码为“{code}”的社区")
        path = Path(options["file"])
        if not path.is_file():
            self._fail(f"找不到文件：{path}")
        try:
            result = import_roster(str(path), community, file_name=path.name)
        except RosterError as exc:
            self._fail(f"{path.name}：{exc}")
        if options["json"]:
            self.stdout.write(json.dumps(result.summary(), ensure_ascii=False))
        else:
            self.stdout.write(self._summary(result, community))

    def _fail(self, message: str) -> None:
        self.stderr.write(f"导入失败：{message}")
        raise SystemExit(EXIT_USAGE)

    @staticmethod
    def _summary(result: ImportResult, community: Community) -> str:
        lines = [
            f"已导入到{community.name}（{community.code}）：{result.file_name}",
            f"新增 {result.created} 人，更新 {result.updated} 人，没有变化 {result.unchanged} 人，"
            f"新建楼栋、单元和户 {result.places_created} 处。",
        ]
        if result.rejected:
            lines.append(f"有 {len(result.rejected)} 行没有导入：")
            lines += [f"  第 {r['row']} 行：{r['reason']}" for r in result.rejected]
        else:
            lines.append("所有行都已导入。")
        if result.warnings:
            lines.append(f"有 {len(result.warnings)} 行已导入，但请留意：")
            lines += [f"  第 {w['row']} 行：{w['message']}" for w in result.warnings]
        return "\n".join(lines)
