"""Who came: the attendance list of one activity and the organiser's ticking of residents.

Names are shown to the organiser, the leader of the activity's group and the admin only (others get
404 here and see the count on the activity's page); phones are masked. Searching finds residents of
the whole community by name, pinyin or initials, since neighbours come from every building.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.community_life.activities import actions
from loudong.community_life.activities.access import may_see_names, scoped_activity
from loudong.community_life.activities.models import Activity, Attendance
from loudong.registry.models import Community, Resident

RESULTS = 20


def _managed(request: HttpRequest, code: str, pk: int) -> tuple[Community, Activity]:
    community, activity = scoped_activity(request, code, pk)
    if not may_see_names(request.user, activity):
        raise Http404
    return community, activity


@login_required
def attendance(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, activity = _managed(request, code, pk)
    rows = list(
        activity.attendance.select_related("resident__household__stairwell__building", "building")
        .order_by("-signed_at", "-id")
    )  # fmt: skip
    query = request.GET.get("q", "").strip()[:40]
    results = []
    if query:
        came = {r.resident_id for r in rows if r.resident_id}
        found = (
            Resident.objects.filter(community=community).search(query)
            .select_related("household__stairwell__building")[:RESULTS]
        )  # fmt: skip
        results = [(r, r.pk in came) for r in found]
    record(request, AuditEntry.Action.VIEW, activity, object_repr=f"{activity.title}：签到名单",
           detail={"人数": len(rows), **({"搜索": query} if query else {})})  # fmt: skip
    context = {
        "community": community,
        "activity": activity,
        "rows": rows,
        "query": query,
        "results": results,
        "matched": sum(1 for r in rows if r.resident_id),
    }
    return render(request, "community_life/activities/attendance.html", context)


@login_required
@require_POST
def tick(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, activity = _managed(request, code, pk)
    resident_id = request.POST.get("resident", "")
    resident = Resident.objects.filter(community=community, pk=resident_id).first() if resident_id.isdigit() else None
    if resident is None:
        messages.error(request, "没有找到这位居民，请重新搜索。")
    else:
        done = actions.tick(activity, by=request.user, resident=resident, http=request)
        if done.outcome == actions.NEW:
            messages.success(request, f"已记下{resident.name}参加了活动。")
        elif done.outcome == actions.MERGED:
            messages.success(request, f"{resident.name}已扫码签到过，现在和档案中的居民对上了，仍算一人。")
        else:
            messages.info(request, f"{resident.name}已签到，不重复记录。")
    query = request.POST.get("q", "").strip()
    url = reverse("activities:attendance", args=[community.code, activity.pk])
    return redirect(f"{url}?{urlencode({'q': query})}" if query else url)


@login_required
@require_POST
def remove(request: HttpRequest, code: str, pk: int, attendance_id: int) -> HttpResponse:
    community, activity = _managed(request, code, pk)
    row = get_object_or_404(Attendance, pk=attendance_id, activity=activity)
    actions.remove_attendance(row, by=request.user, http=request)
    messages.success(request, f"已删去{row.name}的签到。")
    return redirect("activities:attendance", code=community.code, pk=activity.pk)
