"""Residents' pages under /ask/, no account: place a request from a QR code, or join a neighbour's.

Placing takes two screens and the receipt: what kind of help (and which building, only when the
code serves several); then a shared place or a household, what is needed and where, and who to
contact, asking only what the matter needs and nothing the code already says. Every screen is
posted to one view that checks every screen so far and keeps the draft (loudong.tickets.drafts),
then redirects to the next screen, or to the same one with its errors, shown by GET: the phone's
Back button goes back a screen with what was typed. The last screen keeps the submission as one
intake row and answers at once with the receipt (loudong.tickets.intake). Neighbours' requests are
offered only as loudong.tickets.publicity allows; joining one (我也遇到) gives the joiner a link of
their own (loudong.tickets.views_track).
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from loudong.accounts.ratelimit import check_rate, client_address, is_exempt, too_many
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused
from loudong.lib.identity import InvalidValue, normalize_phone
from loudong.lib.shanghai import today
from loudong.registry.models import Building, Member, Stairwell
from loudong.tickets import actions, drafts, intake, publicity
from loudong.tickets.actions.placing import fetch, rules_for, table
from loudong.tickets.forms_public import (
    CATEGORY_HINTS,
    KIND_HINTS,
    SCOPE_HINTS,
    ChoiceForm,
    DetailForm,
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
from loudong.tickets.models import OPEN, Intake, Request
from loudong.tickets.suggest.duplicates import for_public_form
from loudong.tickets.views_track import no_index

# Fields of a draft, carried from screen to screen in hidden fields and kept in the session.
DRAFT_FIELDS = (
    "draft",
    "origin",
    "started",
    "building",
    "category",
    "kind",
    "scope",
    "description",
    "stairwell",
    "room",
    "photos",
    "contact_name",
    "contact_phone",
    "anonymous",
)
ON_SCREEN = {
    1: {"building", "category", "kind"},
    2: {"scope", "description", "stairwell", "room", "contact_name", "contact_phone", "anonymous", "started"},
}
SIMILAR_ENOUGH = 0.15  # once a description is typed, only neighbours' requests this alike are shown


@dataclass
class Origin:
    """Where the QR code led: the buildings offered, the volunteer whose card it was, and the
    stairwells the code knows (a group's, or the volunteer's own), offered first on screen 2."""

    buildings: list[Building]
    member: Member | None = None
    stairwells: tuple[int, ...] = ()

    def data(self) -> dict:
        return {
            "b": [b.pk for b in self.buildings],
            "m": self.member.pk if self.member else None,
            "s": list(self.stairwells),
        }

    def token(self) -> str:
        return signing.dumps(self.data(), salt="ask.origin")


def _origin_data(token: str) -> dict | None:
    try:
        return signing.loads(token, salt="ask.origin")
    except signing.BadSignature:
        return None


# Landing pages (the QR codes) ------------------------------------------------------------------


@require_GET
def building_start(request: HttpRequest, token: str) -> HttpResponse:
    building = get_object_or_404(Building.objects.select_related("community"), public_token=token)
    return _first_screen(request, Origin([building]))


@require_GET
def group_start(request: HttpRequest, token: str) -> HttpResponse:
    group = get_object_or_404(BuildingGroup, public_token=token)
    stairwells = tuple(Stairwell.objects.filter(group=group).order_by("pk").values_list("pk", flat=True))
    return _first_screen(request, Origin(_group_buildings(group), stairwells=stairwells), group=group)


@require_GET
def member_start(request: HttpRequest, token: str) -> HttpResponse:
    member = get_object_or_404(
        Member.objects.select_related("resident__household__stairwell__building"), public_token=token
    )
    household = member.resident.household
    own = [household.stairwell.building] if household else []
    served = _group_buildings(member.group) if member.group_id else []
    buildings = own + [b for b in served if b not in own]
    stairwells = (household.stairwell_id,) if household else ()
    return _first_screen(request, Origin(buildings, member, stairwells), group=member.group)


@require_GET
def numeric_start(request: HttpRequest, number: int, kind: str) -> HttpResponse:
    """An old QR link by row number (/ask/b/12/), printed before the links had tokens.

    Until settings.NUMERIC_QR_LINKS_UNTIL (a Shanghai date, that day included) a building's or a
    group's old link redirects to its token link: a notice board's code tells nothing personal. A
    member's old link never does (that would keep every volunteer's card one count away): it gets
    a page saying the card is old, the same whether the number is anyone's or not. After the date,
    and when the setting is empty, every old link is not found, with a page saying what to scan."""
    until = settings.NUMERIC_QR_LINKS_UNTIL
    if kind != "member" and until is not None and today() <= until:
        model = Building if kind == "building" else BuildingGroup
        token = model.objects.filter(pk=number).values_list("public_token", flat=True).first()
        if token is not None:
            return redirect(f"ask:{kind}", token=token)
    return no_index(render(request, "tickets/public/old_link.html", {"kind": kind}, status=404))


def _group_buildings(group: BuildingGroup) -> list[Building]:
    buildings = list(Building.objects.filter(stairwells__group=group).distinct().order_by("sort_key"))
    if not buildings and group.venue_stairwell_id:
        buildings = [group.venue_stairwell.building]
    return buildings


def _first_screen(request: HttpRequest, origin: Origin, group: BuildingGroup | None = None) -> HttpResponse:
    """Screen 1; back on it (the Back button from screen 2), with the draft this code left."""
    if not origin.buildings:
        return no_index(render(request, "tickets/public/unavailable.html", status=404))
    same = origin.data()
    draft = drafts.latest(request.session, lambda values: _origin_data(values.get("origin", "")) == same)
    values = {**draft["values"]} if draft else {"started": start_token()}
    values["origin"] = origin.token()
    if len(origin.buildings) == 1:
        values["building"] = str(origin.buildings[0].pk)
    initial = {k: values[k] for k in ON_SCREEN[1] if values.get(k)}
    return _screen(request, 1, origin, values, choice=_choice_form(origin, initial=initial), group=group)


# The two screens -------------------------------------------------------------------------------


@require_POST
def place(request: HttpRequest) -> HttpResponse:
    """A screen sent: keep the draft and go to the next screen, or back to this one with its errors."""
    origin = _origin(request.POST.get("origin", ""))
    if origin is None:
        return no_index(render(request, "tickets/public/unavailable.html", {"expired": True}, status=400))
    step = request.POST.get("step", "1")
    back = "back" in request.POST
    values = {name: request.POST.get(name, "") for name in DRAFT_FIELDS}
    choice = _choice_form(origin, data=request.POST)
    if not choice.is_valid():
        return _go(request, values, 1, errors=True)
    if step == "1":
        earlier = drafts.load(request.session, values["draft"])
        if earlier is None or earlier["values"].get("category") != values["category"]:
            values["scope"] = ""  # another category: its usual scope is offered again
        return _go(request, values, 2)
    building = choice.buildings[choice.cleaned_data["building"]]
    if request.FILES and not back:
        # Photos are stored as drafts at once, so uploads are limited too (counted on counter rows; the
        # submissions themselves on their intake rows).
        limited = check_rate(request, building.pk)
        if limited is not None:
            return limited
    detail = _detail_form(choice, building, data=request.POST, files=None if back else request.FILES)
    detail_ok = detail.is_valid()
    values["photos"] = sign_photos(detail.cleaned_data.get("photos", []))
    if back:
        return _go(request, values, 1)
    if not detail_ok:
        return _go(request, values, 2, errors=True, uploads=[str(e) for e in detail.errors.get("new_photos", [])])
    refusal = _bot_check(detail, values)
    if refusal:
        return _go(request, values, 2, refusal=refusal)
    refused = intake.limited(request, building.pk)
    if refused is not None:
        return too_many(request, refused)
    try:
        row = _receive(request, origin, choice, detail, building, values["started"])
    except intake.AlreadyReceived:  # this page was sent before: its receipt if it was this browser
        sent = drafts.load(request.session, values["draft"])
        if sent and sent.get("sent"):
            return redirect("ask:receipt", token=sent["sent"])
        return _go(request, values, 2, refusal=intake.ALREADY_RECEIVED)
    drafts.finish(request.session, values["draft"], row.tracking_token)
    return redirect("ask:receipt", token=row.tracking_token)


def _go(
    request: HttpRequest, values: dict, step: int, *, errors: bool = False, uploads: list[str] = (), refusal: str = ""
) -> HttpResponse:
    """Keep the draft and send the browser to screen `step` (303: the next request is a GET)."""
    key = drafts.save(
        request.session, values, step=step, errors=errors, notes={"uploads": list(uploads), "refusal": refusal}
    )
    response = redirect("ask:screen", key=key, step=step)
    response.status_code = 303
    return response


@require_GET
def screen(request: HttpRequest, key: str, step: int) -> HttpResponse:
    """Screen `step` of a kept draft: what was typed, and its errors when it was just sent with them."""
    draft = drafts.load(request.session, key)
    if draft and draft.get("sent"):
        receipt = reverse("ask:receipt", args=[draft["sent"]])
        return no_index(render(request, "tickets/public/unavailable.html", {"sent": receipt}))
    origin = _origin(draft["values"].get("origin", "")) if draft else None
    if origin is None or step not in ON_SCREEN:
        return no_index(render(request, "tickets/public/unavailable.html", {"expired": True}, status=410))
    just_sent = draft["step"] == step
    notes = draft["notes"] if just_sent else {}
    return _show(request, origin, draft["values"], step, errors=just_sent and draft["errors"], notes=notes)


def _show(request: HttpRequest, origin: Origin, values: dict, step: int, *, errors: bool, notes: dict) -> HttpResponse:
    """Render screen `step` from the draft, checking the screen before it again (when screen 1 no
    longer holds, it is shown with its errors)."""
    choice = _choice_form(origin, data=values)
    if step > 1 and not choice.is_valid():
        step, errors = 1, True
    if step == 1:
        if not errors:
            choice = _choice_form(origin, initial={k: values[k] for k in ON_SCREEN[1] if values.get(k)})
        return _screen(request, 1, origin, values, choice=choice)
    building = choice.buildings[choice.cleaned_data["building"]]
    if errors:
        detail = _detail_form(choice, building, data=values)
        detail.is_valid()
        for message in notes.get("uploads", []):
            detail.add_error("new_photos", message)
    else:
        initial = {k: values[k] for k in ON_SCREEN[2] if values.get(k)}
        initial.setdefault("stairwell", _known_stairwell(origin, building))
        detail = _detail_form(choice, building, initial=initial)
    return _screen(
        request,
        2,
        origin,
        values,
        choice=choice,
        building=building,
        detail=detail,
        photos=kept_photos(values.get("photos", "")),
        refusal=notes.get("refusal", ""),
    )


def _detail_form(choice: ChoiceForm, building: Building, **kwargs: object) -> DetailForm:
    category = choice.categories[choice.cleaned_data["category"]]
    return DetailForm(stairwells=_stairwells(building), usual_scope=category.scope, **kwargs)


def _known_stairwell(origin: Origin, building: Building) -> int | None:
    """The stairwell screen 2 starts on: the building's only one, or the only one of it the code knows."""
    stairwells = [s.pk for s in _stairwells(building)]
    known = [pk for pk in stairwells if pk in origin.stairwells]
    if len(stairwells) == 1:
        return stairwells[0]
    return known[0] if len(known) == 1 else None


