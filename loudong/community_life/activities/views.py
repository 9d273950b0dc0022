"""Staff pages under /c/<code>/activities/: the list, create and edit, one activity with its QR
code, sign-in poster, serving members and photos. Admins, leaders and volunteers only (404 for
anyone else); every write goes through actions."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from loudong.community_life.activities import actions
from loudong.community_life.activities.access import (
    may_create,
    may_edit,
    may_see_names,
    member_choices,
    own_member_id,
    scoped_activity,
    staff_community,
    visible_activities,
)
from loudong.community_life.activities.figures import people_covered
from loudong.community_life.activities.forms import ActivityForm, PhotoForm, type_from
from loudong.community_life.activities.models import MAX_PHOTOS, Activity, ActivityPhoto
from loudong.lib.actions import ActionRefused
from loudong.lib.pdf import html_to_pdf
from loudong.lib.qr import qr_data_uri, qr_svg
from loudong.registry.models import Resident

PAGE_SIZE = 20


def signin_url(request: HttpRequest, activity: Activity) -> str:
    return request.build_absolute_uri(reverse("activity_signin:signin", args=[activity.signin_token]))


@login_required
def activity_list(request: HttpRequest, code: str) -> HttpResponse:
    community = staff_community(request, code)
    now = timezone.now()
    chosen = type_from(request.GET.get("type", ""))
    found = visible_activities(request.user, community).select_related("group", "organiser__resident")
    if chosen:
        found = found.filter(type=chosen)
    found = found.annotate(reached=Count("attendance"))
    upcoming = list(found.filter(ends_at__gte=now).order_by("starts_at", "id")[:50])
    past = Paginator(found.filter(ends_at__lt=now).order_by("-starts_at", "-id"), PAGE_SIZE)
    today = timezone.localdate()
    year_ago = today - timedelta(days=365)
    held = visible_activities(request.user, community).filter(
        starts_at__gte=now - timedelta(days=365), starts_at__lte=now
    ).count()  # fmt: skip
    context = {
        "community": community, "types": Activity.Type.choices, "chosen": chosen, "upcoming": upcoming,
        "past": past.get_page(request.GET.get("page")), "may_create": may_create(request.user, community),
        "held": held, "covered": people_covered([community.pk], year_ago, today),
    }  # fmt: skip
    return render(request, "community_life/activities/list.html", context)


@login_required
def activity_create(request: HttpRequest, code: str) -> HttpResponse:
    community = staff_community(request, code)
    if not may_create(request.user, community):
        raise Http404
    if request.method == "POST":
        form = ActivityForm(request.POST, community=community, user=request.user)
        if form.is_valid():
            activity = actions.create_activity(
                community,
                by=request.user,
                data=form.cleaned_data,
                serving=list(form.cleaned_data["serving"]),
                http=request,
            )
            messages.success(request, "活动已登记。打印签到海报贴在现场，居民扫码就能签到。")
            return redirect("activities:detail", code=community.code, pk=activity.pk)
    else:
        form = ActivityForm(initial=_prefill(request, community), community=community, user=request.user)
    return _form_page(request, community, form, None)


def _prefill(request: HttpRequest, community: object) -> dict:
    """Defaults for a new activity, and what a link asks for (?type=talk&speaker=<resident id>)."""
    initial: dict = {"day": timezone.localdate()}
    chosen = type_from(request.GET.get("type", ""))
    if chosen:
        initial["type"] = chosen
    me = own_member_id(request.user, community)
    members = member_choices(request.user, community)
    if me and members.filter(pk=me).exists():
        initial["organiser"] = me
        group_id = members.filter(pk=me).values_list("group_id", flat=True).first()
        if group_id:
            initial["group"] = group_id
    speaker_id = request.GET.get("speaker", "")
    speaker = Resident.objects.filter(community=community, pk=speaker_id).first() if speaker_id.isdigit() else None
    if speaker is not None:
        initial.update(speaker=speaker.pk, type=Activity.Type.TALK, title=f"{speaker.name}宣讲")
    return initial


def _form_page(request: HttpRequest, community: object, form: ActivityForm, activity: Activity | None) -> HttpResponse:
    speaker_id = str(form["speaker"].value() or "")
    speaker = Resident.objects.filter(community=community, pk=speaker_id).first() if speaker_id.isdigit() else None
    context = {
        "community": community,
        "form": form,
        "activity": activity,
        "speaker": speaker,
        "title": "修改活动" if activity else "登记活动",
    }
    return render(request, "community_life/activities/form.html", context, status=400 if form.is_bound else 200)


@login_required
def activity_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, activity = scoped_activity(request, code, pk)
    if not may_edit(request.user, activity):
        raise Http404
    if request.method == "POST":
        form = ActivityForm(request.POST, community=community, user=request.user, activity=activity)
        if form.is_valid():
            actions.update_activity(
                activity,
                by=request.user,
                data=form.cleaned_data,
                serving=list(form.cleaned_data["serving"]),
                http=request,
            )
            messages.success(request, "活动已修改。")
            return redirect("activities:detail", code=community.code, pk=activity.pk)
    else:
        form = ActivityForm(
            initial=ActivityForm.initial_from(activity), community=community, user=request.user, activity=activity
        )
    return _form_page(request, community, form, activity)


@login_required
def activity_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, activity = scoped_activity(request, code, pk)
    url = signin_url(request, activity)
    context = {
        "community": community, "activity": activity, "may_edit": may_edit(request.user, activity),
        "may_see_names": may_see_names(request.user, activity),
        "serving": list(activity.serving.select_related("member__resident")),
        "reached": activity.attendance.count(), "photos": list(activity.photos.all()), "max_photos": MAX_PHOTOS,
        "photo_form": PhotoForm(), "signin_url": url, "qr": qr_svg(url, scale=5),
        "signin_state": activity.signin_state(),
    }  # fmt: skip
    return render(request, "community_life/activities/detail.html", context)


@login_required
@require_POST
def activity_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, activity = scoped_activity(request, code, pk)
    if not may_edit(request.user, activity):
        raise Http404
    try:
        actions.delete_activity(activity, by=request.user, http=request)
    except ActionRefused as error:
        messages.error(request, error.message)
        return redirect("activities:detail", code=community.code, pk=activity.pk)
    messages.success(request, f"已删除活动“{activity.title}”。")
    return redirect("activities:list", code=community.code)


@login_required
def poster(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The A4 sign-in poster: the activity's name, time and place, and its QR code."""
    community, activity = scoped_activity(request, code, pk)
    url = signin_url(request, activity)
    html = render_to_string(
        "community_life/activities/poster.html",
        {"activity": activity, "community": community, "qr": qr_data_uri(url, scale=10), "url": url},
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"{activity.title}签到海报.pdf")
    return response


