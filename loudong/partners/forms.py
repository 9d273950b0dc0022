"""Forms of 双报到, each error a plain Chinese sentence: the public report-in (also used by the admin
on someone's behalf), the admin's decisions, units and agreements, posts, evaluations."""

from django import forms
from django.conf import settings

from loudong.lib.identity import InvalidValue, clean_text, normalize_phone
from loudong.partners.models import Evaluation, Offer, PartnerAgreement, PartnerUnit, Post
from loudong.policy.forms import SIGNATURES, checked_document
from loudong.registry.models import Building, Community, Household
from loudong.tickets.forms_public import seconds_since, start_token

OTHER_UNIT = "other"
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(label: str, limit: int, *, required: bool = False, missing: str = "", **kwargs: object) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        error_messages={"required": missing or f"请填写{label}", "max_length": f"{label}最多 {limit} 个字"},
        **kwargs,
    )


def _phone(value: str, *, mobile: bool) -> str:
    try:
        phone = normalize_phone(value)
    except InvalidValue as error:
        raise forms.ValidationError(str(error)) from error
    if mobile and phone and not (len(phone) == 11 and phone.isdigit()):
        raise forms.ValidationError("请填写 11 位手机号，社区确认后用它联系您")
    return phone


class ReportInForm(forms.Form):
    """报到: who, where they work, where they live, what they can do and when."""

    name = _text("姓名", 40, required=True, missing="请写上您的姓名", widget=forms.TextInput({"autocomplete": "name"}))
    phone = _text(
        "手机号",
        30,
        required=True,
        missing="请写上您的手机号",
        widget=forms.TextInput({"type": "tel", "inputmode": "tel"}),
    )
    unit = forms.ChoiceField(
        label="工作单位", error_messages={"required": "请选择工作单位", "invalid_choice": "请重新选择工作单位"}
    )
    workplace = _text("单位名称", 100, help_text="上面没有您的单位时填写")
    workplace_party_org = _text("单位党组织", 100, required=True, help_text="如：××医院第一党支部")
    building = forms.TypedChoiceField(
        label="您住的楼栋", coerce=int, required=False, error_messages={"invalid_choice": "请重新选择楼栋"}
    )
    room = _text("房号", 20, help_text="如 301；不住本社区可不填")
    skills = _text("特长", 200, help_text="用顿号隔开，如：医疗、法律咨询、书法")
    skills_note = _text("特长说明", 300, widget=forms.Textarea({"rows": 2}))
    available = _text("可以参加服务的时间", 100, help_text="如：周末上午、工作日晚上")
    # A field people never see; software that fills every box fills it.
    website = forms.CharField(label="网址（请不要填写）", required=False)
    started = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: object, community: Community, public: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.community, self.public = community, public
        self.units = {str(u.pk): u for u in PartnerUnit.objects.active().filter(community=community)}
        self.fields["unit"].choices = (
            [("", "请选择")] + [(k, u.name) for k, u in self.units.items()] + [(OTHER_UNIT, "其他单位（在下面填写）")]
        )
        self.buildings = {b.pk: b for b in Building.objects.filter(community=community).order_by("sort_key")}
        self.fields["building"].choices = [("", "不住本社区 / 不选")] + [
            (b.pk, b.name) for b in self.buildings.values()
        ]
        if not public:
            del self.fields["website"], self.fields["started"]
        elif not self.is_bound:
            self.initial["started"] = start_token()

    def clean_name(self) -> str:
        return " ".join(clean_text(self.cleaned_data["name"]).split())

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"], mobile=True)

    def clean(self) -> dict:
        data = super().clean()
        for key in ("workplace", "workplace_party_org", "room", "skills", "skills_note", "available"):
            if key in data:
                data[key] = clean_text(data[key])
        unit = self.units.get(data.get("unit", ""))
        data["unit_obj"] = unit
        if data.get("unit") == OTHER_UNIT and not data.get("workplace") and "workplace" not in self.errors:
            self.add_error("workplace", "请填写您的单位名称")
        building = self.buildings.get(data.get("building") or 0)
        data["household"], data["address"] = None, ""
        if building is not None and data.get("room"):
            data["household"] = (
                Household.objects.filter(stairwell__building=building, room=data["room"]).order_by("pk").first()
            )
            data["address"] = "" if data["household"] else f"{building.name} {data['room']}"
        elif building is not None:
            data["address"] = building.name
        elif data.get("room"):
            self.add_error("building", "填了房号，请再选择楼栋")
        return data

    def bot_refusal(self) -> str:
        """The honeypot and the minimum fill time (as on the public request form)."""
        if not self.public:
            return ""
        if self.cleaned_data.get("website"):
            return "提交没有成功：请把最下面的“网址”一栏留空，再点一次“提交报到”。"
        elapsed = seconds_since(self.cleaned_data.get("started", ""))
        if elapsed is None:
            return "页面停留太久或已过期，请核对内容后再点一次“提交报到”。"
        if elapsed < settings.REQUEST_MIN_FILL_SECONDS:
            return "提交得太快了，请核对一下内容，再点一次“提交报到”。"
        return ""

    def fresh_start(self) -> None:
        """A refused page keeps what was typed, with a new start time and an empty honeypot."""
        if self.public:
            self.data = self.data.copy()
            self.data["started"], self.data["website"] = start_token(), ""

    def report_fields(self) -> dict:
        data = self.cleaned_data
        unit = data["unit_obj"]
        return {
            "name": data["name"],
            "phone": data["phone"],
            "unit": unit,
            "workplace": "" if unit else data["workplace"],
            "workplace_party_org": data["workplace_party_org"] or (unit.party_org if unit else ""),
            "household": data["household"],
            "address": data["address"],
            "skills": data["skills"],
            "skills_note": data["skills_note"],
            "available": data["available"],
        }


