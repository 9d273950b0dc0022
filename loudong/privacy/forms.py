from django import forms

from loudong.privacy.models import PersonalDataRequest

KIND_HINTS = {
    "copy": "给我一份社区保存的我的信息（PDF 和 Excel）",
    "correct": "我的信息有错，请更正",
    "delete": "删除社区保存的我的个人信息",
}


class AskForm(forms.Form):
    kind = forms.ChoiceField(
        label="您要办的事",
        choices=PersonalDataRequest.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择要办的事", "invalid_choice": "请选择要办的事"},
    )
    phone = forms.CharField(label="点单时留的电话", required=False, max_length=20)
    details = forms.CharField(label="说明", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") == "correct" and not (data.get("details") or "").strip():
            self.add_error("details", "请写明哪一项信息不对、应当是什么")
        return data


class InPersonForm(AskForm):
    phone = None


class AnswerForm(forms.Form):
    text = forms.CharField(label="答复", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    confirm_delete = forms.BooleanField(label="我已核对，确认删除（无法恢复）", required=False)


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="不予办理的理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "不予办理时必须写明理由，居民会看到"},
    )
