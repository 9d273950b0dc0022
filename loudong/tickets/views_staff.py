"""Staff pages of the request workflow: the leader's queue, 派单, the volunteer's list, a request.

Every request is read through Request.objects.visible_to(user) within the community of the URL;
anything else is a 404. Every change goes through loudong.tickets.actions.
"""

import mimetypes
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from loudong.accounts.access import STAFF_ROLES
from loudong.accounts.models import Role, User
from loudong.lib.actions import ActionRefused
from loudong.lib.page_actions import actions_for
from loudong.registry.access import community_for
from loudong.registry.models import Community, Member
from loudong.tickets import actions, publicity
from loudong.tickets.deadlines import overrides, time_left_words
from loudong.tickets.models import OPEN, RUNNING, Intake, Request, Status
from loudong.tickets.suggest import classify, duplicates, rank

DISPATCH_ROLES = {Role.ADMIN, Role.LEADER}
PER_PAGE = 30
SUGGESTED_ON_QUEUE = PER_PAGE  # the suggestions are read for a whole page at once
UNPLACED_SHOWN = 20

TABS = [
    ("new", "待派单", (Status.SUBMITTED,)),
    ("overdue", "已超期", RUNNING),
    ("dispatched", "待接单", (Status.DISPATCHED,)),
    ("doing", "办理中", (Status.ACCEPTED, Status.WAITING)),
    ("escalated", "已上报社区", (Status.ESCALATED,)),
    ("resolved", "待居民确认", (Status.RESOLVED,)),
    ("done", "已结束", (Status.CLOSED, Status.REJECTED, Status.MERGED)),
]


def visible_request(user: User, community: Community, pk: int) -> Request:
    return get_object_or_404(
        Request.objects.visible_to(user)
        .filter(community=community)
        .select_related("community", "building", "stairwell", "group", "assignee__resident", "merged_into"),
        pk=pk,
    )


@dataclass
class Card:
    """One request in a list, with what the page says about it."""

    req: Request
    time_left: str
    overdue: bool
    suggested: list = field(default_factory=list)
    duplicates: int = 0
    category_guess: object = None
    age: str = ""
    url: str = ""  # the request's page and its 派单 page, on lists
    dispatch_url: str = ""


def age_words(since: object, now: object) -> str:
    """刚刚 / 25 分钟前 / 3 小时前 / 2 天前."""
    seconds = (now - since).total_seconds()
    if seconds < 60:
        return "刚刚"
    if seconds < 3600:
        return f"{int(seconds // 60)} 分钟前"
    if seconds < 86400:
        return f"{int(seconds // 3600)} 小时前"
    return f"{int(seconds // 86400)} 天前"


def _card(req: Request, now: object, table: dict | None = None) -> Card:
    return Card(
        req,
        time_left_words(req, now, table),
        bool(req.status in RUNNING and req.due_at and req.due_at <= now),
        age=age_words(req.created_at, now),
    )


def _list_cards(rows: object, community: Community, now: object) -> list[Card]:
    """The cards of a list, each with its links (reversed once per list: a {% url %} per card took a
    third of the page's rendering)."""
    table, code = overrides(community.pk), community.code
    detail_url, dispatch_url = _url_of_request("tickets:detail", code), _url_of_request("tickets:dispatch", code)
    cards = []
    for req in rows:
        cards.append(_card(req, now, table))
        cards[-1].url = detail_url(req.pk)
        cards[-1].dispatch_url = dispatch_url(req.pk)
    return cards


def _url_of_request(name: str, code: str) -> object:
    """pk -> the URL of a request's page `name` (its pk is the last number of the URL)."""
    prefix, suffix = reverse(name, args=[code, 1]).rsplit("1", 1)
    return lambda pk: f"{prefix}{pk}{suffix}"


def _suggest(cards: list[Card], now: object) -> None:
    """Suggested volunteers, duplicates and category for new requests, read for the whole page at once."""
    requests = [c.req for c in cards]
    if not requests:
        return
    ranked = rank.recommend_many(requests, now=now, limit=2)
    found = duplicates.count_duplicates_many(requests)
    guesses = classify.suggest_categories(requests)
    for card in cards:
        card.suggested = ranked.get(card.req.pk, [])
        card.duplicates = found.get(card.req.pk, 0)
        guess = guesses[card.req.pk]
        if guess and guess.code != card.req.category_code:
            card.category_guess = guess


