"""Uploaded files, read and written through Django's default storage (so another storage can follow)."""

import posixpath
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage


def stored_names(path: str = "") -> Iterator[str]:
    """Every stored file's name, sorted, directories walked depth first."""
    try:
        directories, files = default_storage.listdir(path)
    except FileNotFoundError:  # no upload yet: the storage's folder does not exist
        return
    for name in sorted(files):
        yield posixpath.join(path, name)
    for directory in sorted(directories):
        yield from stored_names(posixpath.join(path, directory))


def describe() -> str:
    """Where the uploads are kept: the object storage's bucket (LOUDONG_S3_BUCKET) or the local folder."""
    bucket = getattr(default_storage, "bucket_name", None)
    return f"对象存储桶 {bucket}" if bucket else f"上传目录 {settings.MEDIA_ROOT}"


def is_empty() -> bool:
    return next(stored_names(), None) is None


def save(name: str, source: Path) -> str:
    """Stores `source` as `name`; the storage's own name for it is returned (the same in an empty one)."""
    with open(source, "rb") as handle:
        return default_storage.save(name, File(handle, name=posixpath.basename(name)))
