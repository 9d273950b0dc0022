"""Forms of the election pages: open, nominate, vote, enter paper ballots."""

from django import forms

from loudong.groups.models import Candidate, Election, Elector
from loudong.registry.models import Member

LARGE = {"style": "width:1.4rem;height:1.4rem"}
BLANK = "blank"


class OpenElectionForm(forms.Form):
    office = forms.ChoiceField(
        label="选举什么职务", choices=Election.Office.choices, widget=forms.RadioSelect(attrs=LARGE),
        error_messages={"required": "请选择要选举的职务"},
    )  # fmt: skip


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return obj.resident.name


class NominateForm(forms.Form):
    member = MemberChoice(
        label="提名党员", queryset=Member.objects.none(), empty_label="请选择",
        error_messages={"required": "请选择要提名的党员", "invalid_choice": "这位党员不能被提名"},
    )  # fmt: skip

    def __init__(self, data: object, *, election: Election) -> None:
        super().__init__(data)
        on_roll = election.electors.values("member_id")
        taken = election.candidates.values("member_id")
        self.fields["member"].queryset = (
            Member.objects.filter(pk__in=on_roll).exclude(pk__in=taken).select_related("resident")
            .order_by("resident__name_pinyin")
        )  # fmt: skip


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label="我投票给", widget=forms.RadioSelect(attrs=LARGE),
        error_messages={"required": "请选择一位候选人，或选择弃权", "invalid_choice": "请在候选人中选择"},
    )  # fmt: skip

    def __init__(self, data: object, *, candidates: list[Candidate]) -> None:
        super().__init__(data)
        self.fields["choice"].choices = [(str(c.pk), c.member.resident.name) for c in candidates] + [
            (BLANK, "弃权（不选任何人）")
        ]

    def candidate_id(self) -> int | None:
        choice = self.cleaned_data["choice"]
        return None if choice == BLANK else int(choice)


class ElectorChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Elector) -> str:
        return obj.member.resident.name


class PaperForm(forms.Form):
    """Who put a paper ballot in the box, and how many ballots each candidate got."""

    voters = ElectorChoice(
        label="投纸质票的党员", queryset=Elector.objects.none(), widget=forms.CheckboxSelectMultiple(attrs=LARGE),
        error_messages={"required": "请勾选投纸质票的党员", "invalid_choice": "勾选的党员中有人已经投过票了"},
    )  # fmt: skip
    blank = forms.IntegerField(label="弃权票", min_value=0, initial=0, error_messages={
        "min_value": "票数不能是负数", "invalid": "请填写数字",
    })  # fmt: skip

    def __init__(self, data: object, *, election: Election, candidates: list[Candidate]) -> None:
        super().__init__(data)
        self.fields["voters"].queryset = election.electors.filter(voted=False).select_related("member__resident")
        self.candidates = candidates
        for c in candidates:
            self.fields[f"votes_{c.pk}"] = forms.IntegerField(
                label=f"{c.member.resident.name} 得票", min_value=0, initial=0,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={"min_value": "票数不能是负数", "invalid": "请填写数字", "required": "请填写票数"},
            )  # fmt: skip
        self.fields["blank"].widget.attrs["inputmode"] = "numeric"

    def count_fields(self) -> list[forms.BoundField]:
        return [self[f"votes_{c.pk}"] for c in self.candidates]

    def counts(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"votes_{c.pk}"] for c in self.candidates}
