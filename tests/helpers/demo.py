"""The demo community for a test module: built once, inside a transaction rolled back after the
module's tests (each test runs in its own savepoint on top of it)."""

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings


@contextmanager
def built_demo(django_db_blocker: object) -> Iterator[str]:
    """`loudong demo` run, with what it printed; everything it wrote is rolled back on leaving."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        out = StringIO()
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
