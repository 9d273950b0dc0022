"""Forms of the registry screens: list filters, a resident, a move between households, a member record.

Values are normalised and checked with loudong.lib.identity so the screens, the roster import and
the API accept the same things and explain refusals in the same Chinese words.
"""

import re

from django import forms
from django.db.models import QuerySet

from loudong.lib.identity import (
    InvalidValue,
    birth_date_from_id,
    clean_text,
    gender_from_id,
    normalize_id_number,
    normalize_phone,
)
from loudong.registry.models import (
    Building,
    CareTag,
    Community,
    DatePrecision,
    Household,
    Member,
    Resident,
    ResidentQuerySet,
    ServiceItem,
    Stairwell,
    groups_of,
)

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Boxes big enough for an older thumb.
LARGE = {"style": "width:1.4rem;height:1.4rem"}


class ResidentFilterForm(forms.Form):
    """The residents list: one search box and a few filters, all optional."""

    q = forms.CharField(label="搜索", required=False, max_length=40)
    building = forms.ModelChoiceField(
        label="楼栋", queryset=Building.objects.none(), required=False, empty_label="全部楼栋"
    )
    tag = forms.ModelChoiceField(label="关爱标签", queryset=CareTag.objects.none(), required=False, empty_label="全部")
    members_only = forms.BooleanField(label="只看党员", required=False, widget=forms.CheckboxInput(attrs=LARGE))

    def __init__(self, data: object, *, community: Community, buildings: QuerySet[Building]) -> None:
        super().__init__(data)
        self.fields["building"].queryset = buildings
        self.fields["tag"].queryset = CareTag.objects.filter(community=community)
        self.is_valid()  # an invalid filter value is dropped, the others still apply

    def value(self, name: str) -> object:
        return self.cleaned_data.get(name)

    def apply(self, residents: ResidentQuerySet) -> ResidentQuerySet:
        residents = residents.search(self.value("q") or "")
        if building := self.value("building"):
            residents = residents.filter(household__stairwell__building=building)
        if tag := self.value("tag"):
            residents = residents.filter(care_tags=tag)
        if self.value("members_only"):
            residents = residents.filter(member__isnull=False)
        return residents

    def is_filtered(self) -> bool:
        """Any filter besides the search box is set (the filters then show unfolded)."""
        return any(value for name, value in self.description().items() if name != "q")

    def description(self) -> dict:
        """The filter as written to the audit log of an export."""
        described = {
            "q": self.value("q") or "",
            "building": str(self.value("building") or ""),
            "tag": str(self.value("tag") or ""),
            "members_only": bool(self.value("members_only")),
        }
        return {key: value for key, value in described.items() if value}


class MemberFilterForm(forms.Form):
    """The members list (党员档案): search, group, registration, employment, standing."""

    q = forms.CharField(label="搜索", required=False, max_length=40)
    group = forms.ChoiceField(label="党小组", required=False)
    registration = forms.ChoiceField(
        label="组织关系", required=False, choices=[("", "全部")] + Member.Registration.choices
    )
    employment = forms.ChoiceField(
        label="在职/退休", required=False, choices=[("", "全部")] + Member.Employment.choices
    )
    standing = forms.ChoiceField(label="党员类别", required=False, choices=[("", "全部")] + Member.Standing.choices)

    def __init__(self, data: object, *, community: Community) -> None:
        super().__init__(data)
        groups = groups_of(community)
        self.fields["group"].choices = [("", "全部"), ("any", "已编入党小组"), ("none", "未编入党小组")] + [
            (str(g.pk), g.name) for g in groups
        ]
        self.is_valid()

    def value(self, name: str) -> str:
        return self.cleaned_data.get(name) or ""

    def apply(self, members: QuerySet[Member], visible: ResidentQuerySet) -> QuerySet[Member]:
        members = members.filter(resident__in=visible.search(self.value("q")).values("pk"))
        group = self.value("group")
        if group == "any":
            members = members.filter(group__isnull=False)
        elif group == "none":
            members = members.filter(group__isnull=True)
        elif group:
            members = members.filter(group_id=int(group))
        for field in ("registration", "employment", "standing"):
            if value := self.value(field):
                members = members.filter(**{field: value})
        return members

    def is_filtered(self) -> bool:
        return any(value for name, value in self.description().items() if name != "q")

    def description(self) -> dict:
        described = {}
        for name, field in self.fields.items():
            value = self.value(name)
            if value:
                labels = dict(getattr(field, "choices", []))
                described[name] = str(labels.get(value, value))
        return described