@login_required
def queue(request: HttpRequest, code: str) -> HttpResponse:
    """派单: the leader's (and the community admin's) queue; on each open tab the overdue requests
    first, then the newest."""
    user = request.user
    community = community_for(user, code, STAFF_ROLES)
    if not user.roles_in(community.pk) & DISPATCH_ROLES:
        return redirect("tickets:mine", code=code)
    now = timezone.now()
    visible = Request.objects.visible_to(user).filter(community=community)
    counts = dict(visible.filter(status__among=OPEN).order_by().values_list("status").annotate(n=Count("id")))
    overdue_count = visible.overdue(now).count()
    tab = request.GET.get("tab", "new")
    tabs = []
    for key, label, statuses in TABS:
        if key == "overdue":
            n = overdue_count
        elif set(statuses) <= set(OPEN):
            n = sum(counts.get(s, 0) for s in statuses)
        else:
            n = None  # resolved and finished requests are not counted on every view of the queue
        tabs.append({"key": key, "label": label, "count": n, "active": key == tab})
        if key == tab:
            chosen, chosen_count = statuses, n
    if not any(t["active"] for t in tabs):
        raise Http404
    rows = visible.overdue(now) if tab == "overdue" else visible.filter(status__among=chosen)
    rows = rows.select_related("building", "stairwell", "assignee__resident")
    if tab == "overdue":
        rows = rows.order_by("due_at", "id")
    elif tab in ("done", "resolved"):
        rows = rows.order_by("-updated_at", "-id")
    else:
        rows = rows.needs_action_first(now)
    paginator = Paginator(rows, PER_PAGE, allow_empty_first_page=True)
    if chosen_count is not None:
        paginator.count = chosen_count  # counted above for the tabs
    page = paginator.get_page(request.GET.get("page"))
    cards = _list_cards(page, community, now)
    if tab == "new":
        _suggest(cards[:SUGGESTED_ON_QUEUE], now)
    # Submissions received but not placed (kept with their error, retried): the admin can fix the cause.
    unplaced = (
        list(
            Intake.objects.filter(community=community, request__isnull=True, attempts__gt=0).order_by("received_at")[
                :UNPLACED_SHOWN
            ]
        )
        if Role.ADMIN in user.roles_in(community.pk)
        else []
    )
    return render(
        request,
        "tickets/staff/queue.html",
        {
            "community": community,
            "tabs": tabs,
            "tab": tab,
            "cards": cards,
            "page": page,
            "overdue_count": overdue_count,
            "unplaced": unplaced,
        },
    )


@login_required
def mine(request: HttpRequest, code: str) -> HttpResponse:
    """我的接单: the volunteer's open requests (to take first), then the latest finished ones."""
    user = request.user
    community = community_for(user, code, STAFF_ROLES)
    now = timezone.now()
    assigned = Request.objects.filter(
        community=community, assignee__isnull=False, assignee__resident_id=user.resident_id or -1
    )
    assigned = assigned.select_related("building", "stairwell", "assignee__resident")
    open_rows = sorted(
        assigned.filter(status__in=OPEN),
        key=lambda r: (r.status != Status.DISPATCHED, r.status == Status.WAITING, r.due_at or now),
    )
    finished = assigned.filter(status__in=(Status.RESOLVED, Status.CLOSED)).order_by("-resolved_at", "-id")[:10]
    entered = (
        Request.objects.filter(community=community, created_by=user)
        .select_related("building")
        .order_by("-created_at")[:5]
    )
    return render(
        request,
        "tickets/staff/mine.html",
        {
            "community": community,
            "cards": _list_cards(open_rows, community, now),
            "finished": finished,
            "entered": entered,
            "is_dispatcher": bool(user.roles_in(community.pk) & DISPATCH_ROLES),
        },
    )


