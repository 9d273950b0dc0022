"""The resident's pages after placing, by the secret link only (no account): the receipt, the
tracking page (reply, confirm and rate) and its photos; and the page of a neighbour who joined
(我也遇到), which shows the public facts of the request and nothing of its requester.

Every change made here goes through loudong.tickets.actions.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from loudong.lib.actions import ActionRefused
from loudong.registry.models import Member
from loudong.tickets import actions, intake, publicity
from loudong.tickets.forms_public import AnswerForm, RatingForm
from loudong.tickets.hooks import tracking_notes
from loudong.tickets.models import OPEN, Intake, Request, RequestPhoto, Supporter


def no_index(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


# After placing: the receipt and the tracking page -----------------------------------------------


def _by_token(token: str) -> Request:
    return get_object_or_404(
        Request.objects.select_related("community", "building", "stairwell", "assignee__resident"),
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
    return no_index(render(request, "tickets/public/receipt.html", {"waiting": row, "link": link, "qr": qr_svg(link)}))


@require_GET
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    from loudong.lib.qr import qr_svg

    waiting = _placed_or_waiting(request, token)
    if waiting is not None:
        return waiting
    req = _by_token(token)
    link = request.build_absolute_uri(reverse("ask:track", args=[token]))
    return no_index(render(request, "tickets/public/receipt.html", {"req": req, "link": link, "qr": qr_svg(link)}))


@require_GET
def track(request: HttpRequest, token: str) -> HttpResponse:
    return _placed_or_waiting(request, token) or _track_page(request, token)


def _track_page(
    request: HttpRequest,
    token: str,
    *,
    answer: AnswerForm | None = None,
    rating: RatingForm | None = None,
    status: int = 200,
) -> HttpResponse:
    req = _by_token(token)
    events = list(req.events.all())
    context = {
        "req": req,
        "sentence": status_sentence(req),
        "timeline": public_timeline(req, events),
        "due": req.due_label,
        "follow": _follow_link(events),
        "neighbours": SCOPE_NOTES[Request.Scope.SHARED] if publicity.may_offer(req) else "邻居看不到这件事。",
        "photos": list(req.photos.all()),
        "can_add": req.status in OPEN,
        "can_rate": req.status == Request.Status.RESOLVED,
        "answer": answer or AnswerForm(),
        "rating": rating or RatingForm(),
        # What upper layers add (the resident's privacy requests made from this link).
        "notes": [line for lines in tracking_notes.send(req) for line in lines],
        # A refusal by the action (the state changed meanwhile) shows even when its form is gone.
        "refusals": [e for form in (answer, rating) if form is not None for e in form.non_field_errors()],
    }
    return no_index(render(request, "tickets/public/track.html", context, status=status))


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


def _follow_link(events: list) -> str:
    """A merged request's resident follows the other one as its supporter (never by its requester's link)."""
    merged = [e.data["supporter"] for e in events if e.kind == "merged" and e.data.get("supporter")]
    token = Supporter.objects.filter(pk__in=merged).values_list("tracking_token", flat=True).first()
    return reverse("ask:supporter", args=[token]) if token else ""


def _track_again(request: HttpRequest, token: str, **forms: object) -> HttpResponse:
    return _track_page(request, token, status=400, **forms)


@require_GET
def photo(request: HttpRequest, token: str, photo_id: int) -> HttpResponse:
    req = _by_token(token)
    item = get_object_or_404(RequestPhoto, pk=photo_id, request=req)
    return no_index(FileResponse(item.image.open("rb"), content_type="image/jpeg"))


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
    "placed": "提交点单",
    "supported": "又有一位邻居反映“我也遇到”",
    "dispatched": "安排志愿者",
    "accepted": "志愿者已接单",
    "paused": "志愿者请您补充情况",
    "resumed": "居民已回复",
    "commented": "居民补充了情况",
    "resolved": "已办好",
    "rated": "居民评价",
    "reopened": "重新办理",
    "confirmed": "居民确认并评价",
    "closed": "已办结",
    "rejected": "不予受理",
    "merged": "合并办理",
    "escalated": "上报社区办理",
    "extended": "办结期限延长",
    "scoped": "楼栋党小组更改了范围",
    "published": "公开进展",
}


SCOPE_NOTES = {
    Request.Scope.SHARED: "这是公共区域的事：同楼邻居能看到去掉姓名、房号和电话的摘要，可以点“我也遇到”。",
    Request.Scope.HOUSEHOLD: "这是家中的事：只有楼栋党小组和社区能看到，邻居看不到。",
}


@dataclass(frozen=True)
class PublicEvent:
    at: object
    title: str
    note: str


def status_sentence(req: Request) -> str:
    return STATUS_SENTENCES.get(req.status, req.get_status_display())


def public_timeline(req: Request, events: list | None = None) -> list[PublicEvent]:
    """The events the resident reads on their tracking page (the requester's own, never a neighbour's)."""
    events = [
        e
        for e in (req.events.all() if events is None else events)
        if e.kind in EVENT_TITLES and (e.kind != "commented" or not e.actor_id)
    ]
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
        elif event.kind == "scoped":
            note = SCOPE_NOTES.get(event.data.get("scope"), "")
        timeline.append(PublicEvent(event.at, EVENT_TITLES[event.kind], note))
    return timeline


# The page of a neighbour who joined ----------------------------------------------------------------


@dataclass(frozen=True)
class SharedProblem:
    """All a supporter's page may show: built here field by field, so that nothing of the requester
    (place, name, contact, photos, timeline, reply) can reach the template."""

    category: str
    building: str
    excerpt: str  # empty once it is no longer offered (a household's, anonymous, 举报)
    status: str
    sentence: str
    public_note: str
    public_note_at: datetime | None
    supporters: int


def shared_problem(req: Request) -> SharedProblem:
    status, sentence = publicity.status_for_supporters(req)
    redact = publicity.redactor_for([req])
    return SharedProblem(
        category=req.category_name,
        building=req.building.name,
        excerpt=publicity.excerpts([req], redact).get(req.pk, ""),
        status=status,
        sentence=sentence,
        # Written for the public by staff, and redacted all the same: a room or a name slips in.
        public_note=redact(req.public_note),
        public_note_at=req.public_note_at,
        supporters=req.support_count,
    )


@require_GET
def supporter(request: HttpRequest, token: str) -> HttpResponse:
    """我也遇到: what the joiner follows. The request of a merged one is the one it was merged into."""
    joined = get_object_or_404(Supporter.objects.select_related("request__building"), tracking_token=token)
    link = request.build_absolute_uri(reverse("ask:supporter", args=[token]))
    return no_index(
        render(request, "tickets/public/supporter.html", {"problem": shared_problem(joined.request), "link": link})
    )
