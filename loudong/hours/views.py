"""Hours pages: 我的服务时长 (a volunteer's own), the totals of a leader's or admin's volunteers,
one volunteer's records, and the correction queue.

A volunteer sees only their own records; a leader the members of the groups they lead; the
admin every member of the community. Anyone else gets 404. Totals are a table sorted by name:
no positions, no ranking.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts.access import is_admin
from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.hours import actions
from loudong.hours.access import hours_community, may_decide, may_oversee, scoped_members, team_community
from loudong.hours.forms import ChangeForm, DecisionForm, MissingForm, Period, PeriodForm, period_of, presets
from loudong.hours.ledger import Line, ledger, total_by_member
from loudong.hours.models import Certificate, Correction, hours_text
from loudong.lib.actions import ActionRefused
from loudong.registry.access import own_member
from loudong.registry.models import Community, Member


def period_context(request: HttpRequest) -> dict:
    period, form = period_of(request)
    labels = {key: label for key, (label, _, _) in presets(period.end).items()}
    return {"period": period, "period_form": form, "presets": labels}


def summary(lines: list[Line]) -> dict:
    minutes = sum(line.minutes for line in lines)
    return {"lines": lines, "minutes": minutes, "hours": hours_text(minutes), "count": len(lines)}


@login_required
def mine(request: HttpRequest, code: str) -> HttpResponse:
    """我的服务时长."""
    community = hours_community(request, code)
    member = own_member(request.user, community)
    context = {"community": community, "member": member, "is_staff": may_oversee(request.user, community)}
    context.update(period_context(request))
    if member is not None:
        period: Period = context["period"]
        lines = ledger([community.pk], period.start, period.end, member_ids=[member.pk])
        pending = Correction.objects.pending().filter(member=member, kind=Correction.Kind.CHANGE)
        waiting = {(c.source, c.source_id) for c in pending}
        for line in lines:
            line.pending = (line.source, line.source_id) in waiting
        context.update(summary(lines))
        context["corrections"] = Correction.objects.filter(member=member)[:20]
        context["certificates"] = Certificate.objects.filter(member=member)
    return render(request, "hours/mine.html", context)


def own_line(request: HttpRequest, community: Community, member: Member) -> Line:
    """The volunteer's ledger line named by ?source=&id=&on= (404 if it is not theirs)."""
    form = PeriodForm({"start": request.GET.get("on"), "end": request.GET.get("on")})
    source, source_id = request.GET.get("source", ""), request.GET.get("id", "")
    if not form.is_valid() or not source_id.isdigit():
        raise Http404
    day = form.cleaned_data["start"]
    lines = ledger([community.pk], day, day, member_ids=[member.pk])
    line = next((x for x in lines if x.source == source and x.source_id == int(source_id)), None)
    if line is None:
        raise Http404
    return line


@login_required
def ask_change(request: HttpRequest, code: str) -> HttpResponse:
    """申请更正 one record: the new minutes and why."""
    community = hours_community(request, code)
    member = own_member(request.user, community)
    if member is None:
        raise Http404
    line = own_line(request, community, member)
    form = ChangeForm(request.POST or None, initial={"minutes": line.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            actions.ask_change(member, by=request.user, line=line, **form.cleaned_data)
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "更正申请已提交，组长审核后生效。")
            return redirect("hours:mine", code=community.code)
    return render(request, "hours/ask_change.html", {"community": community, "line": line, "form": form})


@login_required
def ask_missing(request: HttpRequest, code: str) -> HttpResponse:
    """补录: service no source recorded."""
    community = hours_community(request, code)
    member = own_member(request.user, community)
    if member is None:
        raise Http404
    form = MissingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.ask_missing(member, by=request.user, **form.cleaned_data)
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "补录申请已提交，组长审核后计入服务时长。")
            return redirect("hours:mine", code=community.code)
    return render(request, "hours/ask_missing.html", {"community": community, "form": form})


@login_required
def team(request: HttpRequest, code: str) -> HttpResponse:
    """The volunteers' totals for a period, sorted by name (a table of totals, not a ranking)."""
    community = team_community(request, code)
    context = {"community": community, **period_context(request)}
    period: Period = context["period"]
    members = list(scoped_members(request.user, community).order_by("resident__name_pinyin", "pk"))
    totals = total_by_member(ledger([community.pk], period.start, period.end, [m.pk for m in members]))
    rows = [(m, hours_text(totals.get(m.pk, 0))) for m in members]
    minutes = sum(totals.values())
    context.update({
        "rows": rows, "hours": hours_text(minutes), "served": sum(1 for v in totals.values() if v > 0),
        "pending": Correction.objects.pending().filter(member__in=[m.pk for m in members]).count(),
        "is_admin": is_admin(request.user, community),
    })  # fmt: skip
    return render(request, "hours/team.html", context)


@login_required
def member_hours(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One volunteer's records for a period, for their leader or the admin; issue a certificate."""
    community = team_community(request, code)
    member = get_object_or_404(scoped_members(request.user, community), pk=pk)
    context = {"community": community, "member": member, **period_context(request)}
    period: Period = context["period"]
    context.update(summary(ledger([community.pk], period.start, period.end, member_ids=[member.pk])))
    context["certificates"] = Certificate.objects.filter(member=member)
    context["issued"] = Certificate.objects.filter(
        member=member, period_start=period.start, period_end=period.end
    ).first()
    record(request, AuditEntry.Action.VIEW, member, object_repr=f"{member.resident.name} 的服务时长",
           detail={"时段": period.label})  # fmt: skip
    return render(request, "hours/member.html", context)


@login_required
def queue(request: HttpRequest, code: str) -> HttpResponse:
    """更正审核: the pending asks of the user's volunteers, then the latest decisions."""
    community = team_community(request, code)
    members = scoped_members(request.user, community).values("pk")
    scoped = Correction.objects.filter(community=community, member__in=members).select_related(
        "member__resident", "decided_by"
    )
    pending = [(c, may_decide(request.user, c.member)) for c in scoped.pending().order_by("requested_at")]
    decided = scoped.exclude(status=Correction.Status.PENDING).order_by("-decided_at")[:20]
    context = {"community": community, "pending": pending, "decided": decided, "form": DecisionForm()}
    return render(request, "hours/queue.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = team_community(request, code)
    members = scoped_members(request.user, community).values("pk")
    correction = get_object_or_404(Correction, community=community, member__in=members, pk=pk)
    approve = request.POST.get("decision") == "approve"
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, form.errors["note"][0])
        return redirect("hours:queue", code=community.code)
    try:
        decided = actions.decide(correction, by=request.user, approve=approve, note=note)
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        record(request, AuditEntry.Action.UPDATE, decided, object_repr=f"{decided.member} 的时长申请",
               detail={"结果": decided.get_status_display(), "分钟": decided.minutes})  # fmt: skip
        messages.success(request, f"已{'通过' if approve else '退回'} {decided.member} 的申请。")
    return redirect("hours:queue", code=community.code)
