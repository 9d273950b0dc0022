"""红色议事厅 pages: the admin records a venue, the household's consent and the kit; leaders read."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from loudong.accounts.access import is_admin
from loudong.accounts.audit import changes, record
from loudong.accounts.models import AuditEntry
from loudong.groups.access import group_community, led_groups
from loudong.groups.models import Venue, VenueConsent, VenueKitItem
from loudong.groups.venues.forms import ConsentForm, KitItemForm, ReturnKitForm, VenueForm, WithdrawConsentForm
from loudong.groups.venues.queries import venue_address
from loudong.registry.models import Community


def visible_venues(request: HttpRequest, community: Community) -> QuerySet[Venue]:
    standing = VenueConsent.objects.filter(venue=OuterRef("pk"), withdrawn_on__isnull=True)
    return (
        Venue.objects.filter(community=community, group__in=led_groups(request.user, community))
        .annotate(is_open=Exists(standing))
        .select_related("group", "host__resident", "household__stairwell__building")
    )


def scoped_venue(request: HttpRequest, code: str, pk: int, *, edit: bool) -> tuple[Community, Venue]:
    community = group_community(request, code)
    venue = get_object_or_404(visible_venues(request, community), pk=pk)
    if edit and not is_admin(request.user, community):
        raise Http404
    return community, venue


def snapshot(venue: Venue) -> dict:
    return {
        "group": str(venue.group), "host": str(venue.host or ""), "household": str(venue.household),
        "name": venue.name, "opening_times": venue.opening_times,
        "opened_on": venue.opened_on.isoformat() if venue.opened_on else None, "note": venue.note,
    }  # fmt: skip


@login_required
def venue_list(request: HttpRequest, code: str) -> HttpResponse:
    community = group_community(request, code)
    admin = is_admin(request.user, community)
    if not admin and not led_groups(request.user, community).exists():
        raise Http404
    venues = [(v, venue_address(v)) for v in visible_venues(request, community)]
    return render(request, "groups/venues/list.html", {"community": community, "venues": venues, "is_admin": admin})


@login_required
def venue_create(request: HttpRequest, code: str) -> HttpResponse:
    community = group_community(request, code)
    if not is_admin(request.user, community):
        raise Http404
    form = VenueForm(
        request.POST if request.method == "POST" else None, community=community,
        initial={"group": request.GET.get("group")},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            venue = form.save(commit=False)
            venue.community = community
            venue.household = venue.host.resident.household
            venue.save()
            record(request, AuditEntry.Action.CREATE, venue, detail={"changes": changes({}, snapshot(venue))})
        messages.success(request, f"已登记{venue}。请登记主人和家人的同意，议事厅才算开放。")
        return redirect("venues:detail", code=community.code, pk=venue.pk)
    return render(request, "groups/venues/form.html", {"community": community, "form": form, "title": "登记红色议事厅"})


@login_required
def venue_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, venue = scoped_venue(request, code, pk, edit=False)
    admin = is_admin(request.user, community)
    context = {
        "community": community,
        "venue": venue,
        "address": venue_address(venue),
        "consents": venue.consents.prefetch_related("people"),
        "kit": venue.kit.all(),
        "is_admin": admin,
        "consent_form": ConsentForm(None, venue=venue) if admin else None,
        "kit_form": KitItemForm(None) if admin else None,
    }
    return render(request, "groups/venues/detail.html", context)


@login_required
def venue_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, venue = scoped_venue(request, code, pk, edit=True)
    before = snapshot(venue)
    form = VenueForm(request.POST if request.method == "POST" else None, community=community, instance=venue)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            venue = form.save(commit=False)
            venue.household = venue.host.resident.household
            venue.save()
            diff = changes(before, snapshot(venue))
            if diff:
                record(request, AuditEntry.Action.UPDATE, venue, detail={"changes": diff})
        messages.success(request, "已保存" if diff else "没有改动")
        return redirect("venues:detail", code=community.code, pk=venue.pk)
    context = {"community": community, "form": form, "venue": venue, "title": f"修改{venue}"}
    return render(request, "groups/venues/form.html", context)


@login_required
def consent_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, venue = scoped_venue(request, code, pk, edit=True)
    if venue.is_open:
        messages.error(request, "已有有效的同意。需要重新登记时，请先登记撤回原来的同意。")
        return redirect("venues:detail", code=community.code, pk=venue.pk)
    form = ConsentForm(request.POST if request.method == "POST" else None, venue=venue)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            consent = form.save(commit=False)
            consent.community, consent.venue, consent.recorded_by = community, venue, str(request.user)
            consent.save()
            form.save_m2m()
            names = [p.name for p in consent.people.all()] + ([consent.others] if consent.others else [])
            record(request, AuditEntry.Action.CREATE, consent, detail={
                "同意日期": consent.given_on.isoformat(), "同意人": names, "说明": consent.note,
            })  # fmt: skip
        messages.success(request, f"已登记同意，{venue.name}开放")
        return redirect("venues:detail", code=community.code, pk=venue.pk)
    context = {"community": community, "venue": venue, "form": form, "title": "登记主人和家人的同意"}
    return render(request, "groups/venues/small_form.html", context, status=400 if form.errors else 200)


@login_required
def consent_withdraw(request: HttpRequest, code: str, pk: int, consent: int) -> HttpResponse:
    community, venue = scoped_venue(request, code, pk, edit=True)
    given = get_object_or_404(venue.consents, pk=consent, withdrawn_on__isnull=True)
    form = WithdrawConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            given.withdrawn_on = form.cleaned_data["withdrawn_on"]
            given.withdrawal_note = form.cleaned_data["withdrawal_note"]
            given.save(update_fields=["withdrawn_on", "withdrawal_note"])
            record(request, AuditEntry.Action.UPDATE, given, detail={
                "撤回日期": given.withdrawn_on.isoformat(), "说明": given.withdrawal_note,
            })  # fmt: skip
        messages.warning(request, f"已登记撤回同意，{venue.name}显示为已关闭")
        return redirect("venues:detail", code=community.code, pk=venue.pk)
    context = {"community": community, "venue": venue, "form": form, "title": "登记撤回同意",
               "hint": "撤回后，议事厅显示为已关闭，公示栏上不再印它的地址。"}  # fmt: skip
    return render(request, "groups/venues/small_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def kit_add(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    community, venue = scoped_venue(request, code, pk, edit=True)
    form = KitItemForm(request.POST)
    if form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            item.community, item.venue = community, venue
            item.save()
            record(request, AuditEntry.Action.CREATE, item, object_repr=f"{venue}：{item}", detail={
                "物品": item.get_kind_display(), "说明": item.description, "数量": item.quantity,
                "发放日期": item.handed_over_on.isoformat(),
            })  # fmt: skip
        messages.success(request, f"已登记发放：{item}")
        return redirect("venues:detail", code=community.code, pk=venue.pk)
    context = {"community": community, "venue": venue, "form": form, "title": "登记发放的物品"}
    return render(request, "groups/venues/small_form.html", context, status=400)


@login_required
def kit_return(request: HttpRequest, code: str, pk: int, item: int) -> HttpResponse:
    community, venue = scoped_venue(request, code, pk, edit=True)
    kit_item = get_object_or_404(VenueKitItem, venue=venue, pk=item, returned_on__isnull=True)
    form = ReturnKitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            kit_item.returned_on = form.cleaned_data["returned_on"]
            kit_item.return_note = form.cleaned_data["return_note"]
            kit_item.save(update_fields=["returned_on", "return_note"])
            record(request, AuditEntry.Action.UPDATE, kit_item, object_repr=f"{venue}：{kit_item}", detail={
                "收回日期": kit_item.returned_on.isoformat(), "说明": kit_item.return_note,
            })  # fmt: skip
        messages.success(request, f"已登记收回：{kit_item}")
        return redirect("venues:detail", code=community.code, pk=venue.pk)
    context = {"community": community, "venue": venue, "form": form, "title": f"登记收回：{kit_item}"}
    return render(request, "groups/venues/small_form.html", context, status=400 if form.errors else 200)
