"""Forms of the three lists: few fields, plain Chinese errors. The actions check the rules again."""

from django import forms
from django.db.models import QuerySet

from loudong.accounts.models import User
from loudong.groups.models import BuildingGroup
from loudong.partners.models import Offer
from loudong.projects.models import Resource
from loudong.registry.models import Building, Community

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BAD_DATE = "日期格式不对，例如 2026-03-18"


def _count_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=100_000,
        error_messages={
            "required": f"请填写{label}",
            "invalid": f"{label}请填数字",
            "min_value": f"{label}不能小于 0",
            "max_value": f"{label}最多 100000",
        },
    )


def _kind_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=Offer.choices,
        error_messages={"required": f"请选择{label}", "invalid_choice": f"请在列出的{label}中选择"},
    )


def _pick(label: str, rows: QuerySet, *, required: bool, empty: str = "") -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=label,
        queryset=rows,
        required=required,
        empty_label=empty or "请选择",
        error_messages={"required": f"请选择{label}", "invalid_choice": f"请在列出的{label}中选择"},
    )


class NeedEditForm(forms.Form):
    title = forms.CharField(
        label="需求",
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "例如：3栋楼道照明线路老化需要改造"}),
        error_messages={"required": "请用一句话写下需求", "max_length": "需求最多 60 个字，细节写在“具体情况”里"},
    )
    category = _kind_field("需要的资源")
    description = forms.CharField(
        label="具体情况",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "具体情况最多 2000 个字"},
    )
    beneficiaries = _count_field("受益人数")


class NeedForm(NeedEditForm):
    """录入需求: the admin enters a need, for a group and a building when it has them."""

    group = _pick("党小组", BuildingGroup.objects.none(), required=False, empty="全社区（不分党小组）")
    building = _pick("楼栋", Building.objects.none(), required=False, empty="不限楼栋")

    def __init__(self, data: object = None, *, community: Community) -> None:
        super().__init__(data, initial={"beneficiaries": 1})
        self.fields["group"].queryset = BuildingGroup.objects.filter(community=community).order_by("name")
        self.fields["building"].queryset = Building.objects.filter(community=community).order_by("sort_key")


class ResourceForm(forms.Form):
    kind = _kind_field("资源类型")
    title = forms.CharField(
        label="资源",
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": "例如：每月一次义诊、社区活动室"}),
        error_messages={"required": "请用一句话写下资源", "max_length": "资源最多 60 个字"},
    )
    owner_name = forms.CharField(
        label="提供方",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "例如：社区卫生服务站、某律师事务所"}),
        error_messages={"required": "请填写谁提供这项资源", "max_length": "提供方最多 100 个字"},
    )
    description = forms.CharField(
        label="说明", required=False, max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "说明最多 300 个字"},
    )  # fmt: skip
    capacity = forms.CharField(
        label="能提供多少、什么时间",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "例如：每月第一个周六上午，半天"}),
        error_messages={"max_length": "最多 100 个字"},
    )
    building = _pick("所在楼栋", Building.objects.none(), required=False, empty="不在社区的楼栋里")
    place = forms.CharField(
        label="地点", required=False, max_length=150, error_messages={"max_length": "地点最多 150 个字"}
    )

    def __init__(self, data: object = None, *, community: Community) -> None:
        super().__init__(data)
        self.fields["building"].queryset = Building.objects.filter(community=community).order_by("sort_key")


class StartForm(forms.Form):
    """立项 with another resource than the suggested ones, or with an owner and a due date."""

    resource = _pick("资源", Resource.objects.none(), required=True)
    owner = _pick("负责人", User.objects.none(), required=True)
    due_on = forms.DateField(
        label="计划完成日期", required=False, widget=DATE_INPUT, error_messages={"invalid": BAD_DATE}
    )

    def __init__(self, data: object = None, *, resources: QuerySet, owners: list[User], me: User) -> None:
        super().__init__(data, initial={"owner": me.pk if me in owners else None})
        self.fields["resource"].queryset = resources
        self.fields["resource"].label_from_instance = lambda r: f"{r.get_kind_display()} · {r}"
        self.fields["owner"].queryset = User.objects.filter(pk__in=[u.pk for u in owners])


class ProjectForm(forms.Form):
    title = forms.CharField(
        label="项目名称", max_length=60,
        error_messages={"required": "请填写项目名称", "max_length": "项目名称最多 60 个字"},
    )  # fmt: skip
    owner = _pick("负责人", User.objects.none(), required=True)
    beneficiaries = _count_field("受益人数")
    due_on = forms.DateField(
        label="计划完成日期", required=False, widget=DATE_INPUT, error_messages={"invalid": BAD_DATE}
    )

    def __init__(self, data: object = None, *, owners: list[User], initial: dict | None = None) -> None:
        super().__init__(data, initial=initial)
        self.fields["owner"].queryset = User.objects.filter(pk__in=[u.pk for u in owners])


class StepForm(forms.Form):
    text = forms.CharField(
        label="新的步骤",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "例如：联系医院确定义诊时间"}),
        error_messages={"required": "请填写步骤", "max_length": "步骤最多 100 个字"},
    )
    due_on = forms.DateField(label="计划日期", required=False, widget=DATE_INPUT, error_messages={"invalid": BAD_DATE})


class DoneOnForm(forms.Form):
    done_on = forms.DateField(
        label="完成日期", widget=DATE_INPUT, error_messages={"required": "请填写完成日期", "invalid": BAD_DATE}
    )


class FinishForm(DoneOnForm):
    beneficiaries = _count_field("受益人数")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因",
        max_length=200,
        error_messages={"required": "请写明原因", "max_length": "原因最多 200 个字"},
    )
