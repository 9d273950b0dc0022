"""Residents' pages under /ask/, no account: place a request from a QR code, follow it by its link.

Placing takes three screens (what kind of help; what is needed and where; who to contact), all
posted to one view that checks every screen so far and shows the next, or the same one with its
errors. The last screen keeps the submission as one intake row and answers at once with the receipt
(loudong.tickets.intake); the receipt and tracking pages make the request from it if the worker has
not yet. The tracking link's secret token is the resident's only key; every change made there goes
through loudong.tickets.actions.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from loudong.accounts.ratelimit import check_rate, client_address, too_many
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused
from loudong.lib.identity import InvalidValue, normalize_phone
from loudong.registry.models import Building, Member, Stairwell
from loudong.tickets import actions, intake
from loudong.tickets.actions.placing import fetch, rules_for, table
from loudong.tickets.forms_public import (
    CATEGORY_HINTS,
    KIND_HINTS,
    MIN_FILL_SECONDS,
    AnswerForm,
    ChoiceForm,
    ContactForm,
    DetailForm,
    RatingForm,
    delete_drafts,
    draft_photo_name,
    draft_photo_token,
    join_token,
    joined_request_id,
    kept_photos,
    seconds_since,
    sign_photos,
    start_token,
)
from loudong.tickets.models import OPEN, Intake, Request, RequestPhoto
from loudong.tickets.suggest.duplicates import for_public_form, public_excerpt

# Hidden fields that carry a draft from screen to screen.
DRAFT_FIELDS = ("origin", "started", "building", "category", "kind", "description", "stairwell", "room",
                "photos", "contact_name", "contact_phone", "anonymous")
ON_SCREEN = {
    1: {"building", "category", "kind"},
    2: {"description", "stairwell", "room"},
    3: {"contact_name", "contact_phone", "anonymous", "started"},
}
SIMILAR_ENOUGH = 0.15  # on the last screen, only neighbours' requests this alike are shown again


@dataclass
class Origin:
    """Where the QR code led: the buildings offered, and the volunteer whose card it was."""

    buildings: list[Building]
    member: Member | None = None

    def token(self) -> str:
        return signing.dumps({"b": [b.pk for b in self.buildings], "m": self.member.pk if self.member else None},
                             salt="ask.origin")


def _no_index(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


# Landing pages (the QR codes) ------------------------------------------------------------------

@require_GET
def building_start(request: HttpRequest, building_id: int) -> HttpResponse:
    building = get_object_or_404(Building.objects.select_related("community"), pk=building_id)
    return _first_screen(request, Origin([building]))


@require_GET
def group_start(request: HttpRequest, group_id: int) -> HttpResponse:
    group = get_object_or_404(BuildingGroup, pk=group_id)
    return _first_screen(request, Origin(_group_buildings(group)), group=group)


@require_GET
def member_start(request: HttpRequest, member_id: int) -> HttpResponse:
    member = get_object_or_404(Member.objects.select_related("resident__household__stairwell__building"),
                               pk=member_id)
    household = member.resident.household
    own = [household.stairwell.building] if household else []
    served = _group_buildings(member.group) if member.group_id else []
    buildings = own + [b for b in served if b not in own]
    return _first_screen(request, Origin(buildings, member), group=member.group)


def _group_buildings(group: BuildingGroup) -> list[Building]:
    buildings = list(Building.objects.filter(stairwells__group=group).distinct().order_by("name"))
    if not buildings and group.venue_stairwell_id:
        buildings = [group.venue_stairwell.building]
    return buildings


def _first_screen(request: HttpRequest, origin: Origin, group: BuildingGroup | None = None) -> HttpResponse:
    if not origin.buildings:
        return _no_index(render(request, "tickets/public/unavailable.html", status=404))
    initial = {"building": origin.buildings[0].pk} if len(origin.buildings) == 1 else {}
    values = {"origin": origin.token(), "started": start_token()}
    return _screen(request, 1, origin, values, choice=_choice_form(origin, initial=initial), group=group)


# The three screens -----------------------------------------------------------------------------

@require_POST
def place(request: HttpRequest) -> HttpResponse:
    origin = _origin(request.POST.get("origin", ""))
    if origin is None:
        return _no_index(render(request, "tickets/public/unavailable.html", {"expired": True}, status=400))
    step = request.POST.get("step", "1")
    back = "back" in request.POST
    values = {name: request.POST.get(name, "") for name in DRAFT_FIELDS}
    choice = _choice_form(origin, data=request.POST)
    if not choice.is_valid() or (step == "2" and back):
        return _screen(request, 1, origin, values, choice=choice)
    building = choice.buildings[choice.cleaned_data["building"]]
    stairwells = [Stairwell(id=pk, building_id=building.pk, name=name) for pk, name in fetch(
        f"SELECT id, name FROM {table(Stairwell)} WHERE building_id = %s ORDER BY name", [building.pk])]
    if step == "1":
        initial = {k: values[k] for k in ("description", "stairwell", "room") if values[k]}
        detail = DetailForm(initial=initial, stairwells=stairwells)
        return _screen(request, 2, origin, values, choice=choice, building=building, detail=detail,
                       photos=kept_photos(values["photos"]))
    if step == "2" and request.FILES:
        # Photos are stored as drafts at once, so uploads are limited too (counted on counter rows; the
        # submissions themselves on their intake rows).
        limited = check_rate(request, building.pk)
        if limited is not None:
            return limited
    detail = DetailForm(request.POST, request.FILES if step == "2" else None, stairwells=stairwells)
    detail_ok = detail.is_valid()
    photos = detail.cleaned_data.get("photos", [])
    values["photos"] = sign_photos(photos)
    context = {"choice": choice, "building": building, "detail": detail, "photos": photos}
    if step == "2":
        if detail_ok:
            contact = ContactForm(initial={k: values[k] for k in ("contact_name", "contact_phone")}
                                  | {"anonymous": bool(values["anonymous"])})
            return _screen(request, 3, origin, values, contact=contact, **context)
        return _screen(request, 2, origin, values, **context)
    if back or not detail_ok:
        return _screen(request, 2, origin, values, **context)
    contact = ContactForm(request.POST)
    if not contact.is_valid():
        return _screen(request, 3, origin, values, contact=contact, **context)
    refusal = _bot_check(contact, values)
    if refusal:
        return _screen(request, 3, origin, values, contact=contact, refusal=refusal, **context)
    refused = intake.limited(request, building.pk)
    if refused is not None:
        return too_many(request, refused)
    row = _receive(request, origin, choice, detail, contact, building)
    return redirect("ask:receipt", token=row.tracking_token)


def _bot_check(contact: ContactForm, values: dict) -> str:
    """The honeypot and the minimum fill time; a person who trips one just submits again."""
    if contact.cleaned_data["website"]:
        contact.data = contact.data.copy()
        contact.data["website"] = ""
        return "提交没有成功：请把最下面的“网址”一栏留空，再点一次“提交”。"
    elapsed = seconds_since(values["started"])
    if elapsed is None:
        values["started"] = start_token()
        return "页面停留太久或已过期，请核对内容后再点一次“提交”。"
    if elapsed < MIN_FILL_SECONDS:
        return "提交得太快了，请核对一下内容，再点一次“提交”。"
    return ""


def _receive(request: HttpRequest, origin: Origin, choice: ChoiceForm, detail: DetailForm, contact: ContactForm,
             building: Building) -> Intake:
    """The checked submission as one intake row; the request (its number) follows within a second, or
    when the receipt page asks for it."""
    member = origin.member
    return intake.receive(
        community_id=building.community_id, building_id=building.pk, stairwell_id=detail.cleaned_data.get("stairwell"),
        room=detail.cleaned_data["room"], category_code=choice.cleaned_data["category"],
        kind=choice.cleaned_data["kind"], channel=Request.Channel.QR, description=detail.cleaned_data["description"],
        contact_name=contact.cleaned_data["contact_name"], contact_phone=contact.cleaned_data["contact_phone"],
        anonymous=contact.cleaned_data["anonymous"], photos=intake.store_photos(detail.cleaned_data["photos"]),
        member_id=member.pk if member is not None and member.community_id == building.community_id else None,
        client=client_address(request),
    )


def _origin(token: str) -> Origin | None:
    try:
        data = signing.loads(token, salt="ask.origin")
    except signing.BadSignature:
        return None
    pks = [pk for pk in data.get("b") or [] if isinstance(pk, int)]
    # Read plainly: every submission opens its origin. The community is read when a screen shows it.
    rows = fetch(f"SELECT id, community_id, name FROM {table(Building)} "
                        f"WHERE id IN ({', '.join(['%s'] * len(pks))})", pks) if pks else []
    by_id = {pk: Building(id=pk, community_id=community_id, name=name) for pk, community_id, name in rows}
    buildings = [by_id[pk] for pk in pks if pk in by_id]
    member = Member.objects.filter(pk=data["m"]).select_related("resident").first() if data.get("m") else None
    return Origin(buildings, member) if buildings else None


def _choice_form(origin: Origin, **kwargs: object) -> ChoiceForm:
    rules = rules_for(origin.buildings[0].community_id)
    return ChoiceForm(buildings=origin.buildings, categories=rules.categories, **kwargs)


def _screen(request: HttpRequest, step: int, origin: Origin, values: dict, **context: object) -> HttpResponse:
    """Render screen `step`, carrying every draft value not on it in hidden fields."""
    carry = [(name, values[name]) for name in DRAFT_FIELDS if name not in ON_SCREEN[step] and values.get(name)]
    context.update(step=step, origin=origin, carry=carry, started=values.get("started", ""),
                   community=origin.buildings[0].community)
    if step == 1:
        choice = context["choice"]
        context["categories"] = [(c, CATEGORY_HINTS.get(c.name, "")) for c in choice.categories.values()]
        context["kind_hints"] = KIND_HINTS
    else:
        choice, building = context["choice"], context["building"]
        category = choice.categories[choice.cleaned_data["category"]]
        text = values.get("description", "") if step == 3 else ""
        found = for_public_form(building.pk, category.code, text)
        if step == 3:
            found = [d for d in found if d.similarity >= SIMILAR_ENOUGH]
        context.update(
            category=category, kind_label=Request.Kind(choice.cleaned_data["kind"]).label,
            duplicates=[(d.request, public_excerpt(d.request.description), join_token(d.request)) for d in found],
            photo_tokens=[draft_photo_token(n) for n in context["photos"]],
        )
    return _no_index(render(request, f"tickets/public/step{step}.html", context))


@require_GET
def draft_photo(request: HttpRequest, token: str) -> HttpResponse:
    name = draft_photo_name(token)
    if name is None or not default_storage.exists(name):
        raise Http404
    return _no_index(FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg"))


@require_POST
def join(request: HttpRequest) -> HttpResponse:
    """我也遇到: join a neighbour's open request instead of filing the same thing again."""
    pk = joined_request_id(request.POST.get("join", ""))
    req = Request.objects.filter(pk=pk, status__in=OPEN).first() if pk else None
    if req is None:
        return _no_index(render(request, "tickets/public/unavailable.html", {"closed": True}, status=410))
    limited = check_rate(request, req.building_id)
    if limited is not None:
        return limited
    try:
        phone = normalize_phone(request.POST.get("contact_phone", ""))
    except InvalidValue:
        phone = ""
    try:
        actions.support(req, phone)
        messages.success(request, "已记下：您也遇到了这件事。它办理的进度，您可以用下面的链接查看。")
    except ActionRefused as error:
        messages.info(request, error.message)
    delete_drafts(kept_photos(request.POST.get("photos", "")))
    return redirect("ask:receipt", token=req.tracking_token)