def _stairwells(building: Building) -> list[Stairwell]:
    return [
        Stairwell(id=pk, building_id=building.pk, name=name)
        for pk, name in fetch(
            f"SELECT id, name FROM {table(Stairwell)} WHERE building_id = %s ORDER BY name", [building.pk]
        )
    ]


def _bot_check(detail: DetailForm, values: dict) -> str:
    """The honeypot and the minimum fill time; a person who trips one just submits again."""
    if detail.cleaned_data["website"]:
        return "提交没有成功：请把最下面的“网址”一栏留空，再点一次“提交”。"
    elapsed = seconds_since(values["started"])
    if elapsed is None:
        values["started"] = start_token()
        return "页面停留太久或已过期，请核对内容后再点一次“提交”。"
    if elapsed < settings.REQUEST_MIN_FILL_SECONDS:
        return "提交得太快了，请核对一下内容，再点一次“提交”。"
    return ""


def _receive(
    request: HttpRequest,
    origin: Origin,
    choice: ChoiceForm,
    detail: DetailForm,
    building: Building,
    started: str,
) -> Intake:
    """The checked submission as one intake row; the request (its number) follows within a second, or
    when the receipt page asks for it."""
    member = origin.member
    return intake.receive(
        community_id=building.community_id,
        building_id=building.pk,
        stairwell_id=detail.cleaned_data.get("stairwell"),
        room=detail.cleaned_data["room"],
        category_code=choice.cleaned_data["category"],
        kind=choice.cleaned_data["kind"],
        scope=detail.cleaned_data["scope"],
        channel=Request.Channel.QR,
        description=detail.cleaned_data["description"],
        contact_name=detail.cleaned_data["contact_name"].strip(),
        contact_phone=detail.cleaned_data["contact_phone"],
        anonymous=detail.cleaned_data["anonymous"],
        photos=intake.store_photos(detail.cleaned_data["photos"]),
        member_id=member.pk if member is not None and member.community_id == building.community_id else None,
        # A load test posts one page over and over: an exempt address is never refused (ratelimit).
        client=client_address(request),
        form_token="" if is_exempt(request) else started,
    )


