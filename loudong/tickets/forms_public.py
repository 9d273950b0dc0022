"""The resident's two screens, and the photos and tokens that carry a draft between them.

Everything typed travels in the form itself (hidden fields on the later screens) and in the session
(loudong.tickets.drafts), so a resident can go back and forth, and a refused submission shows again
with nothing lost. Photos are re-encoded at once (which drops EXIF, GPS included) and kept as draft
files named in a signed hidden field.
"""

import io
import re
import secrets
import time
from datetime import timedelta

from django import forms
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from loudong.lib.identity import InvalidValue, normalize_phone
from loudong.lib.images import refuse_too_many_pixels
from loudong.policy.rules import Category
from loudong.registry.models import Building, Stairwell
from loudong.tickets.models import Request

MAX_PHOTOS = 3
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PHOTO_FORMATS = {"JPEG", "PNG", "WEBP"}
PHOTO_LONG_SIDE = 1600
DRAFT_DIR = "ask-drafts"
DRAFT_KEEP = timedelta(days=2)
_DRAFT_NAME = re.compile(rf"^{DRAFT_DIR}/[A-Za-z0-9_-]{{16,40}}\.jpg$")

# Plain words under each category button; a category an admin adds without one shows its time limit.
CATEGORY_HINTS = {
    "政策咨询": "医保、社保、养老、补贴、办证等政策不清楚",
    "环境卫生": "楼道杂物、垃圾、污水、蚊虫老鼠、油烟等",
    "困难需求": "买药买菜、陪同看病、小修小补、照顾老人等",
    "安全隐患": "电线乱拉、电动车充电、消防通道堵塞等",
    "邻里纠纷": "噪音、漏水、占地方等邻居之间的矛盾",
    "设施维修": "楼道灯、门禁、水管、下水道等公共设施坏了",
}
KIND_HINTS = {
    Request.Kind.CONSULT: "问问题",
    Request.Kind.HELP: "请人帮忙",
    Request.Kind.COMPLAINT: "反映问题、表达不满",
    Request.Kind.REPORT: "举报违规行为（内容不公开给邻居）",
    Request.Kind.SUGGESTION: "提意见和建议",
}


SCOPE_HINTS = {
    Request.Scope.SHARED: "楼道、电梯、屋顶、垃圾桶、路灯、绿化等大家共用的地方。同楼邻居能看到这件事的摘要"
    "（不显示姓名、房号和电话），可以点“我也遇到”。",
    Request.Scope.HOUSEHOLD: "自己家里的事，如买药、看病、低保、家里漏水。只有楼栋党小组和社区能看到，邻居看不到。",
}


def default_kind(category: Category) -> str:
    return Request.Kind.CONSULT if "咨询" in category.name else Request.Kind.HELP


# How long a form page's start token holds. A page is good for one submission (the intake row keeps
# the token's digest), so intake rows are kept at least this long (intake.placed_rule).
PAGE_LIFETIME = timedelta(hours=12)


def start_token() -> str:
    """A signed moment: when the resident opened the first screen (the minimum fill time)."""
    return signing.dumps(time.time(), salt="ask.started")


def seconds_since(token: str) -> float | None:
    try:
        return time.time() - float(signing.loads(token, salt="ask.started", max_age=PAGE_LIFETIME))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def join_token(req: Request) -> str:
    """Lets a neighbour join ("我也遇到") only a request the form showed them."""
    return signing.dumps([req.pk, req.building_id], salt="ask.join")


def joined_request_id(token: str) -> int | None:
    try:
        pk, _building = signing.loads(token, salt="ask.join", max_age=timedelta(days=1))
        return int(pk)
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _choose(message: str) -> dict[str, str]:
    return {"required": message, "invalid_choice": message}


