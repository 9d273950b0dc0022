"""The visit log (a few taps, one optional text box) and the need-to-request form."""

from django import forms
from django.utils import timezone

from loudong.outreach.models import Visit
from loudong.outreach.schedule import HouseholdDue
from loudong.registry.models import Resident


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


def household_label(row: HouseholdDue) -> str:
    h = row.household
    return f"{h.stairwell.building.name}{h.stairwell.name}{h.room}室 · {row.state.label}"


class VisitForm(forms.Form):
    household = forms.TypedChoiceField(
        label="走访哪一户",
        coerce=int,
        error_messages={"required": "请选择走访的住户。", "invalid_choice": "请从您包的住户中选择。"},
    )
    visited_at = forms.DateTimeField(
        label="走访时间",
        widget=LocalDateTimeInput(),
        error_messages={"required": "请填写走访时间。", "invalid": "走访时间的格式不对，请重新选择。"},
    )
    minutes = forms.TypedChoiceField(
        label="用了多长时间",
        coerce=int,
        initial=Visit.DEFAULT_MINUTES,
        widget=forms.RadioSelect,
        choices=[(m, f"{m} 分钟") for m in Visit.MINUTE_CHOICES],
        error_messages={"required": "请选择用时。", "invalid_choice": "请选择 10、20、30 或 60 分钟。"},
    )
    someone_home = forms.ChoiceField(
        label="家里有人吗",
        choices=Visit.Home.choices,
        initial=Visit.Home.MET,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择是否有人在家。", "invalid_choice": "请选择是否有人在家。"},
    )
    met = forms.TypedMultipleChoiceField(
        label="见到了谁（可不选）",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "勾选的居民不住在这一户。"},
    )
    needs = forms.CharField(
        label="发现的需求（没有就不填）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "例如：想办理高龄补贴；楼道灯坏了"}),
        error_messages={"max_length": "发现的需求太长了，请不超过 2000 个字。"},
    )
    note = forms.CharField(
        label="备注（可不填）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "备注太长了，请不超过 2000 个字。"},
    )

    def __init__(
        self, data: object = None, *, rows: list[HouseholdDue], residents: list[Resident], fixed: int | None = None
    ) -> None:
        initial = {"visited_at": timezone.localtime().replace(second=0, microsecond=0)}
        if fixed is not None:
            initial["household"] = fixed
        super().__init__(data, initial=initial)
        self.fields["household"].choices = [("", "请选择")] + [(r.household.pk, household_label(r)) for r in rows]
        self.fields["met"].choices = [(r.pk, r.name) for r in residents]
        if not residents:
            del self.fields["met"]


class ToRequestForm(forms.Form):
    category = forms.ChoiceField(
        label="诉求类别", error_messages={"required": "请选择诉求类别。", "invalid_choice": "请选择诉求类别。"}
    )

    def __init__(self, data: object = None, *, categories: list[tuple[str, str]], guess: str | None = None) -> None:
        super().__init__(data, initial={"category": guess})
        self.fields["category"].choices = categories
