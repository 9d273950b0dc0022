"""`loudong stats_rebuild [--community CODE]`: count the tallies of finished requests again from the
request table (after bulk loads and imports that bypass loudong.tickets.actions), and the group
coverage from the registry."""

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from loudong.registry.models import Community
from loudong.stats import coverage, tally


class Command(BaseCommand):
    help = "重新统计已办结点单的汇总表（批量导入数据之后运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--community", help="只重新统计这个社区（社区代码）")

    def handle(self, *args: object, community: str | None = None, **options: object) -> None:
        ids = None
        if community:
            found = Community.objects.filter(code=community).values_list("pk", flat=True).first()
            if found is None:
                raise CommandError(f"没有代码为“{community}”的社区。")
            ids = [found]
        began = time.perf_counter()
        tally.rebuild(ids)
        coverage.rebuild(ids)
        self.stdout.write(f"汇总表已重新统计，用时 {time.perf_counter() - began:.1f} 秒")
