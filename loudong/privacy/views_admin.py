"""The admin's pages: the queue of privacy requests with their deadlines, one request and its answer,
the copy's files, and a request recorded in person from the resident's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from loudong.lib.actions import ActionRefused
from loudong.privacy import actions, erasure
from loudong.privacy.forms import KIND_HINTS, AnswerForm, InPersonForm, RefuseForm
from loudong.privacy.models import PersonalDataRequest
from loudong.privacy.views_public import copy_response
from loudong.registry.access import admin_community, visible_residents


@login_required
@require_GET
def queue(request: HttpRequest, code: str) -> HttpResponse:
    community = admin_community(request, code)
    rows = PersonalDataRequest.objects.filter(community=community).select_related("resident", "request")
    context = {
        "community": community,
        "open": rows.filter(status=PersonalDataRequest.Status.OPEN).order_by("due_at", "id"),
        "answered": rows.exclude(status=PersonalDataRequest.Status.OPEN).order_by("-answered_at", "-id")[:30],
    }
    return render(request, "privacy/queue.html", context)


def _scoped(request: HttpRequest, code: str, pk: int) -> tuple[object, PersonalDataRequest]:
    community = admin_community(request, code)
    rows = PersonalDataRequest.objects.select_related("resident", "request__building", "community")
    return community, get_object_or_404(rows, pk=pk, community=community)


@login_required
def detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, pdr = _scoped(request, code, pk)
    answer, refuse = AnswerForm(), RefuseForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("decision") == "refuse":
                refuse = RefuseForm(request.POST)
                if refuse.is_valid():
                    actions.refuse(pdr, by=request.user, reason=refuse.cleaned_data["reason"], http=request)
                    messages.success(request, "已答复：不予办理，居民会看到理由。")
                    return redirect("privacy:queue", code=code)
            else:
                answer = AnswerForm(request.POST)
                if answer.is_valid():
                    data = answer.cleaned_data
                    actions.answer(
                        pdr, by=request.user, text=data["text"], confirm_delete=data["confirm_delete"], http=request
                    )
                    messages.success(request, "已答复，居民会看到。")
                    return redirect("privacy:queue", code=code)
        except ActionRefused as error:
            (refuse if request.POST.get("decision") == "refuse" else answer).add_error(None, error.message)
        status = 400
    person = actions.person_of(pdr) if pdr.status == pdr.Status.OPEN else None
    context = {
        "community": community,
        "pdr": pdr,
        "answer": answer,
        "refuse": refuse,
        "blockers": erasure.blockers(person) if person is not None and pdr.kind == pdr.Kind.DELETE else [],
        "whole": person.whole if person is not None else pdr.whole_person,
    }
    return render(request, "privacy/detail.html", context, status=status)


@login_required
@require_GET
def export(request: HttpRequest, code: str, pk: int, extension: str) -> HttpResponse:
    _, pdr = _scoped(request, code, pk)
    return copy_response(request, pdr, extension, by_resident=False)


@login_required
def in_person(request: HttpRequest, code: str, resident_id: int) -> HttpResponse:
    community = admin_community(request, code)
    resident = get_object_or_404(visible_residents(request.user, community), pk=resident_id)
    form = InPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pdr = actions.record_in_person(
                resident,
                kind=form.cleaned_data["kind"],
                details=form.cleaned_data["details"],
                by=request.user,
                http=request,
            )
        except ActionRefused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "已登记，15 个工作日内答复。")
            return redirect("privacy:detail", code=code, pk=pdr.pk)
    context = {"community": community, "resident": resident, "form": form, "hints": KIND_HINTS}
    return render(request, "privacy/in_person.html", context, status=400 if form.errors else 200)
