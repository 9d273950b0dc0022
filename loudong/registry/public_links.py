"""Unguessable, stable tokens for the public QR links (/ask/b/, /ask/g/, /ask/m/).

A building, a building group and a member record each carry one `public_token`, made once when the
row is created and never changed, so printed notice boards and contact cards keep working. A QR link
names the token, never the row's number: counting /ask/m/1/, /ask/m/2/ ... no longer walks through
every volunteer's name and building.
"""

import secrets

from django.db import models

TOKEN_BYTES = 16  # 22 URL-safe characters, 128 bits


def new_public_token() -> str:
    """A fresh token; never all digits, so it can never be read as an old numeric link."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not token.isdigit():
            return token


class PublicLink(models.Model):
    """A row that a printed QR code leads to."""

    public_token = models.CharField(
        "二维码链接标识", max_length=32, unique=True, default=new_public_token, editable=False
    )

    class Meta:
        abstract = True


def fill_public_tokens(model: type[models.Model]) -> None:
    """For a migration: give every row without a token a distinct one (in batches)."""
    batch = []
    for row in model.objects.filter(public_token__isnull=True).only("pk").order_by().iterator(chunk_size=2000):
        row.public_token = new_public_token()
        batch.append(row)
        if len(batch) == 2000:
            model.objects.bulk_update(batch, ["public_token"])
            batch = []
    model.objects.bulk_update(batch, ["public_token"])
