"""The community's 报到 poster (PDF with a QR code) and the public pages it leads to, no account:
the report-in form under /baodao/<code>/ and the feedback sheets' verification page."""

import math

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from loudong.accounts import ratelimit
from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.lib.pdf import html_to_pdf
from loudong.lib.qr import qr_data_uri
from loudong.partners.access import admin_community
from loudong.partners.forms import ReportInForm
from loudong.partners.models import FeedbackSheet, ReportIn
from loudong.registry.models import Community


def report_in_url(community: Community) -> str:
    return f"{settings.PUBLIC_URL}{reverse('report_in', args=[community.code])}"


@login_required
def poster(request: HttpRequest, code: str) -> HttpResponse:
    """The A4 poster for the community's notice boards and the units' offices."""
    community = admin_community(request, code)
    url = report_in_url(community)
    html = render_to_string(
        "partners/poster.html", {"community": community, "qr": qr_data_uri(url, scale=10), "url": url}
    )
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"双报到二维码-{community.name}.pdf")
    return response


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, f"partners/public/{template}", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


def _limited(request: HttpRequest, community: Community) -> str:
    """Per phone's address, then per community, with the public request form's limits (the
    community counts as the form's building does)."""
    key = f"report-in:{community.pk}"
    refused = ratelimit.rate_limited(request, "ask", ratelimit.client_address(request), key)
    if refused is None:
        return ""
    minutes = max(1, math.ceil(refused.retry_after / 60))
    return f"提交太频繁了，请 {minutes} 分钟后再试，或直接到社区报到。"


@require_http_methods(["GET", "POST"])
def report_in(request: HttpRequest, code: str) -> HttpResponse:
    community = get_object_or_404(Community, code=code)
    if request.method == "GET":
        return _page(request, "form.html", {"community": community, "form": ReportInForm(community=community)})
    form = ReportInForm(request.POST, community=community)
    refusal = ""
    if form.is_valid():
        refusal = form.bot_refusal()
        if not refusal and (refusal := _limited(request, community)):
            return _page(request, "form.html", {"community": community, "form": form, "refusal": refusal}, 429)
        if not refusal:
            report = ReportIn.objects.create(community=community, **form.report_fields())
            record(request, AuditEntry.Action.CREATE, report, detail={"channel": "报到二维码"})
            return _page(request, "done.html", {"community": community, "report": report})
    form.fresh_start()
    return _page(request, "form.html", {"community": community, "form": form, "refusal": refusal}, status=400)


def verify(request: HttpRequest, token: str) -> HttpResponse:
    """Public: whoever holds the paper can check the community issued it, and nothing about anyone."""
    sheet = get_object_or_404(FeedbackSheet.objects.select_related("community"), token=token[:24])
    return _page(request, "verify.html", {"sheet": sheet})
