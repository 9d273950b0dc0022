"""Meeting pages: the list, preparing and editing a meeting, the meeting page, my follow-up tasks,
the printable minutes and the list behind a suggested agenda item."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from loudong.accounts.access import is_admin
from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, User
from loudong.community_life.meetings import actions
from loudong.community_life.meetings.access import (
    may_finish,
    may_prepare,
    may_run,
    meetings_community,
    my_tasks,
    visible_meetings,
)
from loudong.community_life.meetings.forms import (
    AgendaForm,
    DecisionForm,
    DoneForm,
    MeetingForm,
    MinutesForm,
    TaskForm,
)
from loudong.community_life.meetings.models import FollowUpTask, Meeting
from loudong.community_life.meetings.suggestions import (
    RECURRING_WINDOW_DAYS,
    RULE_TEXT,
    recurring_requests,
    suggestions_for,
)
from loudong.groups.access import led_groups
from loudong.lib.actions import ActionRefused
from loudong.lib.page_actions import actions_for
from loudong.lib.pdf import html_to_pdf
from loudong.registry.access import own_member
from loudong.registry.models import Building, Community

PAST_SHOWN = 30


def scoped_meeting(request: HttpRequest, code: str, pk: int, *, run: bool = False) -> tuple[Community, Meeting]:
    """The meeting if the user may see it (and run it, when `run`); else 404."""
    community = meetings_community(request, code)
    meeting = get_object_or_404(visible_meetings(request.user, community), pk=pk)
    if run and not may_run(request.user, meeting):
        raise Http404
    return community, meeting


@login_required
def meeting_list(request: HttpRequest, code: str) -> HttpResponse:
    community = meetings_community(request, code)
    meetings = visible_meetings(request.user, community)
    now = timezone.now()
    context = {
        "community": community,
        "upcoming": meetings.filter(held_at__gt=now).order_by("held_at"),
        "past": meetings.filter(held_at__lte=now)[:PAST_SHOWN],
        "past_total": meetings.filter(held_at__lte=now).count(),
        "may_prepare": may_prepare(request.user, community),
        "open_tasks": my_tasks(request.user, community).open().count(),
    }
    return render(request, "community_life/meetings/list.html", context)


def _save_error(form: MeetingForm, refusal: ActionRefused) -> None:
    form.add_error(None, refusal.message)


@login_required
def meeting_create(request: HttpRequest, code: str) -> HttpResponse:
    community = meetings_community(request, code)
    if not may_prepare(request.user, community):
        raise Http404
    start = timezone.localtime().replace(hour=19, minute=30, second=0, microsecond=0) + timedelta(days=1)
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        community=community,
        user=request.user,
        initial={"held_at": start, "group": request.GET.get("group")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = actions.create_meeting(
                community,
                by=request.user,
                title=data["title"],
                held_at=data["held_at"],
                group=data["group"],
                venue=data["venue"],
                place=data["place"],
                http=request,
            )
        except ActionRefused as refusal:
            _save_error(form, refusal)
        else:
            messages.success(request, "已安排会议。可以在下面添加议题。")
            return redirect("meetings:detail", code=code, pk=meeting.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "community_life/meetings/form.html",
        {"community": community, "form": form, "title": "安排会议"},
        status=status,
    )


@login_required
def meeting_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, meeting = scoped_meeting(request, code, pk, run=True)
    initial = {
        "title": meeting.title,
        "held_at": timezone.localtime(meeting.held_at),
        "venue": meeting.venue_id,
        "place": meeting.place,
    }
    form = MeetingForm(
        request.POST if request.method == "POST" else None,
        community=community,
        user=request.user,
        meeting=meeting,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_meeting(
                meeting,
                by=request.user,
                title=data["title"],
                held_at=data["held_at"],
                venue=data["venue"],
                place=data["place"],
                http=request,
            )
        except ActionRefused as refusal:
            _save_error(form, refusal)
        else:
            messages.success(request, "已保存")
            return redirect("meetings:detail", code=code, pk=meeting.pk)
    status = 400 if form.is_bound and form.errors else 200
    context = {"community": community, "form": form, "meeting": meeting, "title": f"修改会议：{meeting.title}"}
    return render(request, "community_life/meetings/form.html", context, status=status)


@login_required
def meeting_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, meeting = scoped_meeting(request, code, pk, run=True)
    if request.method == "POST":
        try:
            actions.delete_meeting(meeting, by=request.user, http=request)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect("meetings:detail", code=code, pk=meeting.pk)
        messages.success(request, f"已删除会议：{meeting.title}")
        return redirect("meetings:list", code=code)
    return render(request, "community_life/meetings/delete.html", {"community": community, "meeting": meeting})


def detail_context(request: HttpRequest, community: Community, meeting: Meeting, **forms: object) -> dict:
    runner = may_run(request.user, meeting)
    tasks = list(meeting.tasks.select_related("owner__resident", "decision"))
    member = own_member(request.user, community)
    for task in tasks:  # the same rule as scope.may_finish, with the member read once
        task.may_finish = not task.is_done and (runner or (member is not None and member.pk == task.owner_id))
    decisions = list(meeting.decisions.prefetch_related("requests"))
    more = actions_for(request.user, decisions)
    for decision in decisions:
        decision.more_actions = more[decision.pk]
    return {
        "community": community,
        "meeting": meeting,
        "runner": runner,
        "agenda": list(meeting.agenda.all()),
        "attendance": list(meeting.attendance.select_related("resident__member")),
        "decisions": decisions,
        "tasks": tasks,
        "suggestions": suggestions_for(request.user, meeting) if runner else [],
        "rule_text": RULE_TEXT,
        "agenda_form": forms.get("agenda_form") or AgendaForm(),
        "minutes_form": forms.get("minutes_form") or MinutesForm(initial={"minutes": meeting.minutes}),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "task_form": forms.get("task_form") or (TaskForm(meeting=meeting) if runner else None),
        "done_form": DoneForm(),
    }


@login_required
def meeting_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, meeting = scoped_meeting(request, code, pk)
    return render(request, "community_life/meetings/detail.html", detail_context(request, community, meeting))


@login_required
def minutes_print(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The minutes as a printable page (the browser prints it) or, with ?pdf=1, as a PDF."""
    community, meeting = scoped_meeting(request, code, pk)
    context = {
        "community": community,
        "meeting": meeting,
        "agenda": meeting.agenda.all(),
        "attendance": list(meeting.attendance.select_related("resident__member")),
        "decisions": meeting.decisions.prefetch_related("requests"),
        "tasks": meeting.tasks.select_related("owner__resident"),
        "printed_on": timezone.localdate(),
    }
    members = sum(1 for a in context["attendance"] if a.resident_id and hasattr(a.resident, "member"))
    context["members_present"] = members
    context["others_present"] = len(context["attendance"]) - members
    if request.GET.get("pdf"):
        context["for_pdf"] = True
        pdf = html_to_pdf(render_to_string("community_life/meetings/print.html", context, request=request))
        record(request, AuditEntry.Action.EXPORT, meeting, detail={"what": "会议纪要 PDF"})
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"会议纪要-{timezone.localtime(meeting.held_at):%Y%m%d}-{meeting.title}.pdf"
        response["Content-Disposition"] = content_disposition_header(True, name)
        return response
    return render(request, "community_life/meetings/print.html", context)


