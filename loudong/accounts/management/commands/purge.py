"""`loudong purge [--dry-run]`: run every retention rule now, as the worker does once a day
(loudong.accounts.retention), and the audit log's own retention; `--dry-run` says what would be done
and changes nothing."""

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from loudong.accounts import retention


class Command(BaseCommand):
    help = "按保留期限删除或匿名化过期的个人信息（--dry-run 只列出将要处理的条数）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="只列出将要处理的条数，不做任何修改")

    def handle(self, *args: object, dry_run: bool = False, **options: object) -> None:
        now = timezone.now()
        for rule in retention.registered():
            outcome = retention.run(rule, now=now, dry_run=dry_run)
            self.stdout.write(outcome.summary(dry_run) or f"没有需要处理的{rule.what}")
        days = retention.retention_days()
        if dry_run:
            self.stdout.write(f"将删除 {retention.expired_count(now)} 条审计日志（保留期限 {days} 天）")
        else:
            self.stdout.write(f"删除了 {retention.purge_expired(now)} 条审计日志（保留期限 {days} 天）")
