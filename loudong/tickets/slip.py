"""三联单: one A4 sheet in three parts cut apart along dashed lines.

问题单 (what was asked, by whom, when) and 服务单 (what was done, the resident's confirmation) carry
a QR code to the resident's tracking page; 责任单 (who, by when) carries one to the staff page.
The phone is always masked; the name is hidden too when the resident asked to stay anonymous to
volunteers and the reader is not the community admin or the group's leader.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header

from loudong.accounts import audit
from loudong.accounts.models import AuditEntry, Role, User
from loudong.lib.identity import mask_phone
from loudong.lib.pdf import html_to_pdf
from loudong.lib.qr import qr_data_uri
from loudong.lib.shanghai import deadline_label
from loudong.policy.models import current_rules
from loudong.registry.access import community_for
from loudong.tickets.models import Request

RATINGS = Request.Rating.choices


def tracking_address(req: Request) -> str:
    return f"{settings.PUBLIC_URL}/ask/t/{req.tracking_token}/"


def staff_address(req: Request) -> str:
    return f"{settings.PUBLIC_URL}/c/{req.community.code}/requests/{req.pk}/"


def sees_contact(viewer: User | None, req: Request) -> bool:
    """Whether the reader may see who asked: not when the resident stays anonymous to volunteers,
    unless the reader is the community admin or the group's leader."""
    if not req.anonymous or viewer is None:
        return not req.anonymous
    roles = viewer.roles_in(req.community_id)
    leads = any(g.role == Role.LEADER and g.group_id == req.group_id for g in viewer.grant_list())
    return Role.ADMIN in roles or leads


def slip_context(req: Request, viewer: User | None = None) -> dict:
    category = current_rules(req.community_id).category(req.category_code)
    dispatched = req.events.filter(kind="dispatched").order_by("-at", "-id").first()
    tracking = tracking_address(req)
    return {
        "req": req,
        "category": category,
        "show_contact": sees_contact(viewer, req),
        "phone_masked": mask_phone(req.contact_phone) if req.contact_phone else "",
        "dispatched": dispatched,
        "ratings": RATINGS,
        "qr_tracking": qr_data_uri(tracking, scale=3),
        "qr_staff": qr_data_uri(staff_address(req), scale=3),
        "tracking_address": tracking,
        "response_due": deadline_label(req.response_due_at),
        "due": req.due_label,
    }


def slip_pdf(req: Request, viewer: User | None = None) -> bytes:
    """The three-part slip of one request as PDF bytes."""
    return html_to_pdf(render_to_string("tickets/slip.html", slip_context(req, viewer)))


@login_required
def slip_view(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """/c/<code>/requests/<id>/slip.pdf: for staff who can see the request; anyone else gets 404."""
    community = community_for(request.user, code)
    req = get_object_or_404(
        Request.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("community", "building", "stairwell", "group", "assignee__resident"),
        pk=pk,
    )
    pdf = slip_pdf(req, request.user)
    audit.record(request, AuditEntry.Action.EXPORT, req, detail={"what": "三联单"})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"三联单-{req.number}.pdf")
    return response
