"""The buttons the three lists put on the pages of requests, visits and meetings' decisions
(loudong.lib.page_actions): 需要资源 where the one who sees it may raise a need from it, and a link
to the need once it is on the list."""

from collections.abc import Sequence
from typing import Any

from django.urls import reverse

from loudong.accounts.models import User
from loudong.community_life.meetings.access import may_run as may_run_meeting
from loudong.community_life.meetings.models import Decision
from loudong.lib.page_actions import PageAction
from loudong.outreach.models import Visit
from loudong.projects.access import LIST_ROLES
from loudong.projects.actions import may_raise_from_visit
from loudong.projects.models import Need
from loudong.registry.models import Community
from loudong.tickets.access import is_dispatcher
from loudong.tickets.models import Request, Status

# model -> (the need's field naming it, the URL that raises a need from it, the button's words)
SOURCES = {
    Request: ("request", "projects:need_from_request", "需要资源"),
    Visit: ("visit", "projects:need_from_visit", "需要资源"),
    Decision: ("decision", "projects:need_from_decision", "列入需求清单"),
}


def _community(obj: Any) -> Community:
    return obj.meeting.community if isinstance(obj, Decision) else obj.community


def _may_raise(user: User, obj: Any) -> bool:
    if isinstance(obj, Request):
        return is_dispatcher(user, obj) and obj.status != Status.MERGED
    if isinstance(obj, Visit):
        return may_raise_from_visit(user, obj)
    return may_run_meeting(user, obj.meeting)


def page_actions(user: User, objects: Sequence[Any]) -> list[tuple[Any, PageAction]]:
    source = SOURCES.get(type(objects[0]))
    if source is None:
        return []
    community = _community(objects[0])
    if not user.roles_in(community.pk) & LIST_ROLES:
        return []
    field, url_name, label = source
    raised = {
        getattr(need, f"{field}_id"): need
        for need in Need.objects.filter(**{f"{field}__in": objects}).visible_to(user, community)
    }
    linked = set(Need.objects.filter(**{f"{field}__in": objects}).values_list(f"{field}_id", flat=True))
    found = []
    for obj in objects:
        need = raised.get(obj.pk)
        if need is not None:
            url = reverse("projects:need", args=[community.code, need.pk])
            found.append((obj, PageAction(f"需求清单：{need.get_status_display()}", url)))
        elif obj.pk not in linked and _may_raise(user, obj):
            found.append((obj, PageAction(label, reverse(url_name, args=[community.code, obj.pk]), post=True)))
    return found
