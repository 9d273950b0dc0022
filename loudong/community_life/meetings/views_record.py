"""Recording a meeting: agenda, attendance (tick list and name search), minutes, decisions (and the
requests they open) and follow-up tasks. Only whoever runs the meeting gets here (404 otherwise)."""

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.community_life.meetings import actions
from loudong.community_life.meetings.access import pickable_people, task_owners
from loudong.community_life.meetings.forms import (
    AgendaForm,
    DecisionForm,
    MinutesForm,
    OpenRequestForm,
    TaskForm,
)
from loudong.community_life.meetings.models import Meeting
from loudong.community_life.meetings.suggestions import suggestions_for
from loudong.community_life.meetings.views import detail_context, scoped_meeting
from loudong.lib.actions import ActionRefused
from loudong.registry.models import Building

SEARCH_LIMIT = 12
GUEST_SEPARATORS = re.compile(r"[\n,，、;；]+")


def _back(code: str, meeting: Meeting, anchor: str) -> HttpResponse:
    return redirect(reverse("meetings:detail", kwargs={"code": code, "pk": meeting.pk}) + f"#{anchor}")


def _refused(
    request: HttpRequest, community: object, meeting: Meeting, form_name: str, form: object, message: str | None = None
) -> HttpResponse:
    """The meeting page again, with the form that failed and its Chinese errors; nothing else lost."""
    if message:
        form.add_error(None, message)
    context = detail_context(request, community, meeting, **{form_name: form})
    return render(request, "community_life/meetings/detail.html", context, status=400)


@login_required
@require_POST
def agenda_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, meeting = scoped_meeting(request, code, pk, run=True)
    form = AgendaForm(request.POST)
    if not form.is_valid():
        return _refused(request, community, meeting, "agenda_form", form)
    try:
        actions.add_agenda_item(meeting, form.cleaned_data["text"], by=request.user, http=request)
    except ActionRefused as refusal:
        return _refused(request, community, meeting, "agenda_form", form, refusal.message)
    return _back(code, meeting, "agenda")