# After placing: the receipt and the tracking page -----------------------------------------------

def _by_token(token: str) -> Request:
    return get_object_or_404(
        Request.objects.select_related("community", "building", "stairwell", "assignee__resident", "merged_into"),
        tracking_token=token,
    )


def _placed_or_waiting(request: HttpRequest, token: str) -> HttpResponse | None:
    """None when the request of this token exists (placed now if the worker has not come by yet); the
    "received, number coming" page while its intake row waits for a retry; 404 for an unknown token."""
    if intake.materialize_token(token) is not None:
        return None
    from loudong.lib.qr import qr_svg

    row = get_object_or_404(Intake, tracking_token=token)
    link = request.build_absolute_uri(reverse("ask:track", args=[token]))
    return _no_index(render(request, "tickets/public/receipt.html",
                            {"waiting": row, "link": link, "qr": qr_svg(link)}))


@require_GET
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    from loudong.lib.qr import qr_svg

    waiting = _placed_or_waiting(request, token)
    if waiting is not None:
        return waiting
    req = _by_token(token)
    link = request.build_absolute_uri(reverse("ask:track", args=[token]))
    return _no_index(render(request, "tickets/public/receipt.html", {"req": req, "link": link, "qr": qr_svg(link)}))


@require_GET
def track(request: HttpRequest, token: str) -> HttpResponse:
    return _placed_or_waiting(request, token) or _track_page(request, token)


