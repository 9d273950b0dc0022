"""Forms of the hours pages: the period picker, a correction, a missing record, a decision."""

from dataclasses import dataclass
from datetime import date, timedelta

from django import forms
from django.http import HttpRequest
from django.utils import timezone

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"required": "请选择日期", "invalid": "日期格式不对，请用日历选择"}
MINUTE_ERRORS = {
    "required": "请填写分钟数", "invalid": "请填写整数分钟", "min_value": "分钟数不能小于 0",
    "max_value": "一天最多 1440 分钟",
}  # fmt: skip


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    preset: str  # "month", "last_month", "year", "last_year" or "" for chosen dates

    @property
    def label(self) -> str:
        return f"{self.start:%Y年%-m月%-d日} 至 {self.end:%Y年%-m月%-d日}"

    @property
    def query(self) -> str:
        return f"start={self.start:%Y-%m-%d}&end={self.end:%Y-%m-%d}"


def presets(today: date) -> dict[str, tuple[str, date, date]]:
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    return {
        "month": ("本月", month_start, today),
        "last_month": ("上月", last_month_end.replace(day=1), last_month_end),
        "year": ("今年", today.replace(month=1, day=1), today),
        "last_year": ("去年", date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    }


class PeriodForm(forms.Form):
    start = forms.DateField(label="从", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    end = forms.DateField(label="到", widget=DATE_INPUT, error_messages=DATE_ERRORS)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("起始日期不能晚于截止日期")
        if data.get("start") and data.get("end") and (data["end"] - data["start"]).days > 3660:
            raise forms.ValidationError("一次最多查看十年")
        return data


def period_of(request: HttpRequest) -> tuple[Period, PeriodForm]:
    """The period in the address (a preset or two dates); this year so far when none or invalid."""
    today = timezone.localdate()
    choices = presets(today)
    preset = request.GET.get("p", "")
    if preset in choices:
        _, start, end = choices[preset]
        form = PeriodForm(initial={"start": start, "end": end})
        return Period(start, end, preset), form
    if "start" in request.GET or "end" in request.GET:
        form = PeriodForm(request.GET)
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
            return Period(start, end, ""), form
        _, start, end = choices["year"]
        return Period(start, end, "year"), form
    _, start, end = choices["year"]
    return Period(start, end, "year"), PeriodForm(initial={"start": start, "end": end})


class ChangeForm(forms.Form):
    minutes = forms.IntegerField(
        label="实际用时（分钟）",
        min_value=0,
        max_value=1440,
        error_messages=MINUTE_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label="理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写明理由", "max_length": "理由请控制在 300 字以内"},
        help_text="例如：当天陪同就医来回三个小时，办结时少填了。",
    )


class MissingForm(forms.Form):
    served_on = forms.DateField(label="服务日期", widget=DATE_INPUT, error_messages=DATE_ERRORS)
    content = forms.CharField(
        label="做了什么",
        max_length=100,
        error_messages={"required": "请写明做了什么服务", "max_length": "请控制在 100 字以内"},
        help_text="例如：帮 3 单元独居老人买药",
    )
    minutes = forms.IntegerField(
        label="用时（分钟）",
        min_value=1,
        max_value=1440,
        error_messages={**MINUTE_ERRORS, "min_value": "用时至少 1 分钟"},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label="为什么没有记上",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写明理由", "max_length": "理由请控制在 300 字以内"},
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label="审核意见", max_length=300, required=False, error_messages={"max_length": "审核意见请控制在 300 字以内"}
    )