def shows_contact(user: User, req: Request) -> bool:
    """An anonymous resident's name and phone are hidden from volunteers, shown to leader and admin."""
    return not req.anonymous or actions.is_dispatcher(user, req)


@login_required
def detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    user = request.user
    community = community_for(user, code, STAFF_ROLES | {Role.RESIDENT})
    req = visible_request(user, community, pk)
    allowed = actions.may(user, req)
    similar = duplicates.suggest_duplicates(req) if allowed["merge"] else []
    events = list(req.events.select_related("actor"))
    return render(
        request,
        "tickets/staff/detail.html",
        {
            "community": community,
            "req": req,
            "card": _card(req, timezone.now()),
            "may": allowed,
            "events": events,
            "photos": list(req.photos.all()),
            "show_contact": shows_contact(user, req),
            "duplicates": similar,
            "offered": publicity.excerpts([req]).get(req.pk, ""),
            "more_actions": actions_for(user, [req])[req.pk],
            "back": reverse("tickets:queue" if actions.is_dispatcher(user, req) else "tickets:mine", args=[code]),
        },
    )


@login_required
def dispatch(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """派单 in two taps after the queue: pick a volunteer, confirm."""
    user = request.user
    community = community_for(user, code, DISPATCH_ROLES)
    req = visible_request(user, community, pk)
    if not actions.may(user, req)["dispatch"]:
        messages.error(request, f"这条点单现在是“{req.get_status_display()}”，不能派单。")
        return redirect("tickets:detail", code=code, pk=pk)
    if request.method == "POST":
        member = Member.objects.filter(community=community, pk=request.POST.get("volunteer") or 0).first()
        if member is None:
            messages.error(request, "请选择一位党员。")
            return redirect("tickets:dispatch", code=code, pk=pk)
        try:
            actions.dispatch(req, member, by=user)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("tickets:dispatch", code=code, pk=pk)
        messages.success(request, f"已派给 {member}，等 TA 接单。")
        return redirect("tickets:queue", code=code)
    candidates, ranked = _dispatch_candidates(user, req)
    chosen = None
    if chosen_id := request.GET.get("volunteer"):
        chosen = next((c for c in candidates if str(c.member.pk) == chosen_id), None)
    return render(
        request,
        "tickets/staff/dispatch.html",
        {
            "community": community,
            "req": req,
            "candidates": candidates,
            "chosen": chosen,
            "card": _card(req, timezone.now()),
            "ranked": ranked,
        },
    )


@dataclass
class Candidate:
    member: Member
    reasons: list[str]
    open_count: int = 0


def _dispatch_candidates(user: User, req: Request) -> tuple[list[Candidate], bool]:
    """The suggested ranking (True); when it finds nobody, the group's members by name (the admin: all
    members) and False."""
    ranked = [Candidate(r.member, r.reasons) for r in rank.recommend(req)]
    if ranked:
        return ranked, True
    members = Member.objects.filter(community_id=req.community_id).select_related("resident__household")
    if not actions.is_admin(user, req) or req.group_id:
        members = members.filter(group_id=req.group_id)
    members = members.annotate(n=Count("requests", filter=Q(requests__status__in=OPEN)))
    return [
        Candidate(m, [f"手上有 {m.n} 单"] if m.n else ["手上没有未办完的单"], m.n)
        for m in members.order_by("resident__name_pinyin")
    ], False


@login_required
def photo(request: HttpRequest, code: str, pk: int, photo_id: int) -> FileResponse:
    """A request's photo, for those who may see the request (uploads are not public files)."""
    community = community_for(request.user, code, STAFF_ROLES | {Role.RESIDENT})
    req = visible_request(request.user, community, pk)
    item = get_object_or_404(req.photos, pk=photo_id)
    kind = mimetypes.guess_type(item.image.name)[0] or "application/octet-stream"
    response = FileResponse(item.image.open("rb"), content_type=kind)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def accept(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """接单: one tap, from the list or the request page."""
    community = community_for(request.user, code, STAFF_ROLES)
    req = visible_request(request.user, community, pk)
    try:
        actions.accept(req, by=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"已接单：{req.number}。办好后点“办结”。")
    return redirect("tickets:detail", code=code, pk=pk)
