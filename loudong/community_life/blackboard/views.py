"""党史小黑板 pages: the community's notes, writing one, a building's blackboard (public: the
poster's QR code leads there, and anyone in the stairwell may read what hangs on its wall),
the poster PDF, and moderation."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from loudong.accounts.models import Role
from loudong.community_life.blackboard import actions
from loudong.community_life.blackboard.access import is_author, may_moderate, writable_buildings
from loudong.community_life.blackboard.forms import HideForm, NoteForm, NoteTextForm
from loudong.community_life.blackboard.models import Note
from loudong.lib.actions import ActionRefused
from loudong.lib.pdf import html_to_pdf
from loudong.lib.qr import qr_data_uri
from loudong.registry.access import community_for, own_member
from loudong.registry.models import Building

READ_ROLES = {Role.ADMIN, Role.LEADER, Role.VOLUNTEER, Role.RESIDENT}
PRINT_ROLES = {Role.ADMIN, Role.LEADER, Role.VOLUNTEER}
SIZES = {"A4", "A3"}
POSTER_NOTES = 4


def board_url(building: Building, code: str) -> str:
    return settings.PUBLIC_URL + reverse("blackboard:building", args=[code, building.pk])


def fit(note: Note) -> str:
    """Type size class so a note of up to 500 characters fills one poster page: s, m or l."""
    length = len(note.body) + note.body.count("\n") * 20
    return "s" if length <= 180 else "m" if length <= 320 else "l"


def moderation_flags(request: HttpRequest, notes: list[Note]) -> list[tuple[Note, bool, bool]]:
    """(note, may the user hide or show it, is the user its author) for each note."""
    user = request.user
    if not user.is_authenticated:
        return [(n, False, False) for n in notes]
    return [(n, may_moderate(user, n), is_author(user, n)) for n in notes]


def _back_to(note: Note, code: str) -> HttpResponse:
    """The note's building's blackboard (the first building of a group's note), or the community's."""
    target = (
        note.building
        or Building.objects.filter(community_id=note.community_id, stairwells__group_id=note.group_id)
        .order_by("sort_key")
        .first()
    )
    if target is None:
        return redirect("blackboard:index", code=code)
    return redirect("blackboard:building", code=code, pk=target.pk)


@login_required
def index(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code, READ_ROLES)
    roles = request.user.roles_in(community.pk)
    notes = Note.objects.filter(community=community).select_related("building", "group", "author")
    if not roles & {Role.ADMIN, Role.LEADER}:
        notes = notes.shown()
    context = {
        "community": community, "notes": moderation_flags(request, list(notes[:60])),
        "member": own_member(request.user, community), "hide_form": HideForm(),
        "buildings": Building.objects.filter(community=community).order_by("sort_key"),
    }  # fmt: skip
    return render(request, "community_life/blackboard/index.html", context)


@login_required
def write(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code, READ_ROLES)
    member = own_member(request.user, community)
    if member is None:
        raise Http404
    buildings = list(writable_buildings(member).order_by("sort_key"))
    form = NoteForm(request.POST or None, buildings=buildings, has_group=bool(member.group_id))
    if request.method == "POST" and form.is_valid():
        try:
            note = actions.write(
                member,
                by=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                building=form.building(),
            )
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "已贴上小黑板。")
            return _back_to(note, community.code)
    return render(
        request,
        "community_life/blackboard/write.html",
        {"community": community, "form": form, "heading": "写学习心得", "button": "贴上小黑板"},
    )


@login_required
def edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The author corrects the title and text of their note (other people's notes: 404)."""
    community = community_for(request.user, code, READ_ROLES)
    note = get_object_or_404(Note.objects.select_related("author"), community=community, pk=pk)
    if not is_author(request.user, note):
        raise Http404
    form = NoteTextForm(request.POST or None, initial={"title": note.title, "body": note.body})
    if request.method == "POST" and form.is_valid():
        try:
            actions.edit(note, by=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"])
        except ActionRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"《{note.title}》已修改。")
            return _back_to(note, community.code)
    return render(
        request,
        "community_life/blackboard/write.html",
        {"community": community, "form": form, "heading": "修改学习心得", "button": "保存修改"},
    )


def building(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A building's blackboard, readable by anyone (the poster in the stairwell links here)."""
    place = get_object_or_404(Building.objects.select_related("community"), community__code=code, pk=pk)
    community = place.community
    notes = list(
        Note.objects.filter(community=community)
        .for_building(place.pk)
        .shown()
        .select_related("building", "group", "author")[:30]
    )
    roles = request.user.roles_in(community.pk) if request.user.is_authenticated else set()
    context = {
        "community": community, "building": place, "notes": moderation_flags(request, notes),
        "may_print": bool(roles & PRINT_ROLES), "may_write": bool(roles) and own_member(request.user, community),
        "hide_form": HideForm(),
    }  # fmt: skip
    return render(request, "community_life/blackboard/building.html", context)


@login_required
def poster(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A4 or A3 poster: the chosen note (?note=), or the building's latest notes, one a page."""
    community = community_for(request.user, code, PRINT_ROLES)
    place = get_object_or_404(Building, community=community, pk=pk)
    size = request.GET.get("size", "A4").upper()
    size = size if size in SIZES else "A4"
    notes = Note.objects.filter(community=community).for_building(place.pk).shown()
    note_id = request.GET.get("note", "")
    if note_id:
        notes = notes.filter(pk=int(note_id)) if note_id.isdigit() else notes.none()
    notes = list(notes[:POSTER_NOTES])
    if not notes:
        messages.error(request, "这栋楼的小黑板上还没有可打印的心得。")
        return redirect("blackboard:building", code=community.code, pk=place.pk)
    url = board_url(place, community.code)
    html = render_to_string("community_life/blackboard/poster.html", {
        "community": community, "building": place, "notes": [(n, fit(n)) for n in notes], "size": size,
        "qr": qr_data_uri(url), "url": url,
    })  # fmt: skip
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{place.name}党史小黑板-{size}.pdf")
    return response


@login_required
@require_POST
def hide(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_for(request.user, code, READ_ROLES)
    note = get_object_or_404(Note.objects.select_related("author"), community=community, pk=pk)
    form = HideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        actions.hide(note, by=request.user, reason=reason)
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已撤下《{note.title}》。")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("blackboard:index", args=[community.code])
    return redirect(back)


@login_required
@require_POST
def show(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_for(request.user, code, READ_ROLES)
    note = get_object_or_404(Note, community=community, pk=pk)
    try:
        actions.show(note, by=request.user)
    except ActionRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"《{note.title}》已恢复显示。")
    return redirect("blackboard:index", code=community.code)
