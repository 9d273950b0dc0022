"""Election pages: the admin opens, runs and closes; members nominate and vote from their phone."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts.access import is_admin
from loudong.accounts.models import User
from loudong.groups.access import group_community, led_groups, visible_groups
from loudong.groups.elections import actions
from loudong.groups.elections.forms import NominateForm, OpenElectionForm, PaperForm, VoteForm
from loudong.groups.elections.record import proposal
from loudong.groups.models import Candidate, Election, Elector
from loudong.lib.actions import ActionRefused
from loudong.registry.access import own_member
from loudong.registry.models import Community


def visible_election(request: HttpRequest, community: Community, pk: int) -> Election:
    elections = Election.objects.filter(community=community, group__in=visible_groups(request.user, community))
    return get_object_or_404(elections.select_related("group", "elected__resident", "runoff_of"), pk=pk)


def admin_election(request: HttpRequest, code: str, pk: int) -> tuple[Community, Election]:
    community = group_community(request, code)
    election = visible_election(request, community, pk)
    if not is_admin(request.user, community):
        raise Http404
    return community, election


def my_elector(user: User, community: Community, election: Election) -> Elector | None:
    member = own_member(user, community)
    return election.electors.filter(member=member).first() if member else None


@login_required
def election_open(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = group_community(request, code)
    if not is_admin(request.user, community):
        raise Http404
    group = get_object_or_404(visible_groups(request.user, community), pk=pk)
    form = OpenElectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            election = actions.open_election(group, by=request.user, office=form.cleaned_data["office"], http=request)
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已发起{election}，平台已给出建议名单")
            return redirect("elections:detail", code=community.code, pk=election.pk)
    context = {"community": community, "group": group, "form": form}
    return render(request, "groups/elections/open.html", context)


@login_required
def election_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = group_community(request, code)
    election = visible_election(request, community, pk)
    return render(request, "groups/elections/detail.html", detail_context(request, community, election))


def detail_context(request: HttpRequest, community: Community, election: Election, **forms: object) -> dict:
    user = request.user
    admin = is_admin(user, community)
    candidates = list(election.candidates.select_related("member__resident"))
    elector = my_elector(user, community, election)
    electors = election.electors.select_related("member__resident")
    roll = len(electors)
    turnout = sum(1 for e in electors if e.voted)
    may_nominate = election.stage == Election.Stage.NOMINATING and (admin or elector is not None)
    nominate_form = forms.get("nominate_form") or (NominateForm(None, election=election) if may_nominate else None)
    context = {
        "community": community,
        "election": election,
        "group": election.group,
        "candidates": sorted(candidates, key=lambda c: -c.votes) if not election.is_open else candidates,
        "elector": elector,
        "roll": roll,
        "turnout": turnout,
        "quorum": roll // 2 + 1,
        "is_admin": admin,
        "sees_roll": admin or led_groups(user, community).filter(pk=election.group_id).exists(),
        "electors": electors,
        "runoffs": election.runoffs.all(),
        "vote_form": forms.get("vote_form") or VoteForm(None, candidates=candidates),
        "nominate_form": nominate_form,
    }
    if admin and election.stage == Election.Stage.NOMINATING:
        chosen = {c.member_id for c in candidates}
        context["others"] = [row for row in proposal(election.group, election.office) if row[0].pk not in chosen]
    return context


@login_required
@require_POST
def nominate(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = group_community(request, code)
    election = visible_election(request, community, pk)
    admin = is_admin(request.user, community)
    elector = my_elector(request.user, community, election)
    if not admin and elector is None:
        messages.error(request, "您不在本次选举的选民名单中，不能提名。")
        return redirect("elections:detail", code=community.code, pk=election.pk)
    form = NominateForm(request.POST, election=election)
    if form.is_valid():
        member = form.cleaned_data["member"]
        who = f"社区管理员 {request.user}" if admin else f"党员 {elector.member.resident.name}"
        try:
            actions.nominate(election, by=request.user, member=member, nominated_by=who, http=request)
        except ActionRefused as error:
            form.add_error("member", str(error))
        else:
            messages.success(request, f"已提名 {member.resident.name} 为候选人")
            return redirect("elections:detail", code=community.code, pk=election.pk)
    context = detail_context(request, community, election, nominate_form=form)
    return render(request, "groups/elections/detail.html", context, status=400)


@login_required
@require_POST
def remove_candidate(request: HttpRequest, code: str, pk: int, candidate: int) -> HttpResponse:
    community, election = admin_election(request, code, pk)
    chosen = get_object_or_404(Candidate.objects.select_related("member__resident"), election=election, pk=candidate)
    try:
        actions.remove_candidate(chosen, by=request.user, http=request)
        messages.success(request, f"已撤下候选人 {chosen.member.resident.name}")
    except ActionRefused as error:
        messages.error(request, str(error))
    return redirect("elections:detail", code=community.code, pk=election.pk)


@login_required
@require_POST
def start(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, election = admin_election(request, code, pk)
    try:
        actions.start_voting(election, by=request.user, http=request)
        messages.success(request, "投票已开始：党员可以用手机投票，也可以投纸质票")
    except ActionRefused as error:
        messages.error(request, str(error))
    return redirect("elections:detail", code=community.code, pk=election.pk)


@login_required
@require_POST
def vote(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = group_community(request, code)
    election = visible_election(request, community, pk)
    elector = my_elector(request.user, community, election)
    if elector is None:
        messages.error(request, "您不在本次选举的选民名单中，不能投票。")
        return redirect("elections:detail", code=community.code, pk=election.pk)
    candidates = list(election.candidates.select_related("member__resident"))
    form = VoteForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            actions.cast_vote(election, by=request.user, member=elector.member, candidate_id=form.candidate_id())
        except ActionRefused as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "投票成功，谢谢您！结果在选举结束后公布。")
        return redirect("elections:detail", code=community.code, pk=election.pk)
    context = detail_context(request, community, election, vote_form=form)
    return render(request, "groups/elections/detail.html", context, status=400)


@login_required
def paper(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, election = admin_election(request, code, pk)
    candidates = list(election.candidates.select_related("member__resident"))
    form = PaperForm(request.POST if request.method == "POST" else None, election=election, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        voters = list(form.cleaned_data["voters"])
        try:
            actions.enter_paper(
                election,
                by=request.user,
                voters=voters,
                counts=form.counts(),
                blank=form.cleaned_data["blank"],
                http=request,
            )
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"已录入 {len(voters)} 张纸质选票")
            return redirect("elections:detail", code=community.code, pk=election.pk)
    context = {"community": community, "election": election, "form": form}
    return render(request, "groups/elections/paper.html", context, status=400 if form.errors else 200)


@login_required
def close(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, election = admin_election(request, code, pk)
    if request.method == "POST":
        try:
            runoff = actions.close_election(election, by=request.user, http=request)
        except ActionRefused as error:
            messages.error(request, str(error))
            return redirect("elections:detail", code=community.code, pk=election.pk)
        election.refresh_from_db()
        if runoff is not None:
            messages.warning(request, "最高票相同，已发起决选：请党员在得票相同的候选人中再投一次")
            return redirect("elections:detail", code=community.code, pk=runoff.pk)
        messages.success(request, f"选举已结束：{election.get_outcome_display()}")
        return redirect("elections:detail", code=community.code, pk=election.pk)
    context = detail_context(request, community, election)
    return render(request, "groups/elections/close.html", context)
