"""Operations: `loudong backup` and `loudong restore` (README "备份与恢复").

An archive (.tar.gz) holds the database (`database/loudong.sqlite3`, a copy taken with SQLite's online
backup API; or `database/loudong.dump`, pg_dump's custom format), the uploaded files under `media/`
(read and written through Django's default storage) and `manifest.json`: the format version, the app
version, the database vendor, when it was made (Asia/Shanghai), every table's row count and each
member's sha256. The counts are read from the very snapshot that was saved, so they hold under
concurrent writes. The secret key is left out on purpose (see README).

This package imports no domain: it counts tables through django.apps.
"""
