"""`loudong restore FILE`: loads a backup into an empty database and an empty upload folder (or bucket).
`loudong restore --check FILE`: verifies the archive (every checksum, the manifest) and loads nothing.

A damaged archive (truncated, a checksum that does not match, no manifest), a backup of the other
database vendor, or a target that is not empty is refused with exit code 2 before anything is
written. After loading, every table's row count is compared with the manifest and printed.
"""

import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from loudong.ops import archive, database, media
from loudong.ops.archive import DATABASE_MEMBER, MEDIA_PREFIX, Refused

NOT_EMPTY = "只能恢复到空的数据库和空的数据目录，不会覆盖已有数据"


class Command(BaseCommand):
    help = "从备份文件恢复到空的数据库和数据目录；--check 只校验备份文件，不恢复"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="loudong backup 写出的 .tar.gz 文件")
        parser.add_argument("--check", action="store_true", help="只校验备份文件（清单和每个文件的校验和），不恢复")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args: object, archive: str, check: bool = False, **options: object) -> None:
        try:
            (self.check if check else self.restore)(Path(archive))
        except Refused as error:
            raise CommandError(str(error), returncode=2) from error
        except RuntimeError as error:  # pg_restore failed (in one transaction: nothing was loaded)
            raise CommandError(str(error)) from error

    def check(self, path: Path) -> None:
        started = time.monotonic()
        self.say(f"校验 {path} ……")
        manifest = archive.read(path)
        self.describe(manifest)
        files, seconds = len(manifest["members"]), time.monotonic() - started
        self.say(f"备份完好：清单和 {files} 个文件的校验和都对得上（{seconds:.1f} 秒）。")

    def describe(self, manifest: dict) -> None:
        counts = manifest["counts"]
        vendor = manifest["database"]["vendor"]
        self.say(
            f"  生成于 {manifest['created_at']}，Loudong {manifest['app_version']}，"
            f"{database.VENDOR_NAMES.get(vendor, vendor)} {manifest['database'].get('server_version', '')}"
        )
        self.say(f"  {len(counts)} 张表，共 {sum(counts.values())} 行；{manifest['media_files']} 个上传文件")

    def restore(self, path: Path) -> None:
        started = time.monotonic()
        self.say(f"[1/5] 检查目标：{database.describe()}，{media.describe()}")
        if tables := database.existing_tables():
            raise Refused(f"数据库不是空的（已有 {tables} 张表）：{NOT_EMPTY}", database.describe())
        if not media.is_empty():
            raise Refused(f"上传文件目录不是空的（{media.describe()}）：{NOT_EMPTY}", "the upload storage is not empty")
        staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=settings.DATA_DIR))
        try:
            self.say(f"[2/5] 校验并展开备份文件 {path} ……")
            manifest = archive.read(path, into=staging)
            self.describe(manifest)
            vendor = manifest["database"]["vendor"]
            if vendor != connection.vendor:
                names = database.VENDOR_NAMES
                raise Refused(
                    f"这份备份来自 {names.get(vendor, vendor)}，当前数据库是 {names[connection.vendor]}："
                    f"不支持跨数据库恢复，请恢复到一个空的 {names.get(vendor, vendor)} 数据库"
                    + ("（设置 DATABASE_URL）" if vendor == "postgresql" else "（不设 DATABASE_URL）"),
                    f"archive vendor {vendor}, target vendor {connection.vendor}",
                )
            self.say(f"[3/5] 载入数据库（{time.monotonic() - started:.1f} 秒）……")
            database.load(staging / DATABASE_MEMBER[vendor])
            self.say(f"[4/5] 放回上传的文件（{time.monotonic() - started:.1f} 秒）……")
            self.restore_media(manifest, staging)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.say(f"[5/5] 核对行数（{time.monotonic() - started:.1f} 秒）")
        self.verify(manifest["counts"])
        self.say(f"恢复完成，用时 {time.monotonic() - started:.1f} 秒。")
        self.say("密钥不在备份中：请放回原来的 LOUDONG_SECRET_KEY（或数据目录的 secret_key），否则大家需要重新登录。")
        self.say("若本机的 Loudong 比备份时新，请接着运行 loudong migrate。")

    def restore_media(self, manifest: dict, staging: Path) -> None:
        names = sorted(name for name in manifest["members"] if name.startswith(MEDIA_PREFIX))
        shown = time.monotonic()
        for done, member in enumerate(names, 1):
            name = member.removeprefix(MEDIA_PREFIX)
            saved = media.save(name, staging / member)
            if saved != name:
                raise CommandError(f"上传文件 {name} 被存成了 {saved}：存储不是空的或改了文件名")
            if time.monotonic() - shown >= 2:
                shown = time.monotonic()
                self.say(f"      已放回 {done}/{len(names)} 个文件……")
        self.say(f"      {len(names)} 个文件")

    def verify(self, expected: dict[str, int]) -> None:
        found = database.restored_counts(list(expected))
        width = max(map(len, expected), default=10)
        for table, count in expected.items():
            mark = "" if found[table] == count else f"  ✗ 恢复后 {found[table]}"
            self.say(f"  {table:<{width}} {count:>9}{mark}")
        wrong = [table for table in expected if found[table] != expected[table]]
        if wrong:
            raise CommandError(f"恢复后 {len(wrong)} 张表的行数与备份清单不符：{', '.join(wrong[:5])}")
        self.say(f"  {len(expected)} 张表、共 {sum(expected.values())} 行，与备份清单一致")
