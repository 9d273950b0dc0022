"""Intake: a submission from the resident's form or the API is checked, written as ONE row (Intake)
and acknowledged at once; it becomes a Request right after, in batches.

- `receive` writes the row. Everything the form and the API refuse is checked before it (by the
  forms, the API's schema and `check_submission`), so a row once written is a promise: it is never
  dropped. Its tracking token is made here and becomes the request's. A form page is good for one
  submission: its signed start time is kept (as a digest, unique) and a second use refused.
- `limited` is the rate limit of the resident's form, counted on the intake rows of the last hour
  (an exact sliding window read on an index; nothing else is written).
- `materialize(ids)` turns rows into Requests through the same rules as `place_request`
  (`placing.prepare` and `placing.write`: number, group, deadlines, events, notifications), many
  in one short transaction. A row that cannot become a request (its building was deleted
  meanwhile, its category removed) keeps its error, the community's admins are told once in their
  inbox, and it is retried later with a growing delay (30 s doubling, at most 6 hours).
- `drain` is what `loudong worker` runs every second; `materialize_token` is what the resident's
  receipt and tracking pages (and the API's receipt) run when the worker has not come by yet.
"""

import functools
import hashlib
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, models, transaction
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.utils import timezone

from loudong.accounts import ratelimit, retention
from loudong.accounts.models import Role, User
from loudong.accounts.retention import Rule
from loudong.lib.actions import ActionRefused
from loudong.lib.sql import prepared_cursor
from loudong.notify import outbox
from loudong.policy.rules import Rules
from loudong.registry.models import Building, Household, Member, Resident, Stairwell
from loudong.tickets.access import staff_grant_join
from loudong.tickets.actions import placing
from loudong.tickets.actions.placing import fetch, table
from loudong.tickets.forms_public import PAGE_LIFETIME, delete_drafts
from loudong.tickets.models import Intake, Request

log = logging.getLogger(__name__)
# Rows written in one transaction. On SQLite it holds the one write lock that long, and submissions
# arriving meanwhile wait for it: with `loudong worker` draining during the load, their p99 was
# 337-378 ms with 50 a batch and 198-220 ms with 20 (benchmarks/request_throughput.py --worker, one
# run each on a shared machine).
BATCH = 20
ALREADY_RECEIVED = "这份点单已经提交过了，同一个页面只能提交一次。要再反映一件事，请重新扫码填写。"


class AlreadyReceived(Exception):
    """The form page's start token was used by an earlier submission (a replay or a second tap)."""


# Checks before the write -----------------------------------------------------------------------


class UserQuery(Protocol):
    """A user as parts of a statement (loudong.api.auth.TokenQuery): columns, a FROM naming the user
    `u`, a WHERE, and the parameters of the columns and of the WHERE."""

    columns: str
    source: str
    condition: str
    column_params: list
    condition_params: list


def check_submission(
    who: UserQuery, code: str, building_id: int, stairwell_id: int | None, household_id: int | None
) -> tuple[tuple, tuple[int, Rules, tuple[int, str] | None] | None] | None:
    """What the API reads before it writes a submission, in one statement with the user it comes
    from (`who`, read by the caller's rule: loudong.api.auth.token_query). None when `who` finds no
    one; else the user's columns, and None unless that user holds a staff role in the community
    `code`, else its id, its rules in force, and the verdict on the place references (None when they
    hold, else the status and the refusal as placing a request words it: 422 not in the community,
    409 not together)."""
    building, stairwell, household = table(Building), table(Stairwell), table(Household)
    grants, grant_params = staff_grant_join(code)
    checks = [  # after the user's columns
        "c.id",
        f"({placing.newest_version_sql('id', 'c.id')})",
        f"({placing.newest_version_sql('created_at', 'c.id')})",
        f"(SELECT 1 FROM {building} WHERE id = %s AND community_id = c.id)",
        f"(SELECT building_id FROM {stairwell} WHERE id = %s AND community_id = c.id)",
        f"(SELECT h.stairwell_id FROM {household} h WHERE h.id = %s AND h.community_id = c.id)",
        f"(SELECT s.building_id FROM {household} h JOIN {stairwell} s ON s.id = h.stairwell_id WHERE h.id = %s)",
    ]
    found = fetch(
        f"SELECT {who.columns}, {', '.join(checks)} FROM {who.source} {grants} WHERE {who.condition} LIMIT 1",
        [
            *who.column_params,
            building_id,
            stairwell_id,
            household_id,
            household_id,
            *grant_params,
            *who.condition_params,
        ],
    )
    if not found:
        return None
    user_columns, (community_id, version_id, version_at, *places) = found[0][: -len(checks)], found[0][-len(checks) :]
    if community_id is None:
        return user_columns, None
    rules = placing.rules_of(None if version_id is None else (version_id, version_at))
    return user_columns, (community_id, rules, _places_verdict(building_id, stairwell_id, household_id, *places))


