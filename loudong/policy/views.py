"""制度: a community's rules (show, edit, history) and the documents they come from.

The admin edits; leaders and volunteers of the community and overseers of its area read (there is
no personal data here); anyone else gets 404.
"""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, Role, User
from loudong.policy.forms import (
    CategoryForms,
    DocumentForm,
    RulesForm,
    VisitForms,
    build_rules,
    rules_initial,
    visit_rows,
)
from loudong.policy.models import PolicyDocument, PolicyVersion, save_rules
from loudong.policy.rules import SCOPES, Category, Rules
from loudong.registry.access import community_for, oversees
from loudong.registry.models import CareTag, Community

READER_ROLES = {Role.ADMIN, Role.LEADER, Role.VOLUNTEER}


def readable_community(user: User, code: str) -> tuple[Community, bool]:
    """The community if the user may read its policy, and whether they may edit it; else 404."""
    community = community_for(user, code)
    roles = user.roles_in(community.pk)
    if not (roles & READER_ROLES or oversees(user, community)):
        raise Http404
    return community, Role.ADMIN in roles


def describe(category: Category) -> str:
    return (
        f"接单 {category.response_hours} 小时，办结 {category.resolve_working_days} 个工作日，"
        f"通常是{SCOPES[category.scope]}"
    )


def rules_changes(old: Rules, new: Rules) -> list[tuple[str, str, str]]:
    """What changed from `old` to `new`, as (what, before, after) in plain words; an empty
    before means added, an empty after means removed."""
    changes = []
    for attr, label, unit in (
        ("min_members", "每组最少党员人数", " 人"),
        ("max_members", "每组最多党员人数", " 人"),
        ("group_cost", "规划时每多一个党小组的代价", ""),
        ("visit_default_days", "其他住户走访间隔", " 天"),
    ):
        before, after = getattr(old, attr), getattr(new, attr)
        if before != after:
            changes.append((label, f"{before}{unit}", f"{after}{unit}"))

    old_by_code = {c.code: c for c in old.categories}
    new_codes = {c.code for c in new.categories}
    for category in new.categories:
        was = old_by_code.get(category.code)
        if was is None:
            changes.append((f"新增类别“{category.name}”", "", describe(category)))
            continue
        if was.name != category.name:
            changes.append(("类别名称", was.name, category.name))
        if was.response_hours != category.response_hours:
            changes.append(
                (f"“{category.name}”接单时限", f"{was.response_hours} 小时", f"{category.response_hours} 小时")
            )
        if was.resolve_working_days != category.resolve_working_days:
            changes.append(
                (
                    f"“{category.name}”办结时限",
                    f"{was.resolve_working_days} 个工作日",
                    f"{category.resolve_working_days} 个工作日",
                )
            )
        if was.scope != category.scope:
            changes.append((f"“{category.name}”通常是", SCOPES[was.scope], SCOPES[category.scope]))
    for category in old.categories:
        if category.code not in new_codes:
            changes.append((f"删除类别“{category.name}”", describe(category), ""))
    kept = [c.code for c in old.categories if c.code in new_codes]
    if kept != [c.code for c in new.categories if c.code in old_by_code]:
        changes.append(
            ("类别顺序", "、".join(c.name for c in old.categories), "、".join(c.name for c in new.categories))
        )

    old_days, new_days = old.visit_days_by_care_tag, new.visit_days_by_care_tag
    for tag in list(old_days) + [t for t in new_days if t not in old_days]:
        before, after = old_days.get(tag), new_days.get(tag)
        if before != after:
            changes.append(
                (
                    f"“{tag}”住户走访间隔",
                    f"每 {before} 天" if before else f"按默认（每 {old.visit_default_days} 天）",
                    f"每 {after} 天" if after else f"按默认（每 {new.visit_default_days} 天）",
                )
            )
    return changes


def change_lines(changes: list[tuple[str, str, str]]) -> list[str]:
    return [
        f"{what}：{before} → {after}" if before and after else f"{what}：{before or after}"
        for what, before, after in changes
    ]


def care_tag_names(community: Community) -> list[str]:
    return list(CareTag.objects.filter(community=community).values_list("name", flat=True))


def documents_by_kind(community: Community) -> list[tuple[str, list[PolicyDocument]]]:
    """Each kind of document with its uploads, newest first (older uploads are kept)."""
    documents = list(
        PolicyDocument.objects.filter(community=community).select_related("uploaded_by").order_by("-uploaded_at", "-id")
    )
    return [(label, [d for d in documents if d.kind == kind]) for kind, label in PolicyDocument.Kind.choices]


@login_required
@require_GET
def show(request: HttpRequest, code: str) -> HttpResponse:
    community, may_edit = readable_community(request.user, code)
    versions = PolicyVersion.objects.filter(community=community).select_related("created_by")
    latest = versions.order_by("-number").first()
    rules = latest.parsed if latest else Rules()
    return render(
        request,
        "policy/show.html",
        {
            "community": community,
            "may_edit": may_edit,
            "latest": latest,
            "rules": rules,
            "visits": visit_rows(rules, care_tag_names(community)),
            "documents": documents_by_kind(community),
        },
    )


