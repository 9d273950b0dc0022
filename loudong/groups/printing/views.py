"""Printing notice boards and contact cards, and the members' consent to publish their phone.

The admin prints any group and the whole community at once; a leader prints their own group.
Each print is written to the audit log as an export (the sheets carry names and phones).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from loudong.accounts.access import is_admin
from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.groups.access import group_community, led_groups
from loudong.groups.models import BuildingGroup
from loudong.groups.printing.content import CUT_X, CUT_Y, board_of, cards_of, group_members, printed_phone, sheets
from loudong.lib.pdf import html_to_pdf
from loudong.registry.access import own_member
from loudong.registry.models import Community, Member

SIZES = {"A4", "A3"}


def printable_group(request: HttpRequest, code: str, pk: int) -> tuple[Community, BuildingGroup]:
    community = group_community(request, code)
    group = get_object_or_404(led_groups(request.user, community).select_related("community"), pk=pk)
    return community, group


def admin_only(request: HttpRequest, code: str) -> Community:
    community = group_community(request, code)
    if not is_admin(request.user, community):
        raise Http404
    return community


def paper_size(request: HttpRequest) -> str:
    size = request.GET.get("size", "A4").upper()
    return size if size in SIZES else "A4"


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def render_boards(groups: list[BuildingGroup], size: str) -> tuple[bytes, int]:
    boards = [board_of(g) for g in groups]
    html = render_to_string("groups/printing/board.html", {"boards": boards, "size": size})
    return html_to_pdf(html), sum(b.full_phones for b in boards)


def render_cards(groups: list[BuildingGroup]) -> tuple[bytes, int, int]:
    cards = [card for g in groups for card in cards_of(g)]
    html = render_to_string("groups/printing/cards.html", {"sheets": sheets(cards), "cut_x": CUT_X, "cut_y": CUT_Y})
    return html_to_pdf(html), len(cards), sum(1 for c in cards if c.published)


def log_print(
    request: HttpRequest, community: Community, what: str, groups: list[BuildingGroup], **detail: object
) -> None:
    record(
        request, AuditEntry.Action.EXPORT, community_id=community.pk, object_type="buildinggroup",
        object_repr=what, detail={"党小组": [g.name for g in groups], **detail},
    )  # fmt: skip


@login_required
def index(request: HttpRequest, code: str) -> HttpResponse:
    community = group_community(request, code)
    groups = list(led_groups(request.user, community))
    if not groups and not is_admin(request.user, community):
        raise Http404
    context = {"community": community, "groups": groups, "is_admin": is_admin(request.user, community)}
    return render(request, "groups/printing/index.html", context)


@login_required
def group_page(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, group = printable_group(request, code, pk)
    members = Member.objects.filter(group=group).select_related("resident").order_by("resident__name_pinyin")
    rows = [(m, printed_phone(m)) for m in members]
    context = {"community": community, "group": group, "rows": rows, "is_admin": is_admin(request.user, community)}
    return render(request, "groups/printing/group.html", context)


@login_required
def board_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, group = printable_group(request, code, pk)
    size = paper_size(request)
    groups = list(group_members(BuildingGroup.objects.filter(pk=group.pk).select_related("community")))
    pdf, full = render_boards(groups, size)
    log_print(request, community, f"公示栏（{size}）", groups, 完整电话=full)
    return pdf_response(pdf, f"{group.name}公示栏-{size}.pdf")


@login_required
def cards_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, group = printable_group(request, code, pk)
    groups = list(group_members(BuildingGroup.objects.filter(pk=group.pk).select_related("community")))
    pdf, count, full = render_cards(groups)
    log_print(request, community, "便民联系卡", groups, 张数=count, 完整电话=full)
    return pdf_response(pdf, f"{group.name}便民联系卡.pdf")


@login_required
def all_boards_pdf(request: HttpRequest, code: str) -> HttpResponse:
    community = admin_only(request, code)
    size = paper_size(request)
    groups = list(group_members(BuildingGroup.objects.filter(community=community).select_related("community")))
    if not groups:
        messages.error(request, "社区还没有楼栋党小组，没有可打印的公示栏。")
        return redirect("printing:index", code=community.code)
    pdf, full = render_boards(groups, size)
    log_print(request, community, f"全社区公示栏（{size}）", groups, 完整电话=full)
    return pdf_response(pdf, f"{community.name}公示栏-{size}.pdf")


@login_required
def all_cards_pdf(request: HttpRequest, code: str) -> HttpResponse:
    community = admin_only(request, code)
    groups = list(group_members(BuildingGroup.objects.filter(community=community).select_related("community")))
    if not any(g.printed_members for g in groups):
        messages.error(request, "社区还没有编入党小组的党员，没有可打印的联系卡。")
        return redirect("printing:index", code=community.code)
    pdf, count, full = render_cards(groups)
    log_print(request, community, "全社区便民联系卡", groups, 张数=count, 完整电话=full)
    return pdf_response(pdf, f"{community.name}便民联系卡.pdf")


def set_consent(request: HttpRequest, member: Member, publish: bool) -> bool:
    """Record a member's consent to publish their phone (or its withdrawal); False if unchanged."""
    if member.publish_phone == publish:
        return False
    member.publish_phone = publish
    member.publish_phone_consented_at = timezone.now() if publish else None
    member.save(update_fields=["publish_phone", "publish_phone_consented_at", "updated_at"])
    record(request, AuditEntry.Action.UPDATE, member, object_repr=f"{member.resident.name} 的电话公示",
           detail={"changes": {"同意公示电话": [not publish, publish]}})  # fmt: skip
    return True


@login_required
@require_POST
def consent(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The admin records consents collected on paper: the ticked members publish, the others not."""
    community = admin_only(request, code)
    group = get_object_or_404(BuildingGroup, community=community, pk=pk)
    ticked = {int(v) for v in request.POST.getlist("publish") if v.isdigit()}
    changed = 0
    with transaction.atomic():
        for member in Member.objects.filter(group=group).select_related("resident"):
            changed += set_consent(request, member, member.pk in ticked)
    messages.success(request, f"已保存电话公示意愿（{changed} 人有变化），下次打印即按新的意愿印制")
    return redirect("printing:group", code=community.code, pk=group.pk)


@login_required
@require_POST
def my_consent(request: HttpRequest, code: str) -> HttpResponse:
    """A member gives or withdraws their own consent from their phone."""
    community = group_community(request, code)
    member = own_member(request.user, community)
    if member is None:
        raise Http404
    publish = request.POST.get("publish") == "1"
    with transaction.atomic():
        set_consent(request, member, publish)
    if publish:
        messages.success(request, "您已同意在公示栏和联系卡上印出完整电话")
    else:
        messages.success(request, "您已撤回同意：以后打印的公示栏和联系卡上，您的电话会隐去中间四位")
    if member.group_id:
        return redirect("elections:group", code=community.code, pk=member.group_id)
    return redirect("community", code=community.code)
