"""Forms of the 红色议事厅 pages: the venue, the household's consent, the kit handed over."""

from django import forms
from django.utils import timezone

from loudong.groups.models import BuildingGroup, Venue, VenueConsent, VenueKitItem
from loudong.registry.models import Community, Member, Resident

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LARGE = {"style": "width:1.4rem;height:1.4rem"}
DATE_ERRORS = {"invalid": "日期格式不对，例如 2024-03-18", "required": "请填写日期"}


class HostChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.resident.name}（{obj.resident.household}）"


class VenueForm(forms.ModelForm):
    host = HostChoice(
        label="在哪位党员家中", queryset=Member.objects.none(), empty_label="请选择",
        error_messages={"required": "请选择提供场地的党员", "invalid_choice": "请在本社区的党员中选择"},
    )  # fmt: skip

    class Meta:
        model = Venue
        fields = ["group", "host", "name", "opening_times", "opened_on", "note"]
        widgets = {
            "opened_on": DATE_INPUT,
            "opening_times": forms.TextInput(attrs={"placeholder": "例如：每周二、五 下午 3:00–5:00"}),
        }
        error_messages = {
            "group": {"required": "请选择党小组", "invalid_choice": "请在本社区的党小组中选择"},
            "name": {"required": "请填写名称"},
            "opened_on": {"invalid": DATE_ERRORS["invalid"]},
        }

    def __init__(self, data: object, *, community: Community, instance: Venue | None = None,
                 initial: dict | None = None) -> None:  # fmt: skip
        super().__init__(data, instance=instance, initial=initial)
        self.fields["group"].queryset = BuildingGroup.objects.filter(community=community)
        self.fields["group"].empty_label = "请选择"
        self.fields["host"].queryset = (
            Member.objects.filter(community=community, resident__household__isnull=False)
            .select_related("resident__household__stairwell__building").order_by("resident__name_pinyin")
        )  # fmt: skip
        self.fields["opening_times"].help_text = "照贴在门口的写法填，例如：每周二、五 下午 3:00–5:00"

    def clean(self) -> dict:
        cleaned = super().clean()
        host, group = cleaned.get("host"), cleaned.get("group")
        if host and group and host.group_id != group.pk:
            self.add_error("host", f"{host.resident.name}不是{group.name}的党员")
        return cleaned


class ResidentChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Resident) -> str:
        return obj.name


class ConsentForm(forms.ModelForm):
    people = ResidentChoice(
        label="同意的家庭成员（户内登记的人）", queryset=Resident.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple(attrs=LARGE),
    )  # fmt: skip

    class Meta:
        model = VenueConsent
        fields = ["given_on", "people", "others", "note"]
        widgets = {
            "given_on": DATE_INPUT,
            "others": forms.TextInput(attrs={"placeholder": "例如：女儿 肖晓红（不住本户）"}),
        }
        error_messages = {"given_on": DATE_ERRORS}

    def __init__(self, data: object, *, venue: Venue) -> None:
        super().__init__(data, initial={"given_on": timezone.localdate()})
        self.fields["people"].queryset = Resident.objects.filter(household=venue.household_id)
        self.fields["others"].help_text = "户内没有登记、但也表示同意的家人，写姓名和关系"

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("people") and not cleaned.get("others"):
            self.add_error("people", "请至少勾选一位同意的家庭成员，或在下面写明同意人")
        return cleaned


class WithdrawConsentForm(forms.Form):
    withdrawn_on = forms.DateField(label="撤回日期", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    withdrawal_note = forms.CharField(label="撤回说明", max_length=200, required=False)

    def __init__(self, data: object) -> None:
        super().__init__(data, initial={"withdrawn_on": timezone.localdate()})


class KitItemForm(forms.ModelForm):
    quantity = forms.IntegerField(
        label="数量", min_value=1, widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={"required": "请填写数量", "min_value": "数量至少是 1", "invalid": "请填写数字"},
    )  # fmt: skip

    class Meta:
        model = VenueKitItem
        fields = ["kind", "description", "quantity", "handed_over_on"]
        widgets = {"handed_over_on": DATE_INPUT}
        error_messages = {"kind": {"required": "请选择物品"}, "handed_over_on": DATE_ERRORS}

    def __init__(self, data: object) -> None:
        super().__init__(data, initial={"handed_over_on": timezone.localdate(), "quantity": 1})
        self.fields["kind"].choices = [("", "请选择")] + VenueKitItem.Kind.choices


class ReturnKitForm(forms.Form):
    returned_on = forms.DateField(label="收回日期", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    return_note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, data: object) -> None:
        super().__init__(data, initial={"returned_on": timezone.localdate()})
