"""Forms: an activity (few fields, phone-first), its photos, the serving minutes, and the public
sign-in (a name, with the building or a phone; a honeypot and a signed start time)."""

import time
from datetime import datetime

from django import forms
from django.conf import settings
from django.core import signing

from loudong.accounts.access import is_admin
from loudong.accounts.models import User
from loudong.community_life.activities.access import creatable_groups, member_choices
from loudong.community_life.activities.models import MAX_PHOTOS, Activity
from loudong.groups.models import Venue
from loudong.groups.venues.queries import open_venues
from loudong.lib.identity import InvalidValue, normalize_phone
from loudong.lib.shanghai import SHANGHAI
from loudong.registry.models import Building, Community, Resident
from loudong.tickets.forms_public import MultiplePhotoField, MultiplePhotoInput, clean_photo

# Other words a link may use for a type (the honours page asks for a talk with ?type=talk).
TYPE_ALIASES = {
    "lecture": Activity.Type.TALK,
    "speech": Activity.Type.TALK,
    "讲座": Activity.Type.TALK,
    "宣讲": Activity.Type.TALK,
}


def type_from(value: str) -> str:
    value = (value or "").strip()
    if value in Activity.Type.values:
        return value
    return TYPE_ALIASES.get(value, "")


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, member: object) -> str:
        return member.resident.name


class MembersField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, member: object) -> str:
        return member.resident.name


