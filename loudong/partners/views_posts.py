"""岗位: the posts page (members open a post and claim it: two taps; release it), the admin's
publishing, and the post holders a leader sees. Listed by title, never ranked."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry
from loudong.lib.actions import ActionRefused
from loudong.partners import actions
from loudong.partners.access import (
    admin_community,
    claiming_member,
    may_claim,
    may_manage,
    may_see_holders,
    staff_community,
    visible_holders,
    visible_posts,
)
from loudong.partners.forms import PostForm
from loudong.partners.models import Post, PostClaim

HELD = Count("claims", filter=Q(claims__released_at__isnull=True))


@login_required
def posts(request: HttpRequest, code: str) -> HttpResponse:
    community = staff_community(request, code)
    member = claiming_member(request.user, community)
    found = visible_posts(request.user, community).select_related("group").annotate(held=HELD, free=F("slots") - HELD)
    mine = set(PostClaim.objects.holding().filter(member=member).values_list("post_id", flat=True)) if member else set()
    context = {
        "community": community,
        "posts": found,
        "mine": mine,
        "member": member,
        "may_manage": may_manage(request.user, community),
        "may_see_holders": may_see_holders(request.user, community),
    }
    return render(request, "partners/posts.html", context)


@login_required
def post(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = staff_community(request, code)
    found = get_object_or_404(
        visible_posts(request.user, community).select_related("group").annotate(held=HELD, free=F("slots") - HELD),
        pk=pk,
    )
    member = claiming_member(request.user, community)
    own = PostClaim.objects.holding().filter(post=found, member=member).first() if member else None
    holders = visible_holders(request.user, community).filter(post=found).select_related("member__resident")
    context = {
        "community": community,
        "post": found,
        "member": member,
        "own": own,
        "may_claim": may_claim(member, found),
        "full": found.free <= 0,
        "holders": holders,
        "may_manage": may_manage(request.user, community),
    }
    return render(request, "partners/post.html", context)


@login_required
@require_POST
def claim(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = staff_community(request, code)
    found = get_object_or_404(visible_posts(request.user, community), pk=pk)
    try:
        held = actions.claim(found, member=claiming_member(request.user, community))
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        record(request, AuditEntry.Action.CREATE, held, detail={"岗位": found.title})
        messages.success(request, f"已认领“{found.title}”。")
    return redirect("partners:post", code=community.code, pk=found.pk)


@login_required
@require_POST
def release(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = staff_community(request, code)
    found = get_object_or_404(visible_posts(request.user, community), pk=pk)
    member = claiming_member(request.user, community)
    own = PostClaim.objects.holding().filter(post=found, member=member).first() if member else None
    if own is None:
        messages.error(request, "您没有认领这个岗位。")
        return redirect("partners:post", code=community.code, pk=found.pk)
    try:
        actions.release(own, member=member)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        record(request, AuditEntry.Action.UPDATE, own, detail={"岗位": found.title, "状态": "已退出"})
        messages.success(request, f"已退出“{found.title}”，名额留给其他党员。")
    return redirect("partners:post", code=community.code, pk=found.pk)


def post_snapshot(post: Post) -> dict:
    return {
        "岗位名称": post.title,
        "岗位类型": post.get_kind_display(),
        "楼栋党小组": post.group.name if post.group_id else "全社区",
        "岗位内容": post.description,
        "人数": post.slots,
        "服务时间": post.time,
        "开始日期": str(post.starts_on or ""),
        "结束日期": str(post.ends_on or ""),
        "发布中": "是" if post.active else "否",
    }


@login_required
def edit(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    community = admin_community(request, code)
    found = get_object_or_404(visible_posts(request.user, community), pk=pk) if pk else Post(community=community)
    before = post_snapshot(found) if pk else {}
    form = PostForm(request.POST or None, instance=found, community=community)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.created_by = saved.created_by or request.user
        saved.save()
        action = AuditEntry.Action.UPDATE if pk else AuditEntry.Action.CREATE
        record(request, action, saved, detail={"changes": changes(before, post_snapshot(saved))})
        messages.success(request, f"已发布岗位“{saved.title}”。" if not pk else f"已保存岗位“{saved.title}”。")
        return redirect("partners:post", code=community.code, pk=saved.pk)
    context = {"community": community, "form": form, "post": found if pk else None}
    return render(request, "partners/post_form.html", context, status=400 if request.method == "POST" else 200)


@login_required
def holders(request: HttpRequest, code: str) -> HttpResponse:
    """在岗党员: who holds which post, for the admin (all) and a leader (their groups'); by post, then name."""
    community = staff_community(request, code)
    if not may_see_holders(request.user, community):
        raise Http404
    claims = (
        visible_holders(request.user, community)
        .select_related("post__group", "member__resident", "member__group")
        .order_by("post__title", "member__resident__name_pinyin")
    )
    by_post: dict[Post, list[PostClaim]] = {}
    for c in claims:
        by_post.setdefault(c.post, []).append(c)
    return render(request, "partners/holders.html", {"community": community, "by_post": by_post})
