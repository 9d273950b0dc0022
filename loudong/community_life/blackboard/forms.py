from django import forms

from loudong.community_life.blackboard.models import BODY_MAX, TITLE_MAX
from loudong.registry.models import Building

WHOLE_GROUP = "group"


class NoteTextForm(forms.Form):
    """The title and text: what the author writes, and may correct later."""

    title = forms.CharField(
        label="标题",
        max_length=TITLE_MAX,
        error_messages={"required": "请写一个标题", "max_length": f"标题请控制在 {TITLE_MAX} 字以内"},
    )
    body = forms.CharField(
        label="学习心得",
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": BODY_MAX}),
        max_length=BODY_MAX,
        help_text=f"写一段学史心得，{BODY_MAX} 字以内，会印在楼栋的小黑板上。",
        error_messages={"required": "请写下学习心得", "max_length": f"小黑板写不下：请控制在 {BODY_MAX} 字以内"},
    )


class NoteForm(NoteTextForm):
    place = forms.ChoiceField(
        label="贴在哪里",
        widget=forms.RadioSelect,
        error_messages={"required": "请选择楼栋", "invalid_choice": "请在列出的楼栋中选择"},
    )

    def __init__(self, *args: object, buildings: list[Building], has_group: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(b.pk), b.name) for b in buildings]
        if has_group:
            choices.append((WHOLE_GROUP, "本组服务的所有楼栋"))
        self.fields["place"].choices = choices
        if len(choices) == 1:
            self.fields["place"].initial = choices[0][0]
        self.buildings = {str(b.pk): b for b in buildings}

    def building(self) -> Building | None:
        return self.buildings.get(self.cleaned_data["place"])


class HideForm(forms.Form):
    reason = forms.CharField(label="撤下原因", max_length=200, required=False)