@login_required
def tasks_mine(request: HttpRequest, code: str) -> HttpResponse:
    community = meetings_community(request, code)
    tasks = my_tasks(request.user, community)
    open_tasks = list(tasks.open().order_by("due_on", "id"))
    team = list(team_tasks(request.user, community).exclude(pk__in=[t.pk for t in open_tasks]))
    for task in open_tasks + team:
        task.may_finish = True
    context = {
        "community": community,
        "open_tasks": open_tasks,
        "team_tasks": team,
        "overdue": sum(1 for t in open_tasks if t.is_overdue),
        "done_tasks": tasks.filter(status=FollowUpTask.Status.DONE).order_by("-done_at")[:20],
        "done_form": DoneForm(),
    }
    return render(request, "community_life/meetings/tasks.html", context)


def team_tasks(user: User, community: Community) -> QuerySet[FollowUpTask]:
    """Open tasks of the meetings the user runs (a leader's group, all for the admin), overdue first."""
    tasks = FollowUpTask.objects.filter(community=community).open()
    if not is_admin(user, community):
        tasks = tasks.filter(meeting__group__in=led_groups(user, community))
    return tasks.select_related("meeting", "owner__resident").order_by("due_on", "id")


@login_required
@require_POST
def task_done(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = meetings_community(request, code)
    task = get_object_or_404(FollowUpTask.objects.filter(community=community).select_related("meeting"), pk=pk)
    visible = visible_meetings(request.user, community).filter(pk=task.meeting_id).exists()
    if not may_finish(request.user, task) or not (visible or my_tasks(request.user, community).filter(pk=pk)):
        raise Http404
    form = DoneForm(request.POST)
    back = "meetings:tasks" if request.POST.get("back") == "tasks" else None
    if not form.is_valid():
        messages.error(request, form.errors["note"][0])
    else:
        try:
            actions.finish_task(task, by=request.user, note=form.cleaned_data["note"], http=request)
        except ActionRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, f"已标记完成：{task.text}")
    if back or not visible:
        return redirect("meetings:tasks", code=code)
    return redirect(f"{_detail_url(code, task.meeting_id)}#tasks")


@login_required
@require_POST
def task_reopen(request: HttpRequest, code: str, pk: int, task: int) -> HttpResponse:
    community, meeting = scoped_meeting(request, code, pk, run=True)
    row = get_object_or_404(meeting.tasks, pk=task)
    try:
        actions.reopen_task(row, by=request.user, http=request)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    return redirect(f"{_detail_url(code, meeting.pk)}#tasks")


def _detail_url(code: str, pk: int) -> str:
    return reverse("meetings:detail", kwargs={"code": code, "pk": pk})


@login_required
def recurring(request: HttpRequest, code: str) -> HttpResponse:
    """The requests behind a suggested agenda item: one building, one category, the recent window."""
    community = meetings_community(request, code)
    if not may_prepare(request.user, community):
        raise Http404
    building = get_object_or_404(Building, community=community, pk=request.GET.get("building") or 0)
    category = request.GET.get("category", "")
    rows = (
        recurring_requests(request.user, community)
        .filter(building=building, category_code=category)
        .select_related("stairwell")
        .order_by("-created_at")
    )
    if not rows:
        raise Http404
    meeting_id = request.GET.get("meeting", "")
    back = visible_meetings(request.user, community).filter(pk=meeting_id).first() if meeting_id.isdigit() else None
    context = {
        "community": community,
        "building": building,
        "rows": rows,
        "category_name": rows[0].category_name,
        "rule_text": RULE_TEXT,
        "window": RECURRING_WINDOW_DAYS,
        "back_meeting": back,
    }
    return render(request, "community_life/meetings/recurring.html", context)
