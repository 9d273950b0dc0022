"""`Idempotency-Key` on POSTs: a retry with the same key and body gets the first answer back and
changes nothing; the same key with another body is refused (422).

The record of the key is inserted in the same transaction as the work it guards, and its answer
saved before that transaction commits. A concurrent POST with the same key therefore waits on the
unique index (PostgreSQL) or on the write lock (SQLite, BEGIN IMMEDIATE) until the first has
committed, then finds the record and replays it. If the work fails with a server error nothing is
kept, so a retry runs it again.

Placing a request (POST /api/v1/requests) keeps its key on the one intake row it writes instead
(loudong.tickets.intake; unique per owner and key), so it writes no record here; a key used there
is refused here as a key reused for another request.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone

from loudong.accounts import retention
from loudong.accounts.models import ApiToken
from loudong.accounts.retention import Rule
from loudong.api.auth import csrf_passes, session_user
from loudong.api.models import IdempotencyRecord
from loudong.tickets.intake import placed_rule
from loudong.tickets.models import Intake

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_INVALID = f"{HEADER} 须为 1 到 {MAX_KEY_LENGTH} 个可见字符"
KEY_REUSED = f"这个 {HEADER} 已用于内容不同的请求；重试时请原样重发，新的请求请换一个新的 {HEADER}"


def ttl() -> timedelta:
    """How long an answer is kept for replay, and the key with it (setting IDEMPOTENCY_TTL_HOURS, env
    LOUDONG_IDEMPOTENCY_TTL_HOURS, default 24)."""
    return timedelta(hours=getattr(settings, "IDEMPOTENCY_TTL_HOURS", 24))


@dataclass(frozen=True)
class Owner:
    """Who sent the POST: keys are unique per owner, never across owners."""

    label: str
    user_id: int | None = None
    api_key_id: int | None = None

    @classmethod
    def for_user(cls, user_id: int) -> "Owner":
        return cls(f"user:{user_id}", user_id=user_id)

    @classmethod
    def for_api_key(cls, api_key_id: int) -> "Owner":
        return cls(f"key:{api_key_id}", api_key_id=api_key_id)


def fingerprint(request: HttpRequest) -> str:
    """A hash of what the POST asks for: method, path and body (JSON and form bodies canonicalised,
    so a retry that orders its fields differently is still the same request)."""
    content_type = request.content_type or ""
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Form views may have read the stream already; the parsed form is what matters.
        body = json.dumps(sorted(request.POST.lists()), ensure_ascii=False).encode()
    else:
        body = request.body
        if content_type == "application/json":
            try:
                body = json.dumps(json.loads(body), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
                body = body.encode()
            except (ValueError, UnicodeDecodeError):
                pass
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status, content_type=record.content_type)
    response[REPLAYED_HEADER] = "true"
    return response


def json_refusal(status: int, message: str) -> HttpResponse:
    return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})


def guarded(
    request: HttpRequest,
    owner: Owner,
    run: Callable[[], HttpResponseBase],
    refuse: Callable[[int, str], HttpResponse] = json_refusal,
) -> HttpResponseBase:
    """Run `run()` once per (owner, Idempotency-Key); without the header, just run it."""
    key = request.headers.get(HEADER)
    if key is None:
        return run()
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        return refuse(422, KEY_INVALID)
    body_hash = fingerprint(request)
    with transaction.atomic():
        existing = _claim(request, owner, key, body_hash)
        if existing is not None:
            if existing.body_hash != body_hash:
                return refuse(422, KEY_REUSED)
            return replay(existing)
        response = run()
        if response.status_code >= 500 or getattr(response, "streaming", False):
            # Nothing is remembered (and nothing kept) so that a retry runs the work again.
            transaction.set_rollback(True)
            return response
        IdempotencyRecord.objects.filter(owner=owner.label, key=key).update(
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            body=response.content,
        )
    return response


def _claim(request: HttpRequest, owner: Owner, key: str, body_hash: str) -> IdempotencyRecord | None:
    """Insert the record for this key; the earlier record instead, when the key was used before."""
    cutoff = timezone.now() - ttl()
    if Intake.objects.filter(idempotency_owner=owner.label, idempotency_key=key, received_at__gte=cutoff).exists():
        return IdempotencyRecord(body_hash="")  # used to place a request: another body, refused
    for _ in range(2):
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    owner=owner.label,
                    user_id=owner.user_id,
                    api_key_id=owner.api_key_id,
                    key=key,
                    method=request.method,
                    path=request.path[:300],
                    body_hash=body_hash,
                )
            return None
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(owner=owner.label, key=key).first()
            if existing is None:
                continue  # removed meanwhile: try once more
            if existing.created_at >= cutoff:
                return existing
            existing.delete()  # expired: the key may be used afresh
    raise IntegrityError("idempotency record could not be claimed")


def expired_records(cutoff: datetime) -> "QuerySet[IdempotencyRecord]":
    return IdempotencyRecord.objects.filter(created_at__lt=cutoff)


# Answers older than the TTL, and the intake rows placed before then (their keys with them), are
# deleted by the worker once a day (loudong.accounts.retention).
RULES = (
    Rule(
        name="idempotency retention",
        what="接口重复提交记录",
        keep=ttl,
        due=expired_records,
        object_type="idempotencyrecord",
        community="api_key__community_id",
    ),
    placed_rule(ttl),
)


def purge_expired() -> int:
    """Delete the expired answers and placed intake rows now; how many."""
    return sum(retention.run(rule).count for rule in RULES)


def caller_owner(request: HttpRequest) -> Owner | None:
    """The owner behind `Authorization: Bearer <token>`, else behind the browser's login session when
    its CSRF token is valid; None when neither (the operation then answers 401 or 403, and that
    answer is not kept for the key)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        user = session_user(request)
        return Owner.for_user(user.pk) if user is not None and csrf_passes(request) else None
    found = (
        ApiToken.objects.live().filter(key_hash=ApiToken.hash(token.strip())).values_list("user_id", flat=True).first()
    )
    return None if found is None else Owner.for_user(found)


def idempotent(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For ninja operations: `@decorate_view(idempotent)` wraps the whole operation (authentication,
    validation, the view and its error handlers), so the answer kept is exactly what was sent."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        owner = caller_owner(request) if HEADER in request.headers else None
        if owner is None:
            return run(request, *args, **kwargs)
        return guarded(request, owner, lambda: run(request, *args, **kwargs))

    return wrapper
