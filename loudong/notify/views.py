"""消息: the signed-in user's notifications; opening one marks it read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from loudong.notify.models import Notification

PER_PAGE = 30


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "notify/inbox.html", {"page": page, "unread": unread})


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read and go where it points (a page of this site), or back to the inbox."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts=None) and note.url.startswith("/"):
        return redirect(note.url)
    return redirect("notify:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    done = Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    messages.success(request, f"已将 {done} 条消息标为已读。" if done else "没有未读消息。")
    return redirect("notify:inbox")