def _track_page(request: HttpRequest, token: str, *, answer: AnswerForm | None = None,
                rating: RatingForm | None = None, status: int = 200) -> HttpResponse:
    req = _by_token(token)
    context = {
        "req": req, "sentence": status_sentence(req), "timeline": public_timeline(req), "due": req.due_label,
        "photos": list(req.photos.all()),
        "can_add": req.status in OPEN, "can_rate": req.status == Request.Status.RESOLVED,
        "answer": answer or AnswerForm(), "rating": rating or RatingForm(),
        # A refusal by the action (the state changed meanwhile) shows even when its form is gone.
        "refusals": [e for form in (answer, rating) if form is not None for e in form.non_field_errors()],
    }
    return _no_index(render(request, "tickets/public/track.html", context, status=status))


@require_POST
def reply(request: HttpRequest, token: str) -> HttpResponse:
    """Answer the volunteer's question (resumes the clock) or add details while it is open."""
    req = _by_token(token)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _track_again(request, token, answer=form)
    try:
        if req.status == Request.Status.WAITING:
            actions.resume(req, form.cleaned_data["note"])
            messages.success(request, "已收到您的回复，志愿者会接着办理。")
        else:
            actions.comment(req, form.cleaned_data["note"])
            messages.success(request, "已补充，志愿者和组长都能看到。")
    except ActionRefused as error:
        form.add_error(None, error.message)
        return _track_again(request, token, answer=form)
    return redirect("ask:track", token=token)


