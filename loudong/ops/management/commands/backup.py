"""`loudong backup -o FILE.tar.gz`: the database, the uploaded files and a manifest in one archive.

Safe while the platform runs: the database is copied as one consistent snapshot (see
loudong.ops.database) and the manifest's row counts are those of that snapshot. README "备份与恢复"
says how to schedule it and keep copies.
"""

import shutil
import tempfile
import time
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from loudong.lib.shanghai import SHANGHAI
from loudong.ops import database, media
from loudong.ops.archive import DATABASE_MEMBER, FORMAT, FORMAT_VERSION, MEDIA_PREFIX, Refused, Writer

PROGRESS_SECONDS = 2.0


def app_version() -> str:
    try:
        return version("loudong")
    except PackageNotFoundError:
        return "unknown"


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


class Command(BaseCommand):
    help = "备份数据库和上传的文件，写成一个 .tar.gz 文件（平台运行时也可以备份）"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="备份文件，例如 loudong-20261207.tar.gz")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def handle(self, *args: object, output: str, **options: object) -> None:
        path = Path(output).resolve()
        if path.is_dir() or not path.parent.is_dir():
            raise CommandError(f"备份文件的位置不对：{output}（应是一个已有目录中的文件名）", returncode=2)
        try:
            self.backup(path)
        except Refused as error:
            raise CommandError(str(error), returncode=2) from error
        except RuntimeError as error:  # pg_dump failed; no archive was written
            raise CommandError(str(error)) from error

    def backup(self, path: Path) -> None:
        started = time.monotonic()
        vendor = connection.vendor
        staging = Path(tempfile.mkdtemp(prefix=".loudong-backup-", dir=path.parent))
        try:
            self.say(f"[1/3] 数据库（{database.describe()}）：读取快照……")
            snapshot = staging / "database"
            counts = database.snapshot(snapshot)
            size = snapshot.stat().st_size
            self.say(
                f"      快照 {megabytes(size)}，{len(counts)} 张表，共 {sum(counts.values())} 行"
                f"（{time.monotonic() - started:.1f} 秒）"
            )
            with Writer(path) as writer:
                with open(snapshot, "rb") as handle:
                    writer.add(DATABASE_MEMBER[vendor], handle, size)
                self.say(f"      已压缩写入（{time.monotonic() - started:.1f} 秒）")
                files = self.add_media(writer)
                self.say("[3/3] 写入清单（manifest.json）")
                writer.finish({
                    "format": FORMAT,
                    "format_version": FORMAT_VERSION,
                    "app_version": app_version(),
                    "created_at": datetime.now(SHANGHAI).isoformat(timespec="seconds"),
                    "database": {"vendor": vendor, "server_version": database.server_version()},
                    "counts": counts,
                    "media_files": files,
                    "secret_key": "not included: keep LOUDONG_SECRET_KEY or the data dir's secret_key apart",
                })  # fmt: skip
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self.say(
            f"备份完成：{path}（{megabytes(path.stat().st_size)}，{files} 个上传文件，"
            f"用时 {time.monotonic() - started:.1f} 秒）"
        )

    def add_media(self, writer: Writer) -> int:
        self.say("[2/3] 上传的文件……")
        files = total = 0
        shown = time.monotonic()
        for name in media.stored_names():
            try:
                size = default_storage.size(name)
                with default_storage.open(name, "rb") as handle:
                    writer.add(MEDIA_PREFIX + name, handle, size)
            except FileNotFoundError:  # deleted since it was listed (an expired draft photo)
                continue
            files, total = files + 1, total + size
            if time.monotonic() - shown >= PROGRESS_SECONDS:
                shown = time.monotonic()
                self.say(f"      已写入 {files} 个文件，{megabytes(total)}……")
        self.say(f"      {files} 个文件，{megabytes(total)}")
        return files
