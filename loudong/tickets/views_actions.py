"""One page per action that needs words from the user (a reason, a reply, a question, a date).

GET shows the form; POST validates it and calls the action. A refusal (ActionRefused) is shown
on the same form with everything the user typed kept.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from loudong.accounts.models import User
from loudong.lib.actions import ActionRefused
from loudong.registry.access import community_for
from loudong.tickets import actions
from loudong.tickets.forms_staff import (
    ExtendForm,
    MergeForm,
    NoteForm,
    PublicNoteForm,
    QuestionForm,
    ReasonForm,
    ResolveForm,
    ScopeForm,
)
from loudong.tickets.models import FINAL, Request
from loudong.tickets.suggest.duplicates import suggest_duplicates
from loudong.tickets.views_staff import STAFF_ROLES, visible_request


@dataclass(frozen=True)
class Step:
    title: str
    button: str
    form: type[forms.Form]
    run: Callable[[Request, User, forms.Form], object]
    done: str  # the message after success
    after: str = "detail"  # where to go after: detail, queue or mine
    hint: str = ""
    danger: bool = False
    initial: Callable[[Request], dict] | None = None  # what the form shows first, from the request


def _resolve(req: Request, user: User, form: ResolveForm) -> object:
    data = form.cleaned_data
    return actions.resolve(
        req,
        by=user,
        resolution=data["resolution"],
        reply=data["reply"],
        minutes=data.get("minutes"),
        photos=data.get("photos") or [],
    )


STEPS: dict[str, Step] = {
    "decline": Step(
        "退回给组长",
        "确认退回",
        ReasonForm,
        lambda r, u, f: actions.decline(r, by=u, reason=f.cleaned_data["reason"]),
        "已退回，组长会另派他人。",
        after="mine",
        hint="说明为什么办不了，组长会另派他人。",
    ),
    "resolve": Step(
        "办结",
        "提交办结",
        ResolveForm,
        _resolve,
        "已办结，等居民确认评价。",
        hint="线上答疑：写下给居民的答复。线下跑腿：写下做了什么、用了多少分钟，可拍照。",
    ),
    "reject": Step(
        "不予受理",
        "确认不予受理",
        ReasonForm,
        lambda r, u, f: actions.reject(r, by=u, reason=f.cleaned_data["reason"]),
        "已不予受理，原因会告诉居民。",
        after="queue",
        hint="原因会显示给居民，请写清楚。",
        danger=True,
    ),
    "escalate": Step(
        "上报社区（吹哨）",
        "确认上报",
        ReasonForm,
        lambda r, u, f: actions.escalate(r, by=u, reason=f.cleaned_data["reason"]),
        "已上报社区，社区会接手办理。",
        after="queue",
        hint="小组解决不了的问题，交给社区办理。",
    ),
    "flag": Step(
        "认为诉求不合理",
        "提交给组长审核",
        ReasonForm,
        lambda r, u, f: actions.flag_unreasonable(r, by=u, reason=f.cleaned_data["reason"]),
        "已提交，组长会审核。",
        hint="组长会决定继续办理还是不予受理。",
    ),
    "pause": Step(
        "问居民",
        "发送问题",
        QuestionForm,
        lambda r, u, f: actions.pause_for_resident(r, by=u, question=f.cleaned_data["question"]),
        "问题已发给居民，等待回复期间暂停计时。",
        hint="居民会在跟进页面看到问题；留了电话的会收到短信。",
    ),
    "resume": Step(
        "记录居民的回复",
        "恢复办理",
        NoteForm,
        lambda r, u, f: actions.resume(r, f.cleaned_data["note"], by=u),
        "已恢复办理，期限顺延了等待的时间。",
        hint="居民当面或电话回复时，在这里记下来。",
    ),
    "extend": Step(
        "申请延期",
        "确认延期",
        ExtendForm,
        lambda r, u, f: actions.extend(r, by=u, reason=f.cleaned_data["reason"], new_due_at=f.new_due_at()),
        "已延期。",
        hint="要在期限之前申请。志愿者可自行延期一次；更长的延期请找组长。",
    ),
    "comment": Step(
        "留言",
        "保存留言",
        NoteForm,
        lambda r, u, f: actions.comment(r, f.cleaned_data["note"], by=u),
        "留言已记入办理记录。",
    ),
    "scope": Step(
        "更改范围",
        "保存",
        ScopeForm,
        lambda r, u, f: actions.set_scope(r, f.cleaned_data["scope"], by=u),
        "已更改范围。",
        hint="公共区域的事（楼道、电梯、屋顶、垃圾桶、路灯、绿化等）：同楼邻居能看到去掉姓名、房号和电话的摘要，"
        "可以点“我也遇到”。家中的事：只有楼栋党小组和社区能看到。",
        initial=lambda r: {"scope": r.scope},
    ),
    "publish": Step(
        "公开进展",
        "保存",
        PublicNoteForm,
        lambda r, u, f: actions.publish(r, f.cleaned_data["public_note"], by=u),
        "已保存，点了“我也遇到”的邻居会看到。",
        hint="只写大家都可以知道的进展，如“已联系物业，周五前修好”。",
        initial=lambda r: {"public_note": r.public_note},
    ),
    "merge": Step(
        "合并重复点单",
        "确认合并",
        MergeForm,
        lambda r, u, f: actions.merge(r, Request.objects.get(pk=f.cleaned_data["into"]), by=u),
        "已合并，居民会跟进另一条点单。",
        after="queue",
    ),
}


def _merge_targets(user: User, req: Request) -> list[Request]:
    """Suggested duplicates first, then the building's other open requests the user can see."""
    suggested = [d.request for d in suggest_duplicates(req)]
    others = list(
        Request.objects.visible_to(user)
        .filter(building_id=req.building_id)
        .exclude(pk=req.pk)
        .exclude(status__in=FINAL)
        .order_by("-created_at")[:20]
    )
    seen = {r.pk for r in suggested}
    return suggested + [r for r in others if r.pk not in seen]


@login_required
def act(request: HttpRequest, code: str, pk: int, step: str) -> HttpResponse:
    user = request.user
    community = community_for(user, code, STAFF_ROLES)
    req = visible_request(user, community, pk)
    action = STEPS.get(step)
    if action is None:
        raise Http404
    allowed = actions.may(user, req)
    if not allowed.get(step):
        messages.error(request, f"这条点单现在是“{req.get_status_display()}”，您不能{action.title}。")
        return redirect("tickets:detail", code=code, pk=pk)
    kwargs = {"targets": _merge_targets(user, req)} if step == "merge" else {}
    form = action.form(request.POST or None, request.FILES or None, **kwargs)
    if step == "resolve" and not form.is_bound:
        form.initial["resolution"] = "online" if req.category_code == "policy" else "offline"
    if action.initial is not None and not form.is_bound:
        form.initial.update(action.initial(req))
    if request.method == "POST" and form.is_valid():
        try:
            action.run(req, user, form)
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, action.done)
            if action.after == "detail":
                return redirect("tickets:detail", code=code, pk=pk)
            return redirect(f"tickets:{action.after}", code=code)
    return render(
        request,
        "tickets/staff/action.html",
        {
            "community": community,
            "req": req,
            "form": form,
            "step": action,
            "step_key": step,
        },
        status=400 if form.is_bound and form.errors else 200,
    )
