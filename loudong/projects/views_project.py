"""A project's page: its need and resource, the steps in order (each done on a date or not), the
owner, due and done dates, and its history from the audit log; and the forms that run it."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from loudong.accounts.audit import names_for, shown_text
from loudong.accounts.audit_display import detail_lines
from loudong.accounts.models import AuditEntry
from loudong.lib.actions import ActionRefused
from loudong.projects import actions
from loudong.projects.access import lists_community
from loudong.projects.forms import DoneOnForm, FinishForm, ProjectForm, ReasonForm, StepForm
from loudong.projects.models import Project
from loudong.registry.models import Community


def _project(request: HttpRequest, community: Community, pk: int) -> Project:
    rows = Project.objects.visible_to(request.user, community).select_related(
        "need__community", "need__group", "need__building", "resource__unit", "resource__member__resident",
        "resource__building", "owner",
    )  # fmt: skip
    return get_object_or_404(rows, pk=pk)


def history(project: Project) -> list[dict]:
    """The project's audit entries, oldest first, in plain words (steps are logged on the project)."""
    entries = list(
        AuditEntry.objects.filter(
            community_id=project.community_id, object_type="project", object_id=str(project.pk)
        ).order_by("at", "id")
    )
    names = names_for(entries)
    return [
        {
            "at": entry.at,
            "actor": shown_text(entry.actor_name, names),
            "action": entry.get_action_display(),
            "lines": [shown_text(line, names) for line in detail_lines(entry)],
        }
        for entry in entries
    ]


@login_required
def project_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = lists_community(request.user, code)
    project = _project(request, community, pk)
    runner = actions.may_run(request.user, project) and project.is_running
    today = timezone.localdate()
    return render(
        request,
        "projects/project.html",
        {
            "community": community,
            "project": project,
            "need": project.need,
            "resource": project.resource,
            "steps": list(project.steps.all()),
            "runner": runner,
            "today": today,
            "step_form": StepForm() if runner else None,
            "edit_form": _edit_form(project) if runner else None,
            "finish_form": FinishForm(initial={"done_on": today, "beneficiaries": project.beneficiaries}),
            "reason_form": ReasonForm(),
            "history": history(project),
        },
    )


def _edit_form(project: Project, data: object = None) -> ProjectForm:
    initial = {
        "title": project.title,
        "owner": project.owner_id,
        "beneficiaries": project.beneficiaries,
        "due_on": project.due_on,
    }
    return ProjectForm(data, owners=actions.owners_for(project.need), initial=initial)


def _act(
    request: HttpRequest, code: str, pk: int, form: Form | None, run: Callable[[Project, dict], object], done: str
) -> HttpResponse:
    """Validate the form (if any), run the action, and go back to the project with its message."""
    community = lists_community(request.user, code)
    project = _project(request, community, pk)
    try:
        if form is not None and not form.is_valid():
            raise ActionRefused(next(iter(form.errors.values()))[0])
        run(project, form.cleaned_data if form is not None else {})
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done)
    return redirect("projects:project", code=code, pk=pk)


@login_required
@require_POST
def project_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = lists_community(request.user, code)
    form = _edit_form(_project(request, community, pk), request.POST)
    return _act(
        request, code, pk, form,
        lambda p, data: actions.update_project(p, by=request.user, http=request, **data),
        "已保存。",
    )  # fmt: skip


@login_required
@require_POST
def step_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _act(
        request, code, pk, StepForm(request.POST),
        lambda p, data: actions.add_step(p, by=request.user, http=request, **data),
        "已添加步骤。",
    )  # fmt: skip


@login_required
@require_POST
def step_mark(request: HttpRequest, code: str, pk: int, step: int) -> HttpResponse:
    """完成 a step on a date (the form offers today), or 撤销 (done=0)."""
    undo = request.POST.get("done") == "0"
    form = None if undo else DoneOnForm(request.POST)

    def run(project: Project, data: dict) -> None:
        found = get_object_or_404(project.steps, pk=step)
        actions.mark_step(found, by=request.user, done_on=None if undo else data["done_on"], http=request)

    return _act(request, code, pk, form, run, "已撤销这一步的完成。" if undo else "这一步已完成。")


@login_required
@require_POST
def step_remove(request: HttpRequest, code: str, pk: int, step: int) -> HttpResponse:
    def run(project: Project, data: dict) -> None:
        actions.remove_step(get_object_or_404(project.steps, pk=step), by=request.user, http=request)

    return _act(request, code, pk, None, run, "已删除步骤。")


@login_required
@require_POST
def project_begin(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _act(
        request, code, pk, None, lambda p, data: actions.begin(p, by=request.user, http=request), "项目已开始。"
    )


@login_required
@require_POST
def project_finish(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _act(
        request, code, pk, FinishForm(request.POST),
        lambda p, data: actions.finish(p, by=request.user, http=request, **data),
        "项目已完成，需求已满足。",
    )  # fmt: skip


@login_required
@require_POST
def project_cancel(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    return _act(
        request, code, pk, ReasonForm(request.POST),
        lambda p, data: actions.cancel(p, by=request.user, reason=data["reason"], http=request),
        "项目已取消，需求回到“待对接”。",
    )  # fmt: skip