def _origin(token: str) -> Origin | None:
    data = _origin_data(token)
    if not isinstance(data, dict):
        return None
    pks = [pk for pk in data.get("b") or [] if isinstance(pk, int)]
    stairwells = tuple(pk for pk in data.get("s") or [] if isinstance(pk, int))
    # Read plainly: every submission opens its origin. The community is read when a screen shows it.
    rows = (
        fetch(f"SELECT id, community_id, name FROM {table(Building)} WHERE id IN ({', '.join(['%s'] * len(pks))})", pks)
        if pks
        else []
    )
    by_id = {pk: Building(id=pk, community_id=community_id, name=name) for pk, community_id, name in rows}
    buildings = [by_id[pk] for pk in pks if pk in by_id]
    member = Member.objects.filter(pk=data["m"]).select_related("resident").first() if data.get("m") else None
    return Origin(buildings, member, stairwells) if buildings else None


def _choice_form(origin: Origin, **kwargs: object) -> ChoiceForm:
    rules = rules_for(origin.buildings[0].community_id)
    return ChoiceForm(buildings=origin.buildings, categories=rules.categories, **kwargs)


def _screen(request: HttpRequest, step: int, origin: Origin, values: dict, **context: object) -> HttpResponse:
    """Render screen `step`, carrying every draft value not on it in hidden fields."""
    carry = [(name, values[name]) for name in DRAFT_FIELDS if name not in ON_SCREEN[step] and values.get(name)]
    context.update(
        step=step,
        origin=origin,
        carry=carry,
        started=values.get("started", ""),
        community=origin.buildings[0].community,
    )
    if step == 1:
        choice = context["choice"]
        context["categories"] = [(c, CATEGORY_HINTS.get(c.name, "")) for c in choice.categories.values()]
        context["kind_hints"] = KIND_HINTS
    else:
        choice, building = context["choice"], context["building"]
        category = choice.categories[choice.cleaned_data["category"]]
        scope = values.get("scope") or category.scope
        text = values.get("description", "").strip()
        found = for_public_form(building.pk, category.code, text)
        if text:
            found = [d for d in found if d.similarity >= SIMILAR_ENOUGH]
        tokens = {d.request.pk: join_token(d.request) for d in found}
        context.update(
            category=category,
            kind_label=Request.Kind(choice.cleaned_data["kind"]).label,
            scope=scope,
            similar=bool(text),
            scopes=[(value, label, SCOPE_HINTS[value]) for value, label in Request.Scope.choices],
            duplicates=[(offer, tokens[offer.request_id]) for offer in publicity.offers(d.request for d in found)],
            photo_tokens=[draft_photo_token(n) for n in context["photos"]],
        )
    return no_index(render(request, f"tickets/public/step{step}.html", context))


