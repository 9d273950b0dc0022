"""What a volunteer sends from the phone, perhaps typed offline hours before: accepting, asking the
resident, resolving. Meanwhile the request may have moved on (the leader gave it to someone else, the
community took it over, it was merged, closed or refused); then the action is refused with why, in
words the volunteer's phone shows in its 未能上传 list, and the group's leaders get what the volunteer
typed in their inbox, so nothing of it is lost.
"""

from collections.abc import Callable

from loudong.accounts.models import User
from loudong.lib.actions import ActionRefused, atomic_action
from loudong.tickets.access import former_assignee_scope, is_assignee
from loudong.tickets.actions.base import actor_label, leaders_of, tell_staff
from loudong.tickets.models import Request, Status


def moved_on(req: Request, user: User, verb: str) -> str | None:
    """Why the user's `verb` (接单, 办结, 询问) can no longer apply to the request as it is now; None
    when the request is still theirs to act on (another refusal is then the action's own)."""
    lost = f"您的{verb}未能上传"
    if req.status == Status.MERGED:
        into = Request.objects.filter(pk=req.merged_into_id).values_list("number", flat=True).first()
        return f"这张点单已与 {into} 合并办理，{lost}。"
    if req.status == Status.CLOSED:
        return f"这张点单已经办结，{lost}。"
    if req.status == Status.REJECTED:
        return f"这张点单已不予受理，{lost}。"
    if req.status == Status.ESCALATED:
        return f"这张点单已上报社区，由社区办理，{lost}。"
    if not is_assignee(user, req):
        if req.assignee_id:
            return f"这张点单已改派给其他志愿者，{lost}。"
        return f"这张点单已收回，等组长重新派单，{lost}。"
    if req.status == Status.RESOLVED:
        return f"这张点单已经办结，正等居民确认，{lost}。"
    return None


def sent_from_phone(
    req: Request, *, by: User, verb: str, typed: dict[str, str], run: Callable[[Request], Request]
) -> Request:
    """Run one action the volunteer's phone sends (`run(req)`). When it is refused because a request
    once dispatched to them moved on, the refusal says so (moved_on) and the request's group leaders
    (the community admins where it has no leader) are told, with `typed`: what the volunteer wrote,
    each under its name. Anyone else's refusal is the action's own."""
    try:
        return run(req)
    except ActionRefused as refusal:
        current = (
            Request.objects.filter(former_assignee_scope(by), pk=req.pk)
            .select_related("community", "assignee__resident")
            .first()
        )
        reason = moved_on(current, by, verb) if current is not None else None
        if reason is None:
            raise
        _tell_leaders(current, by, verb, reason, typed)
        raise ActionRefused(reason) from refusal


@atomic_action
def _tell_leaders(req: Request, by: User, verb: str, reason: str, typed: dict[str, str]) -> None:
    said = "；".join(f"{name}：{value}" for name, value in typed.items() if value)
    body = f"{reason.replace('您的', 'TA 的')}{'填写的内容——' + said if said else ''}"
    tell_staff(leaders_of(req), req, f"{actor_label(by)}离线{verb}的结果未能上传", body)
