"""意见建议 (feedback on the platform itself): the form every page's footer leads to, the sender's page
with the answer, and the community admins' list where they answer. The community is the sender's own
(signed in), or the one of the page it was sent from (a /c/<code>/ page, a QR code's page, a request's
tracking page); where neither says, the sender picks it."""

from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve
from django.views.decorators.http import require_POST

from loudong.accounts.models import Role
from loudong.feedback.models import Feedback
from loudong.groups.models import BuildingGroup
from loudong.home import elder
from loudong.registry.access import community_for
from loudong.registry.models import Building, Community, Member
from loudong.tickets.models import Request

# the public pages that name a community through a token: route name → (model, token field)
TOKEN_PAGES: dict[str, tuple[type[Model], str]] = {
    "building": (Building, "public_token"),
    "group": (BuildingGroup, "public_token"),
    "member": (Member, "public_token"),
    "track": (Request, "tracking_token"),
    "receipt": (Request, "tracking_token"),
}


class FeedbackForm(forms.Form):
    text = forms.CharField(
        label="您觉得网站哪里不好用？",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请写下您的意见建议", "max_length": "请写在 1000 字以内（现在 %(show_value)d 字）"},
    )
    community = forms.ModelChoiceField(
        label="您住在哪个社区", queryset=Community.objects.order_by("name"), required=False, empty_label="请选择"
    )

    def __init__(self, *args: object, needs_community: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        if not needs_community:
            del self.fields["community"]
        else:
            self.fields["community"].required = True
            self.fields["community"].error_messages["required"] = "请选择您所在的社区，意见会交给这个社区"


def page_community(request: HttpRequest, page: str) -> Community | None:
    """The community the feedback goes to: the sender's own, else the one the page it came from names."""
    if request.user.is_authenticated:
        own = next((g.community for g in request.user.grant_list() if g.community_id), None)
        if own is not None:
            return own
    try:
        match = resolve(urlsplit(page).path)
    except Resolver404:
        return None
    if code := match.kwargs.get("code"):
        return Community.objects.filter(code=code).first()
    if match.namespace == "ask" and match.url_name in TOKEN_PAGES:
        model, field = TOKEN_PAGES[match.url_name]
        found = model.objects.filter(**{field: match.kwargs.get("token", "")}).select_related("community").first()
        return found.community if found else None
    return None


def feedback_new(request: HttpRequest) -> HttpResponse:
    page = (request.POST.get("from") or request.GET.get("from") or "")[:300]
    if not page.startswith("/"):
        page = ""
    community = page_community(request, page)
    form = FeedbackForm(request.POST or None, needs_community=community is None)
    if request.method == "POST" and form.is_valid():
        sent = Feedback.objects.create(
            community=community or form.cleaned_data["community"],
            text=form.cleaned_data["text"],
            page=page,
            elder=elder.chosen(request),
            sent_by=request.user if request.user.is_authenticated else None,
        )
        return redirect("feedback_show", token=sent.token)
    return render(request, "home/feedback_new.html", {"form": form, "page": page, "community": community})


def feedback_show(request: HttpRequest, token: str) -> HttpResponse:
    """The sender's page: what they wrote and, once given, the answer. Its link is the key to it."""
    feedback = get_object_or_404(Feedback.objects.select_related("community"), token=token)
    return render(request, "home/feedback_show.html", {"feedback": feedback})


@login_required
def feedback_queue(request: HttpRequest, code: str) -> HttpResponse:
    """The community admins' list: the unanswered first, each with its answer box."""
    community = community_for(request.user, code, {Role.ADMIN})
    items = Feedback.objects.for_community(community).select_related("sent_by", "answered_by")
    unanswered = [f for f in items if not f.answered_at]
    answered = [f for f in items if f.answered_at][:50]
    return render(
        request,
        "home/feedback_queue.html",
        {"community": community, "unanswered": unanswered, "answered": answered},
    )


@login_required
@require_POST
def feedback_answer(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = community_for(request.user, code, {Role.ADMIN})
    feedback = Feedback.objects.for_community(community).filter(pk=pk).first()
    if feedback is None:
        raise Http404
    text = request.POST.get("answer", "").strip()
    if not text:
        messages.error(request, "请写下答复再提交")
    elif len(text) > 1000:
        messages.error(request, f"答复请写在 1000 字以内（现在 {len(text)} 字），没有保存")
    else:
        feedback.answer_with(text, by=request.user)
        messages.success(request, "已答复。提出意见的人打开他的链接就能看到。")
    return redirect("feedback_queue", code=community.code)