class ActivityForm(forms.Form):
    type = forms.ChoiceField(
        label="活动类型",
        choices=Activity.Type.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择活动类型", "invalid_choice": "请选择活动类型"},
    )
    title = forms.CharField(
        label="活动名称",
        max_length=80,
        error_messages={"required": "请写上活动名称", "max_length": "活动名称最多 80 个字"},
    )
    day = forms.DateField(
        label="日期",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "请选择活动日期", "invalid": "日期格式不对，请重新选择"},
    )
    start = forms.TimeField(
        label="开始",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "请写上开始时间", "invalid": "时间格式不对，如 09:00"},
    )
    end = forms.TimeField(
        label="结束",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"required": "请写上结束时间", "invalid": "时间格式不对，如 11:00"},
    )
    venue = forms.ModelChoiceField(
        label="在红色议事厅举办（可不选）",
        queryset=None,
        required=False,
        empty_label="不在红色议事厅",
        error_messages={"invalid_choice": "这个红色议事厅已关闭，请重新选择"},
    )
    place = forms.CharField(
        label="地点", max_length=100, required=False, error_messages={"max_length": "地点最多 100 个字"}
    )
    group = forms.ModelChoiceField(
        label="党小组",
        queryset=None,
        required=False,
        empty_label="全社区",
        error_messages={"invalid_choice": "请重新选择党小组"},
    )
    organiser = MemberChoiceField(
        label="组织者", queryset=None, error_messages={"required": "请选择组织者", "invalid_choice": "请重新选择组织者"}
    )
    serving = MembersField(
        label="参加服务的党员",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "请重新勾选参加服务的党员"},
    )
    speaker = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    description = forms.CharField(
        label="活动内容（可不填）",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": "活动内容最多 2000 字"},
    )

    def __init__(
        self, *args: object, community: Community, user: User, activity: Activity | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        # Open venues, and the one an activity was held in even if it has closed since.
        venues = open_venues().filter(community=community)
        if activity is not None and activity.venue_id:
            venues = venues | Venue.objects.filter(pk=activity.venue_id)
        self.fields["venue"].queryset = venues.select_related("group").distinct()
        groups = creatable_groups(user, community)
        self.fields["group"].queryset = groups
        if not is_admin(user, community):
            self.fields["group"].required = True
            self.fields["group"].empty_label = None
            self.fields["group"].error_messages["required"] = "请选择党小组"
        members = member_choices(user, community)
        self.fields["organiser"].queryset = members
        self.fields["serving"].queryset = members
        self.fields["speaker"].queryset = Resident.objects.filter(community=community)

    def clean(self) -> dict:
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            data["starts_at"] = datetime.combine(day, start, tzinfo=SHANGHAI)
            data["ends_at"] = datetime.combine(day, end, tzinfo=SHANGHAI)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end", "结束时间要晚于开始时间")
        venue = data.get("venue")
        data["place"] = (data.get("place") or "").strip()
        if not data["place"]:
            if venue is not None:
                data["place"] = str(venue)[:100]
            else:
                self.add_error("place", "请写上活动地点，或选择红色议事厅")
        return data

    @staticmethod
    def initial_from(activity: Activity) -> dict:
        starts, ends = activity.starts_at.astimezone(SHANGHAI), activity.ends_at.astimezone(SHANGHAI)
        serving = activity.serving.exclude(member_id=activity.organiser_id).values_list("member_id", flat=True)
        return {
            "type": activity.type, "title": activity.title, "day": starts.date(), "start": starts.time(),
            "end": ends.time(), "venue": activity.venue_id, "place": activity.place, "group": activity.group_id,
            "organiser": activity.organiser_id, "speaker": activity.speaker_id, "description": activity.description,
            "serving": list(serving),
        }  # fmt: skip


class PhotoForm(forms.Form):
    photos = MultiplePhotoField(
        label=f"照片（最多 {MAX_PHOTOS} 张）",
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        error_messages={"required": "请先选择照片"},
    )

    def clean_photos(self) -> list[bytes]:
        uploads = self.cleaned_data["photos"]
        if not uploads:
            raise forms.ValidationError("请先选择照片")
        if len(uploads) > MAX_PHOTOS:
            raise forms.ValidationError(f"每次活动最多 {MAX_PHOTOS} 张照片")
        return [clean_photo(upload) for upload in uploads]


def start_token() -> str:
    return signing.dumps(time.time(), salt="activity.signin.started")


def seconds_since(token: str) -> float | None:
    try:
        return time.time() - float(signing.loads(token, salt="activity.signin.started"))
    except (signing.BadSignature, TypeError, ValueError):
        return None


class SignInForm(forms.Form):
    """What is required never depends on what the registry holds: a name always, then the building or
    a phone. The answer is the same whether a phone is registered or not (see actions.sign_in)."""

    name = forms.CharField(
        label="您的姓名", max_length=40, required=False, error_messages={"max_length": "姓名最多 40 个字"}
    )
    building = forms.TypedChoiceField(
        label="您住的楼栋", coerce=int, required=False, error_messages={"invalid_choice": "请重新选择楼栋"}
    )
    phone = forms.CharField(
        label="或者：您在社区登记过的电话",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    # A field people never see; software that fills every box fills it.
    website = forms.CharField(label="网址（请不要填写）", required=False)
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, buildings: list[Building], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.buildings = {b.pk: b for b in buildings}
        self.fields["building"].choices = [("", "请选择楼栋")] + [(b.pk, b.name) for b in buildings]

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["phone"])
        except InvalidValue as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self) -> dict:
        data = super().clean()
        data["building_obj"] = self.buildings.get(data.get("building") or 0)
        if "name" in data and not data["name"]:
            self.add_error("name", "请写上您的姓名")
        if "building" not in self.errors and data["building_obj"] is None and not data.get("phone"):
            self.add_error("building", "请选择您住的楼栋（或者在下面填写电话）")
        return data

    def bot_refusal(self) -> str:
        """The honeypot and the minimum fill time; a person who trips one just taps again."""
        if self.cleaned_data.get("website"):
            return "签到没有成功：请把最下面的“网址”一栏留空，再点一次“签到”。"
        elapsed = seconds_since(self.cleaned_data.get("started", ""))
        if elapsed is None:
            return "页面停留太久或已过期，请再点一次“签到”。"
        if elapsed < settings.SIGN_IN_MIN_FILL_SECONDS:
            return "点得太快了，请核对一下，再点一次“签到”。"
        return ""