@require_POST
def rate(request: HttpRequest, token: str) -> HttpResponse:
    req = _by_token(token)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _track_again(request, token, rating=form)
    try:
        req = actions.confirm(req, form.cleaned_data["rating"], form.cleaned_data["comment"])
    except ActionRefused as error:
        form.add_error(None, error.message)
        return _track_again(request, token, rating=form)
    if req.status == Request.Status.CLOSED:
        messages.success(request, "谢谢您的评价！这件事已办结。")
    else:
        messages.success(request, "已转回重新办理，志愿者会再联系您。")
    return redirect("ask:track", token=token)


def _track_again(request: HttpRequest, token: str, **forms: object) -> HttpResponse:
    return _track_page(request, token, status=400, **forms)


@require_GET
def photo(request: HttpRequest, token: str, photo_id: int) -> HttpResponse:
    req = _by_token(token)
    item = get_object_or_404(RequestPhoto, pk=photo_id, request=req)
    return _no_index(FileResponse(item.image.open("rb"), content_type="image/jpeg"))


# What the resident reads: the status in plain words and the public part of the timeline ----------

STATUS_SENTENCES = {
    Request.Status.SUBMITTED: "已收到，正在等楼栋党小组安排志愿者。",
    Request.Status.DISPATCHED: "已安排志愿者，等志愿者接单。",
    Request.Status.ACCEPTED: "志愿者正在办理。",
    Request.Status.WAITING: "志愿者需要您补充情况，请在下面回复。",
    Request.Status.RESOLVED: "已办好，请您确认并评价。",
    Request.Status.CLOSED: "已办结。",
    Request.Status.REJECTED: "不予受理。",
    Request.Status.MERGED: "和另一条相同的点单合并办理。",
    Request.Status.ESCALATED: "楼栋党小组已上报社区，由社区负责办理。",
}
# Events residents see; the rest (declined, reminders, flags, staff notes) stay with the staff.
EVENT_TITLES = {
    "placed": "提交点单", "supported": "又有一位邻居反映“我也遇到”", "dispatched": "安排志愿者",
    "accepted": "志愿者已接单", "paused": "志愿者请您补充情况", "resumed": "居民已回复",
    "commented": "居民补充了情况", "resolved": "已办好", "rated": "居民评价", "reopened": "重新办理",
    "confirmed": "居民确认并评价", "closed": "已办结", "rejected": "不予受理", "merged": "合并办理",
    "escalated": "上报社区办理", "extended": "办结期限延长",
}


@dataclass(frozen=True)
class PublicEvent:
    at: object
    title: str
    note: str


def status_sentence(req: Request) -> str:
    return STATUS_SENTENCES.get(req.status, req.get_status_display())


def public_timeline(req: Request) -> list[PublicEvent]:
    events = [e for e in req.events.all() if e.kind in EVENT_TITLES and (e.kind != "commented" or not e.actor_id)]
    volunteer_ids = {e.data.get("volunteer_id") for e in events if e.kind == "dispatched"}
    names = dict(Member.objects.filter(pk__in=volunteer_ids - {None}).values_list("pk", "resident__name"))
    ratings = dict(Request.Rating.choices)
    timeline = []
    for event in events:
        note = event.note
        if event.kind == "dispatched":
            name = names.get(event.data.get("volunteer_id"))
            note = f"由 {name}（党员志愿者）办理" if name else ""
        elif event.kind in ("rated", "confirmed"):
            note = "：".join(filter(None, [ratings.get(event.data.get("rating"), ""), event.note]))
        elif event.kind == "escalated":
            note = ""  # the reason is written for the community admin
        timeline.append(PublicEvent(event.at, EVENT_TITLES[event.kind], note))
    return timeline