def _places_verdict(
    building_id: int,
    stairwell_id: int | None,
    household_id: int | None,
    found: int | None,
    stairwell_building: int | None,
    household_stairwell: int | None,
    household_building: int | None,
) -> tuple[int, str] | None:
    if found is None:
        return 422, "所选楼栋不在本社区"
    if stairwell_id is not None and stairwell_building is None:
        return 422, "所选单元不在本社区"
    if household_id is not None and household_stairwell is None:
        return 422, "所选房号不在本社区"
    if household_id is not None and stairwell_id is not None and household_stairwell != stairwell_id:
        return 409, "所选房号不在这个单元。"
    if (stairwell_building or household_building or building_id) != building_id:
        return 409, "所选单元不在这栋楼。"
    return None


def limited(request: HttpRequest, building_id: int, now: datetime | None = None) -> ratelimit.RateLimited | None:
    """The form's limits per client and per building ("ask_client", "ask_building"), counted on the
    intake rows received in the last window, in one statement that reads at most a limit's worth of
    index entries each. An exempt client is counted like any other but never refused."""
    now = now or timezone.now()
    client, building = ratelimit.limit("ask_client"), ratelimit.limit("ask_building")
    address = ratelimit.client_address(request)
    rows_table, adapt = table(Intake), connection.ops.adapt_datetimefield_value
    client_since, building_since = now - timedelta(seconds=client.seconds), now - timedelta(seconds=building.seconds)
    by_client, by_building = fetch(
        f"SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM {rows_table} WHERE client = %s AND received_at > %s "
        f"LIMIT %s) c), (SELECT COUNT(*) FROM (SELECT 1 FROM {rows_table} WHERE building_id = %s "
        f"AND received_at > %s LIMIT %s) b)",
        [address, adapt(client_since), client.hits, building_id, adapt(building_since), building.hits],
    )[0]
    if ratelimit.is_exempt(request):
        return None
    if by_client >= client.hits:
        name, rule, rows = "ask_client", client, Intake.objects.filter(client=address)
    elif by_building >= building.hits:
        name, rule, rows = "ask_building", building, Intake.objects.filter(building_id=building_id)
    else:
        return None
    since = now - timedelta(seconds=rule.seconds)
    oldest = rows.filter(received_at__gt=since).order_by("received_at").values_list("received_at", flat=True).first()
    wait = (oldest + timedelta(seconds=rule.seconds) - now).total_seconds() if oldest else rule.seconds
    return ratelimit.RateLimited(name, max(1, int(wait) + 1))


# The write -------------------------------------------------------------------------------------


def store_photos(drafts: list[str]) -> list[str]:
    """Move the form's draft photos (already re-encoded, without EXIF) to where requests keep theirs."""
    names = []
    now = timezone.localtime()
    for draft in drafts:
        with default_storage.open(draft, "rb") as handle:
            names.append(default_storage.save(f"requests/{now:%Y/%m}/{secrets.token_urlsafe(12)}.jpg", handle))
    delete_drafts(drafts)
    return names


def receive(
    *,
    community_id: int,
    building_id: int,
    category_code: str,
    kind: str,
    channel: str,
    description: str,
    scope: str = "",
    stairwell_id: int | None = None,
    household_id: int | None = None,
    room: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    anonymous: bool = False,
    resident_id: int | None = None,
    member_id: int | None = None,
    photos: list[str] = (),
    by: User | None = None,
    client: str = "",
    idempotency_owner: str = "",
    idempotency_key: str = "",
    body_hash: str = "",
    form_token: str = "",
) -> Intake:
    """Write the checked submission: one INSERT (one round trip with its commit when the caller has no
    transaction open). With an idempotency key already used by the same owner,
    raises IntegrityError (the caller answers with the first row); with a form token (the public form's
    signed start time) already used, raises AlreadyReceived."""
    now = timezone.now()
    row = Intake(
        community_id=community_id,
        building_id=building_id,
        stairwell_id=stairwell_id,
        household_id=household_id,
        resident_id=resident_id,
        member_id=member_id,
        room=room.strip()[:20],
        category_code=category_code,
        kind=kind,
        scope=scope,
        channel=channel,
        description=description,
        contact_name=contact_name.strip()[:40],
        contact_phone=contact_phone,
        anonymous=anonymous,
        photos=list(photos),
        created_by=by,
        client=client,
        idempotency_owner=idempotency_owner,
        idempotency_key=idempotency_key,
        body_hash=body_hash,
        form_token=hashlib.sha256(form_token.encode()).hexdigest() if form_token else "",
        tracking_token=secrets.token_urlsafe(16),
        received_at=now,
        retry_at=now,
    )
    values = [f.get_db_prep_save(getattr(row, f.attname), connection) for f in _FIELDS]
    try:
        row.pk = _insert(values)
    except IntegrityError as error:
        if form_token:
            raise AlreadyReceived from error
        raise
    return row


