"""Forms for the policy pages: the rules (scalars, a formset of request categories, a formset of
visit intervals by care tag) and the upload of a policy document."""

import re
from pathlib import Path
from uuid import uuid4

from django import forms
from django.forms import BaseFormSet, formset_factory

from loudong.lib.images import refuse_too_many_pixels
from loudong.lib.pinyin import name_keys
from loudong.policy.models import PolicyDocument
from loudong.policy.rules import SCOPES, Category, Rules, usual_scope


def _number(label: str, low: int, high: int, message: str, **kwargs: object) -> forms.IntegerField:
    """An integer field whose every error is one plain Chinese sentence."""
    errors = {
        "min_value": message,
        "max_value": message,
        "invalid": f"{label}请填写整数",
        "required": f"请填写{label}",
    }
    return forms.IntegerField(label=label, min_value=low, max_value=high, error_messages=errors, **kwargs)


class RulesForm(forms.Form):
    min_members = _number("每个党小组最少党员人数", 1, 500, "最少人数至少为 1 人")
    max_members = _number("每个党小组最多党员人数", 1, 500, "最多人数须在 1 至 500 人之间")
    group_cost = _number(
        "规划时每多一个党小组的代价",
        0,
        10_000_000,
        "代价须在 0 至 10000000 之间",
        help_text="按“户数 × 米”计算：数值越大，规划出的党小组越少、每组越大；默认 3000。",
    )
    visit_default_days = _number("其他住户每隔几天走访一次", 1, 365, "走访间隔须在 1 至 365 天之间")
    # Required only when something changed; the view checks it (an unchanged save is not an edit).
    note = forms.CharField(
        label="修改说明",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "例如：依据新的党员联系居民制度调整走访频次"}),
        error_messages={"max_length": "修改说明不能超过 200 字"},
    )

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("min_members"), data.get("max_members")
        if low is not None and high is not None and high < low:
            self.add_error("max_members", "最多人数不能少于最少人数")
        return data


class CategoryForm(forms.Form):
    # The code stays with a category through renames: requests refer to it.
    code = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    name = forms.CharField(
        label="类别名称", max_length=20, required=False, error_messages={"max_length": "类别名称不能超过 20 个字"}
    )
    response_hours = _number("接单时限（小时）", 1, 720, "接单时限须在 1 至 720 小时之间", required=False)
    resolve_working_days = _number("办结时限（工作日）", 1, 365, "办结时限须在 1 至 365 个工作日之间", required=False)
    # Left blank on a new row: guessed from the name (环境卫生, 设施维修: shared; others: household).
    scope = forms.ChoiceField(
        label="通常是",
        required=False,
        choices=[("", "按名称判断"), *SCOPES.items()],
        error_messages={"invalid_choice": "请选择公共区域的事或家中的事"},
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("DELETE"):
            return data
        data["name"] = name = "".join((data.get("name") or "").split())
        numbers = [data.get("response_hours"), data.get("resolve_working_days")]
        if not name and not data.get("code") and all(n is None for n in numbers) and not self.errors:
            return data  # a blank row
        if not name:
            hint = "；要删除这个类别，请勾选“删除”" if data.get("code") else ""
            self.add_error("name", "请填写类别名称" + hint)
        if data.get("response_hours") is None and "response_hours" not in self.errors:
            self.add_error("response_hours", "请填写接单时限")
        if data.get("resolve_working_days") is None and "resolve_working_days" not in self.errors:
            self.add_error("resolve_working_days", "请填写办结时限")
        return data


def rows_valid(formset: BaseFormSet) -> bool:
    """Every row is valid, leaving out rows marked for deletion (their errors do not count)."""
    deleted = formset._should_delete_form if formset.can_delete else lambda form: False
    return all(f.is_valid() for f in formset.forms if not deleted(f))


class CategoryFormSet(BaseFormSet):
    def kept(self) -> list[dict]:
        """The rows that make a category: not deleted, not blank."""
        return [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("name")
        ]

    def clean(self) -> None:
        if not rows_valid(self):
            return
        names = [row["name"] for row in self.kept()]
        if not names:
            raise forms.ValidationError("至少要保留一个问题类别")
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise forms.ValidationError("类别名称不能重复：" + "、".join(duplicates))


class VisitForm(forms.Form):
    tag = forms.CharField(
        label="关爱标签",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"list": "care-tags"}),
        error_messages={"max_length": "关爱标签不能超过 20 个字"},
    )
    days = _number("每隔几天走访一次", 1, 365, "走访间隔须在 1 至 365 天之间", required=False)

    def clean(self) -> dict:
        data = super().clean()
        data["tag"] = tag = "".join((data.get("tag") or "").split())
        if data.get("days") is not None and not tag:
            self.add_error("tag", "请填写关爱标签")
        return data


class VisitFormSet(BaseFormSet):
    def kept(self) -> list[dict]:
        return [f.cleaned_data for f in self.forms if f.cleaned_data and f.cleaned_data.get("tag")]

    def clean(self) -> None:
        if not rows_valid(self):
            return
        tags = [row["tag"] for row in self.kept()]
        duplicates = sorted({t for t in tags if tags.count(t) > 1})
        if duplicates:
            raise forms.ValidationError("关爱标签不能重复：" + "、".join(duplicates))