class ResidentForm(forms.ModelForm):
    """Add or edit a resident. Birth date and gender are filled from the ID number when left empty."""

    class Meta:
        model = Resident
        fields = ["name", "gender", "birth_date", "phone", "id_number", "care_tags", "note"]
        widgets = {
            "birth_date": DATE_INPUT,
            "phone": forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
            "id_number": forms.TextInput(attrs={"autocomplete": "off"}),
            "care_tags": forms.CheckboxSelectMultiple(attrs=LARGE),
        }
        help_texts = {
            "phone": "手机号或带区号的座机号，如 13800138000、0734-8123456",
            "id_number": "可不填；填写后自动带出出生日期和性别",
        }

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["care_tags"].queryset = CareTag.objects.filter(community=community)
        self.fields["gender"].choices = [("", "未填")] + Resident.Gender.choices
        self.fields["name"].error_messages["required"] = "请填写姓名"

    def clean_name(self) -> str:
        name = "".join(clean_text(self.cleaned_data.get("name")).split())
        if not name:
            raise forms.ValidationError("请填写姓名")
        return name

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data.get("phone"))
        except InvalidValue as error:
            raise forms.ValidationError(str(error)) from error

    def clean_id_number(self) -> str | None:
        try:
            id_number = normalize_id_number(self.cleaned_data.get("id_number"))
        except InvalidValue as error:
            raise forms.ValidationError(str(error)) from error
        if not id_number:
            return None
        same = Resident.objects.filter(community=self.community, id_number=id_number).exclude(pk=self.instance.pk)
        if holder := same.first():
            raise forms.ValidationError(f"本社区已有身份证号相同的居民：{holder.name}")
        return id_number

    def clean(self) -> dict:
        cleaned = super().clean()
        if "birth_date" in self.changed_data:
            self.instance.birth_precision = DatePrecision.DAY  # a date picked in the form is a day
        id_number = cleaned.get("id_number")
        if not id_number:
            return cleaned
        born = birth_date_from_id(id_number)
        given = cleaned.get("birth_date")
        if given and born and given != born:
            self.add_error(
                "birth_date",
                f"出生日期与身份证号不一致：身份证号中的出生日期是 {born:%Y-%m-%d}，请核对其中一项",
            )
        elif not given and "birth_date" not in self.errors:
            cleaned["birth_date"] = born
        if not cleaned.get("gender") and "gender" not in self.errors:
            cleaned["gender"] = gender_from_id(id_number)
        return cleaned


def clean_room(value: object) -> str:
    """'3-502室' and '502' are the same room; the stairwell is chosen apart."""
    room = "".join(clean_text(value).split())
    return re.sub(r"(室|号房?)$", "", room)