def _insert(values: list) -> int:
    """The one INSERT. Outside a transaction it is atomic by itself and commits with its own round
    trip (no BEGIN and COMMIT around it: on PostgreSQL each is a round trip of its own). Inside the
    caller's transaction it runs in a savepoint, so that a refused insert leaves that transaction usable."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return _insert_statement(values)
    return _insert_statement(values)


def _insert_statement(values: list) -> int:
    with prepared_cursor() as cursor:  # Model.save() would build the same statement each time
        cursor.execute(_insert_sql(), values)
        return cursor.fetchone()[0]


_FIELDS = [f for f in Intake._meta.concrete_fields if not f.primary_key]


@functools.cache
def _insert_sql() -> str:
    return (
        f"INSERT INTO {table(Intake)} ({', '.join(connection.ops.quote_name(f.column) for f in _FIELDS)}) "
        f"VALUES ({', '.join(['%s'] * len(_FIELDS))}) RETURNING id"
    )


# Materializing ---------------------------------------------------------------------------------


def _prepare(row: Intake, lookups: placing.Lookups, places: dict) -> placing.Placement:
    """The row's placement, with its places read for the whole batch (`places`)."""
    building = places[Building].get(row.building_id)
    if building is None:
        raise ActionRefused(f"楼栋（编号 {row.building_id}）已不存在。")
    found = {}
    for model, pk, name in (
        (Stairwell, row.stairwell_id, "单元"),
        (Household, row.household_id, "房号"),
        (Resident, row.resident_id, "居民"),
    ):
        found[model] = places[model].get(pk) if pk else None
        if pk and found[model] is None:
            raise ActionRefused(f"{name}（编号 {pk}）已不存在。")
    household = found[Household]
    if household is None and found[Stairwell] is not None and row.room:
        household = places["rooms"].get((row.stairwell_id, row.room))
    return placing.prepare(
        community=row.community,
        building=building,
        category_code=row.category_code,
        description=row.description,
        kind=row.kind,
        scope=row.scope,
        channel=row.channel,
        stairwell=found[Stairwell],
        household=household,
        room=row.room,
        contact_name=row.contact_name,
        contact_phone=row.contact_phone,
        anonymous=row.anonymous,
        resident=found[Resident],
        by=row.created_by,
        photos=row.photos,
        now=row.received_at,
        tracking_token=row.tracking_token,
        suggested=places[Member].get(row.member_id),
        lookups=lookups,
    )


def _read_places(rows: list[Intake], lookups: placing.Lookups) -> dict:
    """Everything the rows name, one query per kind for the whole batch."""

    def ids(attr: str) -> set[int]:
        return {getattr(r, attr) for r in rows if getattr(r, attr)}

    places = {
        Building: Building.objects.in_bulk(ids("building_id")),
        Stairwell: Stairwell.objects.in_bulk(ids("stairwell_id")),
        Household: Household.objects.select_related("stairwell").in_bulk(ids("household_id")),
        Resident: Resident.objects.select_related("household__stairwell").in_bulk(ids("resident_id")),
        Member: Member.objects.select_related("resident").in_bulk(ids("member_id")),
    }
    wanted = {(r.stairwell_id, r.room.strip()) for r in rows if r.stairwell_id and not r.household_id and r.room}
    rooms = Household.objects.filter(stairwell_id__in={s for s, _ in wanted}, room__in={room for _, room in wanted})
    places["rooms"] = {(h.stairwell_id, h.room): h for h in rooms.select_related("stairwell")}
    for community_id in {r.community_id for r in rows}:
        lookups.read_phones(community_id, [r.contact_phone for r in rows if r.community_id == community_id])
    return places


def materialize(ids: list[int]) -> dict[int, Request]:
    """Turn the pending intake rows `ids` into requests; {intake id: request} of those it placed.
    Rows another process placed meanwhile are left alone; rows that fail keep their error."""
    return _materialize(list(pending().filter(pk__in=ids).order_by("pk")))


def pending() -> "models.QuerySet[Intake]":
    return Intake.objects.filter(request__isnull=True).select_related("community", "created_by")


def _materialize(rows: list[Intake]) -> dict[int, Request]:
    if not rows:
        return {}
    lookups = placing.Lookups()
    places = _read_places(rows, lookups)
    ready: dict[int, placing.Placement] = {}
    failed: dict[int, str] = {}
    for row in rows:
        try:
            ready[row.pk] = _prepare(row, lookups, places)
        except ActionRefused as error:
            failed[row.pk] = error.message
    placed: dict[int, Request] = {}
    if ready:
        try:
            placed = _write(ready)
        except Exception as error:  # noqa: BLE001 - kept with the error; never dropped
            if len(ready) == 1:
                failed[next(iter(ready))] = f"{type(error).__name__}: {error}"[:2000]
                log.exception("intake row %s could not be placed", next(iter(ready)))
            else:  # find the one that breaks the batch: the others go through alone
                for pk in ready:
                    placed.update(materialize([pk]))
    if failed:
        _mark_failed([r for r in rows if r.pk in failed], failed)
    return placed


