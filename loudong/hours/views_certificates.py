"""志愿服务记录证明: issuing (leader or admin), the PDF (they, or the volunteer for their own), and
the public verification page the certificate's QR code leads to.

The certificate carries what the national rules (《志愿服务记录与证明出具办法（试行）》) ask of a
volunteer service record certificate: the volunteer's identity (name, masked ID number), the
service (period, content, hours), the issuing organisation, a certificate number and the date of
issue, with room for the seal and signatures. The verification page shows only the masked name,
the period, the hours and the issuer.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.hours import actions
from loudong.hours.access import hours_community, scoped_members, team_community
from loudong.hours.forms import PeriodForm
from loudong.hours.models import Certificate, hours_text
from loudong.lib.actions import ActionRefused
from loudong.lib.pdf import html_to_pdf
from loudong.lib.qr import qr_data_uri
from loudong.registry.access import own_member

# A year of an active volunteer's activities can name dozens of kinds of service; the sheet keeps the
# largest ones, each on one line (a Chinese character is as wide as the font is high: 28 fit at 10.5 pt).
MAX_CONTENT_ROWS = 8
CONTENT_CHARS = 28


def mask_name(name: str) -> str:
    """王秀英 → 王*英, 刘光 → 刘*: the surname and, for longer names, the last character."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def content_rows(contents: list[list]) -> list[tuple[str, int, str]]:
    """The certificate's table of services: (content, times, hours), at most MAX_CONTENT_ROWS rows
    of one line each, the smallest kinds summed on the last row, so the sheet stays one A4 page."""
    shown = contents if len(contents) <= MAX_CONTENT_ROWS else contents[: MAX_CONTENT_ROWS - 1]
    rows = [(clip(content, CONTENT_CHARS), times, hours_text(minutes)) for content, times, minutes in shown]
    rest = contents[len(shown) :]
    if rest:
        rows.append(
            (
                f"其他 {len(rest)} 项服务",
                sum(times for _, times, _ in rest),
                hours_text(sum(minutes for *_, minutes in rest)),
            )
        )
    return rows


def clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def certificate_html(certificate: Certificate) -> str:
    url = verify_url(certificate)
    return render_to_string("hours/certificate.html", {
        "c": certificate, "qr": qr_data_uri(url), "url": url, "contents": content_rows(certificate.contents),
    })  # fmt: skip


def verify_url(certificate: Certificate) -> str:
    path = reverse("hours:verify", args=[certificate.community.code, certificate.token])
    return f"{settings.PUBLIC_URL}{path}"


@login_required
@require_POST
def issue(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = team_community(request, code)
    member = get_object_or_404(scoped_members(request.user, community), pk=pk)
    form = PeriodForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("hours:member", code=community.code, pk=member.pk)
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    back = reverse("hours:member", args=[community.code, member.pk]) + f"?start={start}&end={end}"
    try:
        certificate, created = actions.issue_certificate(member, by=request.user, start=start, end=end)
    except ActionRefused as error:
        messages.error(request, str(error))
        return redirect(back)
    if created:
        record(request, AuditEntry.Action.CREATE, certificate, object_repr=f"{member} 的志愿服务记录证明",
               detail={"编号": certificate.number, "小时": certificate.hours})  # fmt: skip
        messages.success(request, f"已出具证明 {certificate.number}，可下载打印。")
    else:
        messages.warning(request, f"这段时间的证明已经出具过（{certificate.number}），下载的是同一份。")
    return redirect(back)


@login_required
def certificate_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community = hours_community(request, code)
    certificate = get_object_or_404(
        Certificate.objects.select_related("community", "member"), community=community, pk=pk
    )
    member = own_member(request.user, community)
    mine = member is not None and member.pk == certificate.member_id
    if not mine and not scoped_members(request.user, community).filter(pk=certificate.member_id).exists():
        raise Http404
    pdf = html_to_pdf(certificate_html(certificate))
    record(request, AuditEntry.Action.EXPORT, certificate, object_repr=f"{certificate.person_name} 的志愿服务记录证明",
           detail={"编号": certificate.number})  # fmt: skip
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, f"志愿服务记录证明-{certificate.number}.pdf")
    return response


def verify(request: HttpRequest, code: str, token: str) -> HttpResponse:
    """Public: anyone holding the paper can check it was issued, and nothing more about the person."""
    certificate = get_object_or_404(Certificate.objects.select_related("community"), community__code=code, token=token)
    context = {"c": certificate, "masked_name": mask_name(certificate.person_name)}
    return render(request, "hours/verify.html", context)