class PlaceForm(forms.Form):
    """Where a resident lives: building, then stairwell, then room. A new room is created."""

    building = forms.ModelChoiceField(label="楼栋", queryset=Building.objects.none(), empty_label="请选择楼栋")
    stairwell = forms.ModelChoiceField(label="单元", queryset=Stairwell.objects.none(), empty_label="请选择单元")
    room = forms.CharField(label="房号", max_length=20, help_text="如 301；这间房还没登记时会自动新建")

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["building"].queryset = Building.objects.filter(community=community)
        self.fields["stairwell"].queryset = Stairwell.objects.filter(community=community).select_related("building")
        for name, text in (("building", "请选择楼栋"), ("stairwell", "请选择单元"), ("room", "请填写房号")):
            self.fields[name].error_messages["required"] = text
            self.fields[name].error_messages["invalid_choice"] = "选项无效，请重新选择"

    def clean_room(self) -> str:
        room = clean_room(self.cleaned_data.get("room"))
        if not room:
            raise forms.ValidationError("请填写房号")
        return room

    def clean(self) -> dict:
        cleaned = super().clean()
        building, stairwell = cleaned.get("building"), cleaned.get("stairwell")
        if building and stairwell and stairwell.building_id != building.pk:
            self.add_error("stairwell", f"{stairwell.building.name}{stairwell.name}不在{building.name}，请重新选择单元")
        return cleaned

    def stairwell_choices(self) -> QuerySet[Stairwell]:
        """The stairwells offered: those of the chosen building, or all until one is chosen (no script)."""
        return stairwells_of(self.community, self["building"].value())

    def choices_are_whole(self) -> bool:
        return not str(self["building"].value() or "").isdigit()

    def household(self) -> tuple[Household, bool]:
        return Household.objects.get_or_create(
            community=self.community, stairwell=self.cleaned_data["stairwell"], room=self.cleaned_data["room"]
        )


class MemberForm(forms.ModelForm):
    """A member record (党员档案) on a resident."""

    new_service_items = forms.CharField(
        label="添加新的服务项目",
        required=False,
        max_length=200,
        help_text="多个项目用顿号或逗号隔开，如：理发、修家电",
    )

    class Meta:
        model = Member
        fields = [
            "joined_on",
            "standing",
            "registration",
            "registered_org",
            "employment",
            "service_items",
            "group",
        ]
        widgets = {
            "joined_on": DATE_INPUT,
            "service_items": forms.CheckboxSelectMultiple(attrs=LARGE),
            "standing": forms.RadioSelect(attrs=LARGE),
            "registration": forms.RadioSelect(attrs=LARGE),
            "employment": forms.RadioSelect(attrs=LARGE),
        }
        help_texts = {"registered_org": "组织关系在其他单位时填写单位名称"}
        labels = {"group": "楼栋党小组"}

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["service_items"].queryset = ServiceItem.objects.filter(community=community)
        self.fields["group"].queryset = self.fields["group"].queryset.filter(community=community)
        self.fields["group"].empty_label = "暂未编入党小组"
        self.fields["employment"].choices = [("", "未填")] + Member.Employment.choices

    def clean_registered_org(self) -> str:
        return clean_text(self.cleaned_data.get("registered_org"))

    def clean_new_service_items(self) -> list[str]:
        text = clean_text(self.cleaned_data.get("new_service_items"))
        names = [name.strip() for name in re.split(r"[、,，;；\s]+", text) if name.strip()]
        too_long = [name for name in names if len(name) > 30]
        if too_long:
            raise forms.ValidationError(f"服务项目名称最多30个字：{too_long[0]}")
        return names

    def clean(self) -> dict:
        cleaned = super().clean()
        if "joined_on" in self.changed_data:
            self.instance.joined_precision = DatePrecision.DAY  # a date picked in the form is a day
        registration = cleaned.get("registration")
        if registration == Member.Registration.OTHER and not cleaned.get("registered_org"):
            self.add_error("registered_org", "组织关系在其他单位时，请填写单位名称")
        elif registration and registration != Member.Registration.OTHER:
            cleaned["registered_org"] = ""
        return cleaned

    def save(self, commit: bool = True) -> Member:
        member = super().save(commit=commit)
        if commit:
            added = [
                ServiceItem.objects.get_or_create(community=self.community, name=name)[0]
                for name in self.cleaned_data.get("new_service_items", [])
            ]
            member.service_items.add(*added)
        return member


def stairwells_of(community: Community, building_id: object) -> QuerySet[Stairwell]:
    """The stairwells of one building of the community; all of them when no building is given."""
    stairwells = Stairwell.objects.filter(community=community).select_related("building")
    if not str(building_id or "").isdigit():
        return stairwells
    return stairwells.filter(building_id=int(str(building_id)))