@login_required
@require_GET
def history(request: HttpRequest, code: str) -> HttpResponse:
    community, may_edit = readable_community(request.user, code)
    versions = PolicyVersion.objects.filter(community=community).select_related("created_by")
    entries, previous = [], Rules()
    for version in versions.order_by("number"):
        rules = version.parsed
        entries.append({"version": version, "changes": change_lines(rules_changes(previous, rules))})
        previous = rules
    entries.reverse()
    return render(request, "policy/history.html", {"community": community, "may_edit": may_edit, "entries": entries})


@login_required
def edit(request: HttpRequest, code: str) -> HttpResponse:
    community = community_for(request.user, code, {Role.ADMIN})
    current_version = PolicyVersion.objects.filter(community=community).order_by("-number").first()
    current = current_version.parsed if current_version else Rules()
    care_tags = care_tag_names(community)

    if request.method != "POST":
        scalars, categories, visits = rules_initial(current, care_tags)
        form = RulesForm(initial=scalars)
        category_forms = CategoryForms(initial=categories, prefix="cat")
        visit_forms = VisitForms(initial=visits, prefix="visit")
        return _edit_page(request, community, form, category_forms, visit_forms, current_version)

    form = RulesForm(request.POST)
    category_forms = CategoryForms(request.POST, prefix="cat")
    visit_forms = VisitForms(request.POST, prefix="visit")
    if not (form.is_valid() & category_forms.is_valid() & visit_forms.is_valid()):
        return _edit_page(request, community, form, category_forms, visit_forms, current_version)

    # Codes any version used stay reserved, so a new category never inherits an old one's requests.
    reserved = {c.code for c in Rules().categories}
    for version in PolicyVersion.objects.filter(community=community).only("rules"):
        reserved |= {c.get("code", "") for c in version.rules.get("categories", [])}
    rules = build_rules(form, category_forms, visit_forms, current=current, reserved=reserved)
    new_tags = [row["tag"] for row in visit_forms.kept() if row["tag"] not in care_tags]
    typed_tags = [t for t in new_tags if t not in current.visit_days_by_care_tag]
    changed = rules != current

    if not changed and not typed_tags:
        messages.info(request, "制度没有变化，没有生成新版本。")
        return redirect("policy:show", code=community.code)
    note = form.cleaned_data["note"].strip()
    if changed and not note:
        form.add_error("note", "请写明这次修改的原因或依据")
        return _edit_page(request, community, form, category_forms, visit_forms, current_version)

    with transaction.atomic():
        for tag in new_tags:
            CareTag.objects.get_or_create(community=community, name=tag)
        if changed:
            version = save_rules(community.pk, rules, by=request.user, note=note)
            changes = rules_changes(current, rules)
            record(
                request,
                AuditEntry.Action.UPDATE,
                version,
                object_type="policy",
                object_repr=f"制度第 {version.number} 版",
                detail={w: [b, a] if b and a else b or a for w, b, a in changes},
            )
    if changed:
        messages.success(request, f"已保存，制度更新为第 {version.number} 版。")
    if new_tags:
        messages.success(request, "已新增关爱标签：" + "、".join(new_tags))
    return redirect("policy:show", code=community.code)


def _edit_page(
    request: HttpRequest,
    community: Community,
    form: RulesForm,
    category_forms: CategoryForms,
    visit_forms: VisitForms,
    current_version: PolicyVersion | None,
) -> HttpResponse:
    return render(
        request,
        "policy/edit.html",
        {
            "community": community,
            "form": form,
            "category_forms": category_forms,
            "visit_forms": visit_forms,
            "current_version": current_version,
            "care_tags": CareTag.objects.filter(community=community).values_list("name", flat=True),
        },
    )


@login_required
def documents(request: HttpRequest, code: str) -> HttpResponse:
    community, may_edit = readable_community(request.user, code)
    form = DocumentForm() if may_edit else None
    if request.method == "POST":
        if not may_edit:
            raise Http404
        form = DocumentForm(request.POST, request.FILES)
        if form.is_valid():
            document = form.save(commit=False)
            document.community = community
            document.uploaded_by = request.user
            document.save()
            record(
                request,
                AuditEntry.Action.CREATE,
                document,
                object_type="policydocument",
                detail={"类别": document.get_kind_display()},
            )
            messages.success(request, f"已上传“{document.title}”。")
            return redirect("policy:documents", code=community.code)
    return render(
        request,
        "policy/documents.html",
        {
            "community": community,
            "may_edit": may_edit,
            "form": form,
            "documents": documents_by_kind(community),
        },
    )


@login_required
@require_GET
def download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    community, _ = readable_community(request.user, code)
    document = get_object_or_404(PolicyDocument, pk=pk, community=community)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404 from missing
    filename = f"{document.title}{Path(document.file.name).suffix}"
    return FileResponse(handle, as_attachment=True, filename=filename)