class ConfirmForm(forms.Form):
    """确认报到: where they live (if the form did not find it) and, optionally, a login to open."""

    household = forms.ModelChoiceField(
        label="居住的户",
        queryset=Household.objects.none(),
        required=False,
        empty_label="不改（按报到时填写的）",
        error_messages={"invalid_choice": "请重新选择住户"},
    )
    username = _text("登录用户名", 150, help_text="开通账号后可在网上认领岗位；已有账号或暂不开通可不填")
    password = forms.CharField(
        label="初始密码",
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="至少 10 位，含字母和数字",
    )

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = Household.objects.filter(community=community).select_related(
            "stairwell__building"
        )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("username") and not data.get("password"):
            self.add_error("password", "开通账号请设置初始密码")
        if data.get("password") and not data.get("username"):
            self.add_error("username", "请填写登录用户名")
        return data


class DeclineForm(forms.Form):
    reason = _text("未通过的原因", 200, required=True, missing="请写明未通过的原因")


class UnitForm(forms.ModelForm):
    offers = forms.MultipleChoiceField(
        label="可提供的资源",
        choices=Offer.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "请重新勾选可提供的资源"},
    )

    class Meta:
        model = PartnerUnit
        fields = [
            "name", "kind", "address", "contact_name", "contact_phone", "party_org", "offers", "offers_note", "active",
        ]  # fmt: skip
        error_messages = {
            "name": {"required": "请填写单位名称", "max_length": "单位名称最多 100 个字"},
            "kind": {"required": "请选择单位类型", "invalid_choice": "请选择单位类型"},
        }
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.community = community

    def clean_name(self) -> str:
        name = clean_text(self.cleaned_data["name"])
        same = PartnerUnit.objects.filter(community=self.community, name=name).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError("本社区已登记了这个单位")
        return name

    def clean_contact_phone(self) -> str:
        return _phone(self.cleaned_data["contact_phone"], mobile=False)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = PartnerAgreement
        fields = ["title", "signed_on", "valid_from", "valid_until", "file"]
        widgets = {"signed_on": DATE, "valid_from": DATE, "valid_until": DATE}
        error_messages = {
            "title": {"required": "请填写协议名称", "max_length": "协议名称最多 120 个字"},
            "signed_on": {"invalid": "签订日期格式不对，请重新选择"},
            "valid_from": {"invalid": "生效日期格式不对，请重新选择"},
            "valid_until": {"invalid": "有效期格式不对，请重新选择"},
            "file": {"empty": "这个文件是空的，请重新选择", "invalid": "没有收到文件，请重新选择"},
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ",".join(SIGNATURES)
        self.fields["file"].help_text = "PDF、Word 或图片，不超过 20 MB"

    def clean_file(self) -> object:
        upload = self.cleaned_data.get("file")
        if not upload or not hasattr(upload, "size"):
            return upload
        return checked_document(upload)[0]

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "有效期不能早于生效日期")
        return data


class PostForm(forms.ModelForm):
    class Meta:
        model = Post
        fields = ["title", "kind", "group", "description", "slots", "time", "starts_on", "ends_on", "active"]
        widgets = {
            "kind": forms.RadioSelect,
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea({"rows": 3}),
        }
        labels = {"group": "楼栋党小组（不选则全社区）"}
        error_messages = {
            "title": {"required": "请填写岗位名称", "max_length": "岗位名称最多 60 个字"},
            "kind": {"required": "请选择岗位类型", "invalid_choice": "请选择岗位类型"},
            "slots": {"required": "请填写人数", "invalid": "人数请填整数", "min_value": "人数至少为 1"},
            "group": {"invalid_choice": "请重新选择党小组"},
        }

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = self.fields["group"].queryset.filter(community=community)
        self.fields["group"].empty_label = "全社区"

    def clean_slots(self) -> int:
        slots = self.cleaned_data["slots"]
        if not 1 <= slots <= 500:
            raise forms.ValidationError("人数请填 1 到 500 之间的数")
        return slots

    def clean(self) -> dict:
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期")
        return data


class EvaluationForm(forms.Form):
    grade = forms.ChoiceField(
        label="评价",
        choices=Evaluation.Grade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择评价", "invalid_choice": "请选择评价"},
    )
    comment = _text("评语", 200, required=True, missing="请写一句评语，反馈单上会印出来")
