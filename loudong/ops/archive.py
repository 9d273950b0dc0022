"""The backup archive: members written with their sha256, and read back verified before any use.

Layout: `database/loudong.sqlite3` or `database/loudong.dump`, `media/<storage name>` for each
uploaded file, and `manifest.json` last (it holds the others' checksums).
"""

import hashlib
import io
import json
import os
import tarfile
import time
import zlib
from pathlib import Path, PurePosixPath
from typing import BinaryIO

FORMAT = "loudong-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database/loudong.sqlite3", "postgresql": "database/loudong.dump"}
MEDIA_PREFIX = "media/"
CHUNK = 1 << 20


class Refused(Exception):
    """The archive or the target cannot be used (exit code 2): a Chinese message, an English detail."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message}\n  detail: {self.detail}" if self.detail else self.message


class _Hashing:
    """A file object that hashes what is read from it (tarfile reads members through it)."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.sha256.update(data)
        return data


class Writer:
    """Writes FILE.partial, renamed to FILE only once complete, so a failed backup leaves no archive."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".partial")
        self.members: dict[str, dict] = {}

    def __enter__(self) -> "Writer":
        self.file = open(self.partial, "wb")  # noqa: SIM115 - closed in finish() or __exit__
        self.tar = tarfile.open(fileobj=self.file, mode="w:gz", compresslevel=6)
        return self

    def add(self, name: str, handle: BinaryIO, size: int) -> None:
        info = tarfile.TarInfo(name)
        info.size, info.mtime, info.mode = size, int(time.time()), 0o600
        hashing = _Hashing(handle)
        self.tar.addfile(info, hashing)
        self.members[name] = {"sha256": hashing.sha256.hexdigest(), "size": size}

    def finish(self, manifest: dict) -> None:
        data = json.dumps({**manifest, "members": self.members}, ensure_ascii=False, indent=1).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(time.time()), 0o600
        self.tar.addfile(info, io.BytesIO(data))
        self.tar.close()
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.partial, self.path)

    def __exit__(self, kind: type | None, error: BaseException | None, trace: object) -> None:
        if kind is not None:
            self.tar.close()
            self.file.close()
            self.partial.unlink(missing_ok=True)


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (
        not path.is_absolute()
        and ".." not in path.parts
        and (name == MANIFEST or name in DATABASE_MEMBER.values() or name.startswith(MEDIA_PREFIX))
    )


def read(path: Path, into: Path | None = None) -> dict:
    """The archive's manifest, once every member has been read and matched its checksum; each member
    is written under `into` when given. Raises Refused for anything amiss (nothing else is touched)."""
    digests: dict[str, str] = {}
    manifest_data = None
    try:
        with tarfile.open(path, "r|gz") as tar:
            for info in tar:
                if not info.isfile() or not _safe_name(info.name) or info.name in digests:
                    raise Refused("备份文件中有不该有的条目，不是 Loudong 的备份或已被改动", f"member {info.name!r}")
                handle = tar.extractfile(info)
                if info.name == MANIFEST:
                    manifest_data = handle.read()
                    digests[MANIFEST] = ""
                    continue
                digests[info.name] = _copy(handle, into / info.name if into else None)
    except FileNotFoundError as error:
        raise Refused("找不到备份文件", str(error)) from error
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise Refused(
            "备份文件不完整或已损坏：压缩包读不完（可能被截断）", f"{type(error).__name__}: {error}"
        ) from error
    if manifest_data is None:
        raise Refused("备份文件中没有清单（manifest.json）：不是 Loudong 的备份，或已损坏", f"{path}")
    try:
        manifest = json.loads(manifest_data)
        members = manifest["members"]
        if manifest["format"] != FORMAT:
            raise ValueError(f"format {manifest['format']!r}")
        version = int(manifest["format_version"])
    except (ValueError, KeyError, TypeError) as error:
        raise Refused("备份文件的清单（manifest.json）读不懂：不是 Loudong 的备份，或已损坏", repr(error)) from error
    if version > FORMAT_VERSION:
        raise Refused(
            f"这份备份由更新的 Loudong 生成（格式第 {version} 版），请先升级 Loudong 再恢复",
            f"archive format {version}, this version reads up to {FORMAT_VERSION}",
        )
    digests.pop(MANIFEST)
    missing = sorted(set(members) - set(digests))
    extra = sorted(set(digests) - set(members))
    wrong = sorted(name for name in set(members) & set(digests) if members[name]["sha256"] != digests[name])
    if missing:
        raise Refused(f"备份文件缺少清单中的 {len(missing)} 个文件，已损坏", ", ".join(missing[:5]))
    if extra:
        raise Refused(f"备份文件中有 {len(extra)} 个清单之外的文件，已被改动", ", ".join(extra[:5]))
    if wrong:
        raise Refused(
            f"备份文件中 {len(wrong)} 个文件的校验和不符，已损坏或被改动", "sha256 mismatch: " + ", ".join(wrong[:5])
        )
    vendor = manifest.get("database", {}).get("vendor")
    if DATABASE_MEMBER.get(vendor) not in members:
        raise Refused("备份文件中没有数据库，已损坏", f"vendor {vendor!r}")
    return manifest


def _copy(handle: BinaryIO, target: Path | None) -> str:
    sha256 = hashlib.sha256()
    out = None
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        out = open(target, "wb")  # noqa: SIM115 - closed below
    try:
        while chunk := handle.read(CHUNK):
            sha256.update(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return sha256.hexdigest()