@login_required
@require_POST
def agenda_suggest(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One tap adds a suggested recurring problem to the agenda."""
    community, meeting = scoped_meeting(request, code, pk, run=True)
    building_id, category = request.POST.get("building", ""), request.POST.get("category", "")
    chosen = next(
        (
            s
            for s in suggestions_for(request.user, meeting)
            if str(s.building_id) == building_id and s.category_code == category
        ),
        None,
    )
    if chosen is None:
        messages.error(request, "这条建议议题已经不在了（可能已加入议程，或近期点单已不足规定件数）。")
        return _back(code, meeting, "agenda")
    building = Building.objects.get(pk=chosen.building_id)
    try:
        actions.add_agenda_item(
            meeting,
            chosen.agenda_text,
            by=request.user,
            building=building,
            category_code=chosen.category_code,
            http=request,
        )
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    return _back(code, meeting, "agenda")


@login_required
@require_POST
def agenda_remove(request: HttpRequest, code: str, pk: int, item: int) -> HttpResponse:
    _, meeting = scoped_meeting(request, code, pk, run=True)
    actions.remove_agenda_item(get_object_or_404(meeting.agenda, pk=item), by=request.user, http=request)
    return _back(code, meeting, "agenda")


@login_required
@require_POST
def agenda_move(request: HttpRequest, code: str, pk: int, item: int) -> HttpResponse:
    _, meeting = scoped_meeting(request, code, pk, run=True)
    row = get_object_or_404(meeting.agenda, pk=item)
    actions.move_agenda_item(row, by=request.user, up=request.POST.get("direction") != "down")
    return _back(code, meeting, "agenda")


def split_guests(text: str) -> list[str]:
    return [name.strip() for name in GUEST_SEPARATORS.split(text or "") if name.strip()]


@login_required
def attendance(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The tick list: the group's members, everyone already ticked, people found by name, guests.
    A refused save shows the ticks and names as they were sent, with the error."""
    community, meeting = scoped_meeting(request, code, pk, run=True)
    people = pickable_people(request.user, meeting)
    present = list(meeting.attendance.select_related("resident"))
    ticked_people = [a.resident for a in present if a.resident_id]
    guests = [a.guest_name for a in present if not a.resident_id]
    typed = ""
    if request.method == "POST":
        ids = {int(v) for v in request.POST.getlist("resident") if v.isdigit()}
        ticked_people = list(people.filter(pk__in=ids))
        guests, typed = request.POST.getlist("guest"), request.POST.get("new_guests", "")
        try:
            if len(ticked_people) != len(ids):
                raise ActionRefused("勾选的人里有不在本次会议范围内的居民，请重新勾选。")
            added, removed = actions.set_attendance(
                meeting, by=request.user, residents=ticked_people, guests=guests + split_guests(typed), http=request
            )
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            total = meeting.attendance.count()
            messages.success(request, f"已保存到会人员：共 {total} 人（新增 {added}，去掉 {removed}）。")
            return _back(code, meeting, "attendance")
    members = [m.resident for m in task_owners(meeting)]
    listed = {r.pk for r in members}
    record(
        request,
        AuditEntry.Action.VIEW,
        meeting,
        object_type="attendance",
        object_repr=f"{meeting} 到会名单",
        detail={"page": "attendance"},
    )
    context = {
        "community": community,
        "meeting": meeting,
        "members": members,
        "guests": guests,
        "typed": typed,
        "others": [r for r in ticked_people if r.pk not in listed],
        "ticked": {r.pk for r in ticked_people},
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "community_life/meetings/attendance.html", context, status=status)


@login_required
def attendance_search(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Names found by characters, full pinyin or initials (htmx partial of the tick list)."""
    _, meeting = scoped_meeting(request, code, pk, run=True)
    query = request.GET.get("q", "").strip()
    found = []
    if query:
        found = list(
            pickable_people(request.user, meeting)
            .search(query)
            .select_related("household__stairwell__building", "member")[:SEARCH_LIMIT]
        )
    return render(request, "community_life/meetings/_people_found.html", {"found": found, "query": query})


@login_required
@require_POST
def minutes_save(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, meeting = scoped_meeting(request, code, pk, run=True)
    form = MinutesForm(request.POST)
    if not form.is_valid() and request.headers.get("HX-Request") == "true":
        # htmx swaps only 2xx answers: the refusal is the text shown in place of the saved note.
        return HttpResponse(f"没有保存：{form.errors['minutes'][0]}")
    if not form.is_valid():
        return _refused(request, community, meeting, "minutes_form", form)
    actions.save_minutes(meeting, form.cleaned_data["minutes"], by=request.user, http=request)
    if request.headers.get("HX-Request") == "true":
        return HttpResponse(f"纪要已自动保存（{timezone.localtime():%H:%M}）")
    messages.success(request, "纪要已保存")
    return _back(code, meeting, "minutes")


@login_required
@require_POST
def decision_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, meeting = scoped_meeting(request, code, pk, run=True)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _refused(request, community, meeting, "decision_form", form)
    try:
        actions.add_decision(meeting, form.cleaned_data["text"], by=request.user, http=request)
    except ActionRefused as refusal:
        return _refused(request, community, meeting, "decision_form", form, refusal.message)
    return _back(code, meeting, "decisions")


@login_required
@require_POST
def decision_remove(request: HttpRequest, code: str, pk: int, decision: int) -> HttpResponse:
    _, meeting = scoped_meeting(request, code, pk, run=True)
    try:
        actions.remove_decision(get_object_or_404(meeting.decisions, pk=decision), by=request.user, http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    return _back(code, meeting, "decisions")


@login_required
def decision_request(request: HttpRequest, code: str, pk: int, decision: int) -> HttpResponse:
    """A decision opens a request (channel: meeting): pick the building and category, confirm the text."""
    community, meeting = scoped_meeting(request, code, pk, run=True)
    row = get_object_or_404(meeting.decisions, pk=decision)
    form = OpenRequestForm(
        request.POST if request.method == "POST" else None,
        meeting=meeting,
        initial={"description": f"议事会决定：{row.text}"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            req = actions.open_request(
                row,
                by=request.user,
                building=form.chosen_building(),
                category_code=data["category"],
                description=data["description"],
                kind=data["kind"],
                http=request,
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, f"已开点单，编号 {req.number}，来源：议事会。")
            return _back(code, meeting, "decisions")
    context = {"community": community, "meeting": meeting, "decision": row, "form": form}
    return render(request, "community_life/meetings/open_request.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def task_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, meeting = scoped_meeting(request, code, pk, run=True)
    form = TaskForm(request.POST, meeting=meeting)
    if not form.is_valid():
        return _refused(request, community, meeting, "task_form", form)
    data = form.cleaned_data
    decision = meeting.decisions.filter(pk=data["decision"]).first() if data["decision"] else None
    try:
        actions.add_task(
            meeting,
            by=request.user,
            text=data["text"],
            owner=data["owner"],
            due_on=data["due_on"],
            decision=decision,
            http=request,
        )
    except ActionRefused as refusal:
        return _refused(request, community, meeting, "task_form", form, refusal.message)
    return _back(code, meeting, "tasks")