CategoryForms = formset_factory(CategoryForm, formset=CategoryFormSet, extra=3, can_delete=True)
VisitForms = formset_factory(VisitForm, formset=VisitFormSet, extra=3)


def visit_rows(rules: Rules, care_tags: list[str]) -> list[tuple[str, int | None]]:
    """Every care tag of the rules and of the community with its own interval (None: the
    default), most frequent first. Sorted here because a JSON object's key order is not kept
    by every database."""
    by_tag = rules.visit_days_by_care_tag
    tags = set(by_tag) | set(care_tags)
    return sorted(((t, by_tag.get(t)) for t in tags), key=lambda row: (row[1] is None, row[1] or 0, row[0]))


SCALARS = ("min_members", "max_members", "group_cost", "visit_default_days")


def rules_initial(rules: Rules, care_tags: list[str]) -> tuple[dict, list[dict], list[dict]]:
    """Initial data for the three parts of the edit page. Every care tag of the community gets a
    row; a blank interval means the default one."""
    scalars = {k: getattr(rules, k) for k in SCALARS}
    categories = [
        {
            "code": c.code,
            "name": c.name,
            "response_hours": c.response_hours,
            "resolve_working_days": c.resolve_working_days,
            "scope": c.scope,
        }
        for c in rules.categories
    ]
    visits = [{"tag": t, "days": days} for t, days in visit_rows(rules, care_tags)]
    return scalars, categories, visits


def new_code(name: str, taken: set[str]) -> str:
    """A code for a new category from its name's pinyin ("安全隐患" -> "anquanyinhuan")."""
    base = re.sub(r"[^a-z0-9]", "", name_keys(name)[0])[:32] or "category"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}{n}", n + 1
    return code


def build_rules(
    scalars: RulesForm,
    categories: CategoryFormSet,
    visits: VisitFormSet,
    *,
    current: Rules,
    reserved: set[str],
) -> Rules:
    """The rules a valid submission describes. An existing category keeps its code; a new one gets
    a code no version of this community has used, so old requests never change category."""
    current_codes = {c.code for c in current.categories}
    taken = set(reserved) | current_codes
    kept_codes: set[str] = set()
    result = []
    for row in categories.kept():
        code = row.get("code") or ""
        if code not in current_codes or code in kept_codes:
            code = new_code(row["name"], taken)
            taken.add(code)
        kept_codes.add(code)
        result.append(
            Category(
                code,
                row["name"],
                row["response_hours"],
                row["resolve_working_days"],
                row.get("scope") or usual_scope(row["name"]),
            )
        )
    data = scalars.cleaned_data
    return Rules(
        min_members=data["min_members"],
        max_members=data["max_members"],
        group_cost=data["group_cost"],
        categories=tuple(result),
        visit_default_days=data["visit_default_days"],
        visit_days_by_care_tag={row["tag"]: row["days"] for row in visits.kept() if row["days"] is not None},
    )


MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
# What each allowed extension's file starts with: a renamed file of another kind is refused.
SIGNATURES = {
    ".pdf": (b"%PDF",),
    ".doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    ".docx": (b"PK\x03\x04",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
}
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}


def checked_document(upload: object) -> tuple[object, str]:
    """An uploaded document (PDF, Word or picture) checked by its size and its first bytes, renamed
    to a random stored name; with the name it was uploaded as (its stem), for the title.
    Policy documents and partner agreements are checked the same way."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in SIGNATURES:
        raise forms.ValidationError("只能上传 PDF、Word（doc、docx）或图片（jpg、png）文件")
    if upload.size > MAX_DOCUMENT_BYTES:
        raise forms.ValidationError(f"文件太大（{upload.size / 1024 / 1024:.1f} MB），不能超过 20 MB")
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(SIGNATURES[suffix]):
        raise forms.ValidationError(f"文件内容与扩展名 {suffix} 不符，请确认文件没有损坏或改过扩展名")
    if suffix in IMAGE_SUFFIXES:  # shown in browsers as they are: a pixel bomb would hang a phone
        refuse_too_many_pixels(upload)
    original_name = Path(upload.name).stem
    # Stored under a random name; the download is named after the title.
    upload.name = f"{uuid4().hex}{suffix}"
    return upload, original_name


class DocumentForm(forms.ModelForm):
    title = forms.CharField(
        label="标题",
        max_length=120,
        required=False,
        help_text="不填则用文件名",
        error_messages={"max_length": "标题不能超过 120 字"},
    )

    class Meta:
        model = PolicyDocument
        fields = ["kind", "title", "file"]
        error_messages = {
            "kind": {"required": "请选择文件类别", "invalid_choice": "请选择文件类别"},
            "file": {
                "required": "请选择要上传的文件",
                "empty": "这个文件是空的，请重新选择",
                "invalid": "没有收到文件，请重新选择",
            },
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(SIGNATURES)

    def clean_file(self) -> object:
        upload, self.original_name = checked_document(self.cleaned_data["file"])
        return upload

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("title") and getattr(self, "original_name", ""):
            data["title"] = self.original_name[:120]
        return data
