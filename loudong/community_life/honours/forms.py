from django import forms
from django.utils import timezone

from loudong.community_life.honours.models import Honour
from loudong.registry.models import ResidentQuerySet

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HonourForm(forms.ModelForm):
    """The person is a resident picked from the registry search, or a typed name for someone outside it."""

    resident = forms.ModelChoiceField(
        queryset=None,
        required=False,
        widget=forms.RadioSelect,
        label="获得者",
        error_messages={"invalid_choice": "请在本社区居民名册中选择"},
    )

    class Meta:
        model = Honour
        fields = ["title", "awarded_on", "awarded_by", "resident", "person_name", "note"]
        labels = {"person_name": "不在居民名册中的获得者姓名"}
        widgets = {
            "title": forms.TextInput(attrs={"list": "honour-titles"}),
            "awarded_on": DATE_INPUT,
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"awarded_by": "例如：中共湖南省委宣传部、中共衡阳市委", "note": "一两句事迹，300 字以内"}
        error_messages = {
            "title": {"required": "请填写荣誉称号", "max_length": "荣誉称号请控制在 40 字以内"},
            "awarded_on": {"required": "请选择获得日期", "invalid": "日期格式不对，请用日历选择"},
            "awarded_by": {"required": "请填写授予单位", "max_length": "授予单位请控制在 80 字以内"},
            "person_name": {"max_length": "姓名请控制在 40 字以内"},
            "note": {"max_length": "事迹简介请控制在 300 字以内"},
        }

    def __init__(self, *args: object, residents: ResidentQuerySet, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents
        self.fields["person_name"].required = False

    def clean(self) -> dict:
        data = super().clean()
        resident = data.get("resident")
        name = " ".join((data.get("person_name") or "").split())
        if resident is not None:
            data["person_name"] = resident.name
        elif not name:
            self.add_error("person_name", "请在名册中选择获得者，或填写不在名册中的获得者姓名")
        else:
            data["person_name"] = name
        awarded_on = data.get("awarded_on")
        if awarded_on is not None and awarded_on > timezone.localdate():
            self.add_error("awarded_on", "获得日期不能晚于今天")
        return data