class ChoiceForm(forms.Form):
    """Screen 1: which building (when the QR code serves several), what kind of help."""

    building = forms.TypedChoiceField(
        label="哪栋楼", coerce=int, widget=forms.RadioSelect, error_messages=_choose("请选择您住的楼栋")
    )
    category = forms.ChoiceField(
        label="要办什么事", widget=forms.RadioSelect, error_messages=_choose("请选择要办什么事")
    )
    kind = forms.ChoiceField(
        label="这件事属于",
        required=False,
        widget=forms.RadioSelect,
        choices=Request.Kind.choices,
        error_messages={"invalid_choice": "请重新选择"},
    )

    def __init__(
        self, *args: object, buildings: list[Building], categories: tuple[Category, ...], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.buildings = {b.pk: b for b in buildings}
        self.categories = {c.code: c for c in categories}
        self.fields["building"].choices = [(b.pk, b.name) for b in buildings]
        self.fields["category"].choices = [(c.code, c.name) for c in categories]

    def clean(self) -> dict:
        data = super().clean()
        category = self.categories.get(data.get("category", ""))
        if category and not data.get("kind"):
            data["kind"] = default_kind(category)
        return data


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files from one input; each is checked by clean_photo."""

    widget = MultiplePhotoInput

    def clean(self, data: object, initial: object = None) -> list:
        if not data:
            return []
        return [f for f in (data if isinstance(data, list | tuple) else [data]) if f]


class DetailForm(forms.Form):
    """Screen 2: a shared place or a household (one tap; blank: the category's usual one), what is
    needed, where exactly, up to three photos, and who to contact; the honeypot and the start time.

    Only what the matter needs is asked: the room and the contact are a household matter's (a
    shared place's contact may be left out: the receipt's link follows it), so a shared-place
    matter keeps no room."""

    scope = forms.ChoiceField(
        label="这件事是",
        required=False,
        choices=Request.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "请重新选择"},
    )
    description = forms.CharField(
        label="需要什么帮助",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "还没有写内容，请说说需要什么帮助",
            "max_length": "内容太长了，请控制在 1000 字以内",
        },
    )
    stairwell = forms.TypedChoiceField(
        label="单元",
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "请重新选择单元"},
    )
    room = forms.CharField(
        label="房号", max_length=20, required=False, error_messages={"max_length": "房号最多 20 个字"}
    )
    photos = forms.CharField(required=False, widget=forms.HiddenInput)  # signed names of kept drafts
    new_photos = MultiplePhotoField(
        label="照片（可不传，最多 3 张）",
        required=False,
        widget=MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png,image/webp", "data-count": "#photo-count"}),
    )
    contact_name = forms.CharField(
        label="怎么称呼您", max_length=40, required=False, error_messages={"max_length": "称呼最多 40 个字"}
    )
    contact_phone = forms.CharField(
        label="手机或电话",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    anonymous = forms.BooleanField(label="不让志愿者看到我的姓名和电话", required=False)
    # A field people never see; software that fills every box fills it.
    website = forms.CharField(label="网址（请不要填写）", required=False)
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, stairwells: list[Stairwell], usual_scope: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.usual_scope = usual_scope
        self.fields["stairwell"].choices = [(s.pk, s.name) for s in stairwells]

    def clean_description(self) -> str:
        text = " ".join(self.cleaned_data["description"].split())
        if len(text) < 4:
            raise forms.ValidationError("请多写几个字，说清楚需要什么帮助")
        return self.cleaned_data["description"].strip()

    def clean_contact_phone(self) -> str:
        try:
            return normalize_phone(self.cleaned_data["contact_phone"])
        except InvalidValue as error:
            raise forms.ValidationError(str(error)) from error

    def clean_photos(self) -> list[str]:
        return kept_photos(self.cleaned_data.get("photos", ""))

    def clean(self) -> dict:
        data = super().clean()
        data["scope"] = data.get("scope") or self.usual_scope
        if data["scope"] == Request.Scope.SHARED:
            data["room"] = ""
        elif "contact_name" in data and "contact_phone" in data:
            if not data["contact_name"].strip():
                self.add_error("contact_name", "请写上怎么称呼您（如：王阿姨）")
            if not data["contact_phone"]:
                self.add_error("contact_phone", "家中的事要留电话，志愿者办事时要联系您")
        kept, new = data.get("photos") or [], data.get("new_photos") or []
        if len(kept) + len(new) > MAX_PHOTOS:
            self.add_error("new_photos", f"最多上传 {MAX_PHOTOS} 张照片（已有 {len(kept)} 张）")
            return data
        for upload in new:
            try:
                kept.append(save_draft_photo(upload))
            except forms.ValidationError as error:
                self.add_error("new_photos", error)
        data["photos"] = kept
        return data


def clean_photo(upload: object) -> bytes:
    """A photo as a fresh JPEG: right way up, at most 1600 px, with no EXIF (no GPS) or other
    metadata. Refuses what is too big or not a jpg, png or webp picture."""
    if upload.size > MAX_PHOTO_BYTES:
        raise forms.ValidationError(f"照片“{upload.name}”超过 5 MB，请换一张或截图后再传")
    refuse_too_many_pixels(upload)
    try:
        image = Image.open(upload)
        image_format = image.format
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        raise forms.ValidationError(f"“{upload.name}”不是能识别的照片，请上传 jpg、png 或 webp 格式") from error
    if image_format not in PHOTO_FORMATS:
        raise forms.ValidationError(f"“{upload.name}”的格式不支持，请上传 jpg、png 或 webp 格式")
    image = ImageOps.exif_transpose(image)
    image.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
    if image.mode != "RGB":
        background = Image.new("RGB", image.size, "white")
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True)  # no exif= argument: nothing carried over
    return buffer.getvalue()


def save_draft_photo(upload: object) -> str:
    data = clean_photo(upload)
    _remove_old_drafts()
    return default_storage.save(f"{DRAFT_DIR}/{secrets.token_urlsafe(18)}.jpg", ContentFile(data))


def sign_photos(names: list[str]) -> str:
    return signing.dumps(names, salt="ask.photos") if names else ""


def kept_photos(token: str) -> list[str]:
    """The draft photos a form carries, if the signature holds and the files still exist."""
    if not token:
        return []
    try:
        names = signing.loads(token, salt="ask.photos")
    except signing.BadSignature:
        return []
    return [n for n in names if isinstance(n, str) and _DRAFT_NAME.match(n) and default_storage.exists(n)][:MAX_PHOTOS]


def draft_photo_name(token: str) -> str | None:
    """One draft photo named by a signed token (thumbnails on screen 2)."""
    try:
        name = signing.loads(token, salt="ask.photo", max_age=DRAFT_KEEP)
    except signing.BadSignature:
        return None
    return name if isinstance(name, str) and _DRAFT_NAME.match(name) else None


def draft_photo_token(name: str) -> str:
    return signing.dumps(name, salt="ask.photo")


def delete_drafts(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def _remove_old_drafts() -> None:
    """Drafts of forms never sent are removed after two days."""
    try:
        filenames = default_storage.listdir(DRAFT_DIR)[1]
    except FileNotFoundError:  # on the disk, before the first draft (an object storage has no folders)
        return
    cutoff = timezone.now() - DRAFT_KEEP
    for filename in filenames:
        name = f"{DRAFT_DIR}/{filename}"
        try:
            if default_storage.get_modified_time(name) < cutoff:
                default_storage.delete(name)
        except FileNotFoundError:
            continue


class AnswerForm(forms.Form):
    """Tracking page: answer the volunteer's question, or add details."""

    note = forms.CharField(
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请写上您的回复", "max_length": "内容太长了，请控制在 1000 字以内"},
    )


class RatingForm(forms.Form):
    """Tracking page: confirm and rate."""

    rating = forms.ChoiceField(
        label="您满意吗",
        choices=Request.Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择满意、基本满意或不满意"},
    )
    comment = forms.CharField(
        label="想说的话（可不填）", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("rating") == Request.Rating.UNSATISFIED and not (data.get("comment") or "").strip():
            self.add_error("comment", "请写一写哪里还没有解决，志愿者会重新办理")
        return data
