"""Forms of the staff pages: each action's input, 代点单, calendar overrides. Chinese errors."""

import io
from datetime import datetime, time

from django import forms
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from loudong.lib.images import refuse_too_many_pixels
from loudong.lib.shanghai import SHANGHAI
from loudong.tickets.models import CalendarOverride, Request

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 8 * 1024 * 1024
PHOTO_EDGE = 2000


def _required(message: str) -> dict[str, str]:
    return {"required": message}


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}), error_messages=_required("请填写原因")
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label="要问居民什么",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("请写下要问居民的问题"),
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label="内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), error_messages=_required("请填写内容")
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultiplePhotoInput(attrs={"accept": "image/*"})

    def clean(self, data: object, initial: object = None) -> list:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(f"最多上传 {MAX_PHOTOS} 张照片")
        return [clean_photo(f) for f in files]


def clean_photo(upload: object) -> ContentFile:
    """A JPEG re-encoded from the upload: location and other metadata dropped, at most 2000 px."""
    if upload.size > MAX_PHOTO_BYTES:
        raise forms.ValidationError("照片太大了，请不超过 8 MB")
    refuse_too_many_pixels(upload)
    try:
        image = Image.open(upload)
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        raise forms.ValidationError("这不是能识别的照片，请换一张") from error
    image = ImageOps.exif_transpose(image).convert("RGB")
    image.thumbnail((PHOTO_EDGE, PHOTO_EDGE))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


class ScopeForm(forms.Form):
    scope = forms.ChoiceField(
        label="这件事是",
        choices=Request.Scope.choices,
        widget=forms.RadioSelect,
        error_messages=_required("请选择公共区域的事还是家中的事"),
    )


class PublicNoteForm(forms.Form):
    public_note = forms.CharField(
        label="告诉邻居的进展",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "请不超过 200 个字"},
        help_text="点了“我也遇到”的邻居会看到这段话（不要写姓名、房号和电话）。留空保存，就撤下原来的。",
    )


class ResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label="怎么办的",
        choices=Request.Resolution.choices,
        widget=forms.RadioSelect,
        error_messages=_required("请选择线上答疑还是线下跑腿"),
    )
    reply = forms.CharField(
        label="答复内容 / 做了什么",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_required("请写下答复内容或做了什么"),
    )
    minutes = forms.IntegerField(
        label="用了多少分钟（线下跑腿必填）",
        required=False,
        min_value=0,
        max_value=1440,
        error_messages={
            "min_value": "用时不能小于 0",
            "max_value": "用时不能超过 1440 分钟",
            "invalid": "用时请填数字",
        },
    )
    photos = PhotosField(label="照片（可选，最多 3 张）", required=False)


class ExtendForm(forms.Form):
    new_due_date = forms.DateField(
        label="延到哪一天（当天 24 点前）",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请选择新的日期", "invalid": "日期格式不对"},
    )
    reason = forms.CharField(
        label="延期原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_required("请填写延期原因"),
    )

    def new_due_at(self) -> datetime:
        """Midnight at the end of the chosen day, Shanghai time."""
        day = self.cleaned_data["new_due_date"]
        return datetime.combine(day, time(0), tzinfo=SHANGHAI) + timezone.timedelta(days=1)


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label="合并到哪一条",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择要合并到的点单", "invalid_choice": "请选择要合并到的点单"},
    )

    def __init__(self, *args: object, targets: list[Request], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["into"].choices = [
            (r.pk, f"{r.number} · {r.category_name} · {r.description[:30]}") for r in targets
        ]


class EntryForm(forms.Form):
    """代点单: a staff member enters a request for a resident."""

    channel = forms.ChoiceField(
        label="从哪里得知",
        widget=forms.RadioSelect,
        choices=[
            (c.value, c.label)
            for c in (Request.Channel.VISIT, Request.Channel.MEETING, Request.Channel.PHONE, Request.Channel.WALK_IN)
        ],
        initial=Request.Channel.VISIT,
        error_messages=_required("请选择从哪里得知"),
    )
    resident = forms.IntegerField(required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label="居民姓名", max_length=40, required=False)
    contact_phone = forms.CharField(
        label="联系电话",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
    )
    building = forms.TypedChoiceField(
        label="楼栋", coerce=int, error_messages={"required": "请选择楼栋", "invalid_choice": "请选择楼栋"}
    )
    stairwell = forms.TypedChoiceField(label="单元", coerce=int, required=False, empty_value=None)
    room = forms.CharField(label="房号", max_length=20, required=False)
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
        error_messages=_required("请选择诉求类型"),
    )
    scope = forms.ChoiceField(
        label="这件事是",
        required=False,
        widget=forms.RadioSelect,
        choices=[("", "按类别（环境卫生等是公共区域的事）"), *Request.Scope.choices],
    )
    description = forms.CharField(
        label="居民需要什么",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_required("请写下居民需要什么"),
    )
    anonymous = forms.BooleanField(label="对志愿者隐藏居民姓名和电话", required=False)

    def __init__(self, *args: object, buildings: list, stairwells: list, categories: list, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", "请选择")] + [(b.pk, b.name) for b in buildings]
        self.fields["stairwell"].choices = [("", "不清楚")] + [
            (s.pk, f"{s.building.name} {s.name}") for s in stairwells
        ]
        self.fields["category"].choices = [(c.code, c.name) for c in categories]

    def clean(self) -> dict:
        data = super().clean()
        if (
            not data.get("resident")
            and not (data.get("contact_name") or "").strip()
            and not (data.get("contact_phone") or "").strip()
        ):
            self.add_error("contact_name", "请从名册选择居民，或填写姓名或电话")
        return data


class OverrideForm(forms.ModelForm):
    is_workday = forms.TypedChoiceField(
        label="这一天",
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        choices=[("0", "休息（放假）"), ("1", "上班（调休补班）")],
        initial="0",
    )

    class Meta:
        model = CalendarOverride
        fields = ["date", "is_workday", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}
        error_messages = {"date": {"required": "请选择日期", "invalid": "日期格式不对"}}

    def clean_date(self) -> object:
        day = self.cleaned_data["date"]
        if CalendarOverride.objects.filter(community=self.instance.community, date=day).exists():
            raise forms.ValidationError("这一天已经设置过了，请先删除原来的设置")
        return day