def _write(ready: dict[int, placing.Placement]) -> dict[int, Request]:
    """One transaction: claim the rows still pending (another worker or a receipt page may have placed
    some), write their requests, link them."""
    with transaction.atomic():
        pending = set(
            Intake.objects.select_for_update()
            .filter(pk__in=list(ready), request__isnull=True)
            .values_list("pk", flat=True)
        )
        chosen = {pk: p for pk, p in ready.items() if pk in pending}
        if not chosen:
            return {}
        placing.write(list(chosen.values()))
        own = Request.objects.filter(tracking_token=OuterRef("tracking_token")).values("pk")[:1]
        Intake.objects.filter(pk__in=list(chosen)).update(request_id=Subquery(own), error="")
    return {pk: p.req for pk, p in chosen.items()}


def _mark_failed(rows: list[Intake], errors: dict[int, str]) -> None:
    now = timezone.now()
    for row in rows:
        row.attempts += 1
        row.error = errors[row.pk]
        row.retry_at = now + outbox.backoff(row.attempts)
        Intake.objects.filter(pk=row.pk, request__isnull=True).update(
            attempts=row.attempts, error=row.error, retry_at=row.retry_at
        )
        log.warning("intake row %s not placed (attempt %s): %s", row.pk, row.attempts, row.error)
        if row.attempts == 1:
            admins = User.objects.filter(grants__role=Role.ADMIN, grants__community_id=row.community_id, is_active=True)
            received = timezone.localtime(row.received_at)
            outbox.notify_users(
                admins,
                "有一条点单未能登记",
                f"{received:%m-%d %H:%M} 收到的点单（{row.description[:40]}）未能生成编号：{row.error}。"
                "系统会自动重试；请检查楼栋和点单类别设置。",
                community_id=row.community_id,
            )


def drain_job() -> str:
    drain()
    return ""


def drain(limit: int | None = None) -> int:
    """Place every intake row that is due, BATCH at a time; how many became requests.

    Each batch is claimed and placed in one transaction that locks its rows and skips rows another
    worker holds (PostgreSQL's SKIP LOCKED; SQLite has one writer at a time, so a second worker waits
    for the first batch and then takes the next), so several workers drain a backlog together, each
    placing a share, and no row twice. Rows that fail wait for their retry time and are not taken again."""
    done = 0
    while limit is None or done < limit:
        with transaction.atomic():
            rows = list(
                pending()
                .filter(retry_at__lte=timezone.now())
                .order_by("retry_at", "pk")
                .select_for_update(skip_locked=True, of=("self",))[:BATCH]
            )
            if not rows:
                break
            placed = len(_materialize(sorted(rows, key=lambda r: r.pk)))  # numbered as received
        done += placed
        if not placed:  # the whole batch failed (it waits for its retry time), or was placed meanwhile
            break
    return done


def materialize_token(token: str) -> Request | None:
    """The request of this tracking token, placed now if its intake row is still waiting; None when
    there is no such request (yet: a row that failed waits for its retry). The rows due before it
    go in the same batch: a batch costs little more than one row, so under load most receipts find
    their request already placed by the receipt opened before them."""
    row = pending().filter(tracking_token=token).first()
    placed = None
    if row is not None:
        others = list(
            pending().filter(retry_at__lte=timezone.now()).exclude(pk=row.pk).order_by("retry_at", "pk")[: BATCH - 1]
        )
        placed = _materialize(sorted([row, *others], key=lambda r: r.pk)).get(row.pk)  # numbered as received
    # Placed before, or by another process just now, or (None) waiting for a retry or unknown.
    return placed or Request.objects.filter(tracking_token=token).first()


def placed_rule(keep: Callable[[], timedelta]) -> Rule:
    """Intake rows placed longer than `keep()` ago are no longer needed (the request has it all), once
    the form page they came from has expired (its start token is refused a second time only while
    the row is here). Rows not placed are kept: each is a promise, retried until it is placed."""
    return Rule(
        name="intake retention",
        what="已生成点单的提交记录",
        keep=lambda: max(keep(), PAGE_LIFETIME),
        due=lambda cutoff: Intake.objects.filter(request__isnull=False, received_at__lt=cutoff),
        object_type="intake",
    )


def purge(keep: timedelta) -> int:
    """Delete the rows placed longer than `keep` ago (see `placed_rule`) now; how many."""
    return retention.run(placed_rule(lambda: keep)).count
