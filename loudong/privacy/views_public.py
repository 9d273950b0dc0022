"""The resident's page 「我的个人信息」, reached from the tracking link of a request they placed (no
account): ask for a copy, a correction or deletion, see the answers, download a copy for 7 days."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.lib.actions import ActionRefused
from loudong.privacy import actions, copy
from loudong.privacy.forms import KIND_HINTS, AskForm
from loudong.privacy.models import PersonalDataRequest
from loudong.tickets.models import Request


def _no_index(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def _request(token: str) -> Request:
    return get_object_or_404(Request.objects.select_related("community"), tracking_token=token)


def mine(request: HttpRequest, token: str) -> HttpResponse:
    req = _request(token)
    form = AskForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                pdr = actions.ask(req, kind=data["kind"], phone=data["phone"], details=data["details"], http=request)
            except ActionRefused as error:
                form.add_error(None, error.message)
            else:
                scope = "您在社区的全部个人信息" if pdr.whole_person else "这件点单中的个人信息"
                messages.success(
                    request, f"已收到您的申请（{pdr.get_kind_display()}，{scope}），社区会在 15 个工作日内答复。"
                )
                return redirect("privacy_public:mine", token=token)
        status = 400
    context = {
        "req": req,
        "form": form,
        "hints": KIND_HINTS,
        "asked": PersonalDataRequest.objects.filter(request=req).order_by("-received_at"),
    }
    return _no_index(render(request, "privacy/mine.html", context, status=status))


def download(request: HttpRequest, token: str, pk: int, extension: str) -> HttpResponse:
    """The copy, while the answer's 7 days last; made fresh from what is held now."""
    req = _request(token)
    pdr = get_object_or_404(PersonalDataRequest, pk=pk, request=req, kind=PersonalDataRequest.Kind.COPY)
    if not pdr.copy_available:
        return _no_index(render(request, "privacy/gone.html", {"req": req}, status=410))
    return _no_index(copy_response(request, pdr, extension, by_resident=True))


def copy_response(request: HttpRequest, pdr: PersonalDataRequest, extension: str, *, by_resident: bool) -> HttpResponse:
    person = actions.person_of(pdr)
    if extension == "pdf":
        body, kind = copy.copy_pdf(person, community_name=pdr.community.name), "application/pdf"
    else:
        body = copy.copy_xlsx(person)
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    record(
        request,
        AuditEntry.Action.EXPORT,
        pdr,
        detail={"file": extension, "via": "tracking" if by_resident else "admin"},
    )
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = content_disposition_header(True, copy.file_name(person, extension))
    return response