@require_GET
def draft_photo(request: HttpRequest, token: str) -> HttpResponse:
    name = draft_photo_name(token)
    if name is None or not default_storage.exists(name):
        raise Http404
    return no_index(FileResponse(default_storage.open(name, "rb"), content_type="image/jpeg"))


@require_POST
def join(request: HttpRequest) -> HttpResponse:
    """我也遇到: join a neighbour's open shared-place request instead of filing the same thing again;
    the joiner gets a link of their own, to the public facts of it."""
    pk = joined_request_id(request.POST.get("join", ""))
    found = publicity.offered(Request.objects.filter(pk=pk, status__in=OPEN)).first() if pk else None
    if found is None:
        return no_index(render(request, "tickets/public/unavailable.html", {"closed": True}, status=410))
    limited = check_rate(request, found.building_id)
    if limited is not None:
        return limited
    try:
        phone = normalize_phone(request.POST.get("contact_phone", ""))
    except InvalidValue:
        phone = ""
    try:
        supporter = actions.support(found, phone)
    except ActionRefused:
        return no_index(render(request, "tickets/public/unavailable.html", {"closed": True}, status=410))
    delete_drafts(kept_photos(request.POST.get("photos", "")))
    drafts.drop(request.session, request.POST.get("draft", ""))
    messages.success(request, "已记下：您也遇到了这件事。办理进度可以用下面的链接查看。")
    return redirect(reverse("ask:supporter", args=[supporter.tracking_token]))
