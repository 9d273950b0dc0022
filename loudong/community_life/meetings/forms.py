"""Forms of the meeting pages: few fields, plain Chinese errors."""

from django import forms
from django.utils import timezone

from loudong.accounts.access import is_admin
from loudong.community_life.meetings.access import task_owners, venues_for
from loudong.community_life.meetings.models import Meeting
from loudong.community_life.meetings.suggestions import meeting_buildings
from loudong.groups.access import led_groups
from loudong.groups.models import BuildingGroup
from loudong.policy.models import current_rules
from loudong.registry.models import Building, Community, Member
from loudong.tickets.models import Request

COMMUNITY_WIDE = "all"
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def required(message: str) -> dict[str, str]:
    return {"required": message}


class MeetingForm(forms.Form):
    group = forms.ChoiceField(
        label="哪个党小组开会",
        error_messages={"required": "请选择党小组", "invalid_choice": "请在自己负责的党小组中选择"},
    )
    title = forms.CharField(
        label="会议主题",
        max_length=80,
        error_messages={"required": "请填写会议主题，例如：楼道堆物清理", "max_length": "会议主题最多 80 个字"},
        widget=forms.TextInput(attrs={"placeholder": "例如：楼道堆物清理、加装电梯意见征集"}),
    )
    held_at = forms.DateTimeField(
        label="开会时间",
        widget=DATETIME_INPUT,
        error_messages={"required": "请填写开会时间", "invalid": "开会时间格式不对，例如 2026-03-18 19:30"},
    )
    venue = forms.TypedChoiceField(
        label="在哪个红色议事厅",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "请在列出的议事厅中选择"},
    )
    place = forms.CharField(
        label="或其他地点",
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "例如：社区会议室、3栋楼下"}),
        error_messages={"max_length": "地点最多 80 个字"},
    )

    def __init__(
        self,
        data: object = None,
        *,
        community: Community,
        user: object,
        meeting: Meeting | None = None,
        initial: dict | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.community = community
        groups = list(led_groups(user, community))
        choices = [(str(g.pk), g.name) for g in groups]
        if is_admin(user, community):
            choices.append((COMMUNITY_WIDE, "全社区（不分党小组）"))
        self.fields["group"].choices = choices
        if len(choices) == 1:
            self.fields["group"].initial = choices[0][0]
        group = meeting.group if meeting else None
        if meeting is not None:
            del self.fields["group"]
        venues = venues_for(community, group) if meeting else venues_for(community, None).filter(group__in=groups)
        self.venue_rows = list(venues)
        self.fields["venue"].choices = [("", "不在议事厅")] + [(v.pk, str(v)) for v in self.venue_rows]

    def clean_group(self) -> BuildingGroup | None:
        value = self.cleaned_data["group"]
        if value == COMMUNITY_WIDE:
            return None
        return BuildingGroup.objects.get(pk=int(value), community=self.community)

    def clean(self) -> dict:
        data = super().clean()
        venue_id = data.get("venue")
        data["venue"] = next((v for v in self.venue_rows if v.pk == venue_id), None)
        group = data.get("group") if "group" in self.fields else None
        if data["venue"] is not None and group is not None and data["venue"].group_id != group.pk:
            self.add_error("venue", f"{data['venue']}不属于{group.name}，请选本小组的议事厅")
        if not data.get("venue") and not (data.get("place") or "").strip() and "venue" not in self.errors:
            self.add_error("place", "请选择红色议事厅，或填写开会地点")
        return data


class AgendaForm(forms.Form):
    prefix = "agenda"
    text = forms.CharField(
        label="议题",
        max_length=200,
        error_messages={"required": "请填写议题", "max_length": "议题最多 200 个字"},
        widget=forms.TextInput(attrs={"placeholder": "例如：加装电梯意见征集"}),
    )


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label="会议纪要",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"max_length": "纪要最多 10000 个字"},
    )


class DecisionForm(forms.Form):
    prefix = "decision"
    text = forms.CharField(
        label="决定事项",
        max_length=200,
        error_messages={"required": "请填写决定了什么", "max_length": "决定事项最多 200 个字"},
        widget=forms.TextInput(attrs={"placeholder": "例如：本周六组织楼道堆物清理"}),
    )


class OwnerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.resident.name


class TaskForm(forms.Form):
    text = forms.CharField(
        label="跟进事项",
        max_length=200,
        error_messages={"required": "请填写要跟进的事", "max_length": "跟进事项最多 200 个字"},
    )
    owner = OwnerChoice(
        label="负责人",
        queryset=Member.objects.none(),
        empty_label="请选择",
        error_messages={"required": "请选择负责人", "invalid_choice": "负责人要在本小组的党员中选择"},
    )
    due_on = forms.DateField(
        label="完成期限",
        widget=DATE_INPUT,
        error_messages={"required": "请填写完成期限", "invalid": "日期格式不对，例如 2026-03-18"},
    )
    decision = forms.TypedChoiceField(
        label="对应的决定（可不选）",
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "请在这次会议的决定中选择"},
    )

    def __init__(self, data: object = None, *, meeting: Meeting) -> None:
        due = timezone.localtime(meeting.held_at).date() + timezone.timedelta(days=14)
        super().__init__(data, initial={"due_on": due}, prefix="task")
        self.fields["owner"].queryset = task_owners(meeting)
        self.fields["decision"].choices = [("", "不对应")] + [(d.pk, d.text[:30]) for d in meeting.decisions.all()]


class DoneForm(forms.Form):
    note = forms.CharField(
        label="完成情况（可不填）",
        max_length=200,
        required=False,
        error_messages={"max_length": "完成情况最多 200 个字"},
    )


class OpenRequestForm(forms.Form):
    building = forms.TypedChoiceField(
        label="哪栋楼的事",
        coerce=int,
        error_messages={"required": "请选择楼栋", "invalid_choice": "请在本次会议涉及的楼栋中选择"},
    )
    category = forms.ChoiceField(
        label="类别",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择类别", "invalid_choice": "请选择类别"},
    )
    kind = forms.ChoiceField(
        label="诉求类型",
        choices=Request.Kind.choices,
        initial=Request.Kind.HELP,
        widget=forms.RadioSelect,
        error_messages=required("请选择诉求类型"),
    )
    description = forms.CharField(
        label="要办的事",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写下要办的事", "max_length": "最多 1000 个字"},
    )

    def __init__(self, data: object = None, *, meeting: Meeting, initial: dict | None = None) -> None:
        super().__init__(data, initial=initial)
        self.buildings = {b.pk: b for b in meeting_buildings(meeting).order_by("sort_key")}
        self.fields["building"].choices = [("", "请选择")] + [(pk, b.name) for pk, b in self.buildings.items()]
        if len(self.buildings) == 1:
            self.fields["building"].initial = next(iter(self.buildings))
        categories = current_rules(meeting.community_id).categories
        self.fields["category"].choices = [(c.code, c.name) for c in categories]

    def chosen_building(self) -> Building:
        return self.buildings[self.cleaned_data["building"]]