@login_required
@require_POST
def serving_minutes(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, activity = scoped_activity(request, code, pk)
    if not may_edit(request.user, activity):
        raise Http404
    minutes: dict[int, int] = {}
    for row in activity.serving.select_related("member__resident"):
        raw = request.POST.get(f"minutes-{row.member_id}", "").strip()
        if not raw.isdigit() or not 0 <= int(raw) <= 24 * 60:
            messages.error(request, f"{row.member.resident.name}的服务时长应是 0 到 1440 之间的分钟数，没有保存。")
            return redirect("activities:detail", code=community.code, pk=activity.pk)
        minutes[row.member_id] = int(raw)
    changed = actions.set_minutes(activity, by=request.user, minutes=minutes, http=request)
    messages.success(request, f"已保存服务时长（{changed} 人有变化）。" if changed else "服务时长没有变化。")
    return redirect("activities:detail", code=community.code, pk=activity.pk)


@login_required
@require_POST
def photo_upload(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, activity = scoped_activity(request, code, pk)
    if not may_edit(request.user, activity):
        raise Http404
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = actions.add_photos(activity, by=request.user, photos=form.cleaned_data["photos"], http=request)
            messages.success(request, f"已上传 {added} 张照片（已去掉照片里的位置信息）。")
        except ActionRefused as error:
            messages.error(request, error.message)
    else:
        for error in form.errors.get("photos", []):
            messages.error(request, error)
    return redirect(reverse("activities:detail", args=[community.code, activity.pk]) + "#photos")


@login_required
def photo(request: HttpRequest, code: str, pk: int, photo_id: int) -> HttpResponse:
    _community, activity = scoped_activity(request, code, pk)
    item = get_object_or_404(ActivityPhoto, pk=photo_id, activity=activity)
    return FileResponse(item.image.open("rb"), content_type="image/jpeg")


@login_required
@require_POST
def photo_delete(request: HttpRequest, code: str, pk: int, photo_id: int) -> HttpResponse:
    community, activity = scoped_activity(request, code, pk)
    if not may_edit(request.user, activity):
        raise Http404
    actions.delete_photo(
        get_object_or_404(ActivityPhoto, pk=photo_id, activity=activity), by=request.user, http=request
    )
    messages.success(request, "照片已删除。")
    return redirect(reverse("activities:detail", args=[community.code, activity.pk]) + "#photos")
