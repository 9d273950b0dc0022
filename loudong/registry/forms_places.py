"""Forms of the admin's place screens: a building on the site plan, a stairwell, the site plan's size.

Positions are metres on the community's site plan, measured from its top-left corner: x to the
right, y downwards. Names are written the way the roster import writes them ("3" is "3栋",
"二单元" is "2单元"), so a typed name and an imported one never make two places.
"""

import math
from dataclasses import dataclass

from django import forms
from django.db.models import Case, Q, QuerySet, When

from loudong.lib.identity import clean_text
from loudong.registry.forms import LARGE
from loudong.registry.models import Building, Community, Stairwell
from loudong.registry.roster.cells import building_name, stairwell_name

# Buildings this close (metres, edge to edge) are suggested as neighbours; one group may serve both.
SUGGEST_WITHIN = 25.0
# A stairwell's door may stand a little outside the footprint drawn for its building.
STAIRWELL_MARGIN = 5.0
# The largest site plan a community may have: a side of 5 km.
PLAN_LIMIT = 5000.0
NUMBER_ERROR = "请填写数字，例如 12.5"


class MetreInput(forms.NumberInput):
    """A number box for metres that shows 30 rather than 30.0."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__({"step": "any", "inputmode": "decimal", **(attrs or {})})

    def format_value(self, value: object) -> str | None:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return super().format_value(value)


def metres(label: str, help_text: str = "") -> forms.FloatField:
    return forms.FloatField(
        label=label,
        help_text=help_text,
        widget=MetreInput(attrs={"class": "plan-input"}),
        error_messages={"required": f"请填写{label}", "invalid": NUMBER_ERROR},
    )


def typed_number(value: object) -> float | None:
    """What the user typed in a number box, when it reads as a finite number."""
    try:
        number = float(clean_text(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def shown(value: float) -> str:
    """A distance as people say it: 12, 12.5 (never 12.0 or 12.4999)."""
    return f"{round(value, 1):g}"


@dataclass(frozen=True)
class Footprint:
    """A building's rectangle on the site plan, in metres."""

    x: float
    y: float
    width: float
    depth: float

    @classmethod
    def of(cls, building: Building) -> "Footprint":
        return cls(building.x, building.y, building.width, building.depth)

    def gap(self, other: "Footprint") -> float:
        """Distance edge to edge; 0 when they touch or overlap."""
        dx = max(other.x - (self.x + self.width), self.x - (other.x + other.width), 0.0)
        dy = max(other.y - (self.y + self.depth), self.y - (other.y + other.depth), 0.0)
        return math.hypot(dx, dy)

    def overlaps(self, other: "Footprint") -> bool:
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.depth
            and other.y < self.y + self.depth
        )

    def distance_to_point(self, x: float, y: float) -> float:
        dx = max(self.x - x, x - (self.x + self.width), 0.0)
        dy = max(self.y - y, y - (self.y + self.depth), 0.0)
        return math.hypot(dx, dy)


@dataclass(frozen=True)
class Nearby:
    """Other buildings of the community by their distance from one footprint."""

    gaps: dict[int, float]
    suggested: list[tuple[Building, float]]
    overlapping: list[Building]


def nearby(community: Community, footprint: Footprint | None, exclude: int | None) -> Nearby:
    others = Building.objects.filter(community=community).exclude(pk=exclude).order_by("sort_key")
    if footprint is None:
        return Nearby({}, [], [])
    gaps, suggested, overlapping = {}, [], []
    for other in others:
        there = Footprint.of(other)
        gaps[other.pk] = footprint.gap(there)
        if footprint.overlaps(there):
            overlapping.append(other)
        elif gaps[other.pk] <= SUGGEST_WITHIN:
            suggested.append((other, gaps[other.pk]))
    suggested.sort(key=lambda pair: pair[1])
    return Nearby(gaps, suggested, overlapping)


def free_spot(community: Community, width: float, depth: float) -> tuple[float, float]:
    """Where a new building first appears: the first place on a grid, 5 m clear of the others."""
    taken = [Footprint.of(b) for b in Building.objects.filter(community=community)]
    step = max(10.0, max(community.site_width, community.site_height) / 60)  # a few thousand spots at most
    for row in range(int((community.site_height - depth) // step) + 1):
        for col in range(int((community.site_width - width) // step) + 1):
            here = Footprint(col * step, row * step, width, depth)
            padded = Footprint(here.x - 5, here.y - 5, width + 10, depth + 10)
            if not any(padded.overlaps(other) for other in taken):
                return here.x, here.y
    return 0.0, 0.0


class BuildingForm(forms.ModelForm):
    """Add or edit a building: name, address, place and size on the site plan, neighbours."""

    x = metres("横坐标（米）", "从平面图左边向右量到楼栋左边的距离")
    y = metres("纵坐标（米）", "从平面图上边向下量到楼栋上边的距离")
    width = metres("宽（米）", "楼栋在平面图上左右方向的长度")
    depth = metres("深（米）", "楼栋在平面图上上下方向的长度")

    class Meta:
        model = Building
        fields = ["name", "address", "x", "y", "width", "depth", "adjacent"]
        widgets = {"adjacent": forms.CheckboxSelectMultiple(attrs=LARGE)}
        help_texts = {
            "name": "如 环城北路93号、3栋；同一社区里楼栋名称不能重复",
            "address": "门牌地址，如 环城北路93号；可不填",
        }

    def __init__(self, *args: object, community: Community, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.community = community
        self.fields["name"].error_messages["required"] = "请填写楼栋名称"
        self._nearby: Nearby | None = None
        adjacent = self.fields["adjacent"]
        others = Building.objects.filter(community=community).exclude(pk=self.instance.pk)
        if gaps := self.nearby().gaps:  # nearest first: the ones that matter are at the top of a long list
            nearest = sorted(gaps, key=lambda pk: (gaps[pk], pk))
            others = others.order_by(Case(*(When(pk=pk, then=rank) for rank, pk in enumerate(nearest))))
        adjacent.queryset = others
        adjacent.label_from_instance = self.neighbour_label
        adjacent.error_messages["invalid_choice"] = "选项无效，请重新勾选相邻楼栋"
        adjacent.help_text = (
            f"相邻的楼栋可以由同一个楼栋党小组服务。按距离由近到远排列，相距 {shown(SUGGEST_WITHIN)} 米以内的标有“建议”"
        )

    def footprint(self) -> Footprint | None:
        """The rectangle as typed so far (saved values until the form is sent), or None."""
        values = [typed_number(self[name].value()) for name in ("x", "y", "width", "depth")]
        if any(v is None for v in values) or values[2] <= 0 or values[3] <= 0:
            return None
        return Footprint(*values)

    def nearby(self) -> Nearby:
        if self._nearby is None:
            self._nearby = nearby(self.community, self.footprint(), self.instance.pk)
        return self._nearby

    def neighbour_label(self, building: Building) -> str:
        gaps = self.nearby().gaps
        if building.pk not in gaps:
            return building.name
        if building in self.nearby().overlapping:
            return f"{building.name}（与本楼重叠）"
        gap = gaps[building.pk]
        mark = "，建议相邻" if gap <= SUGGEST_WITHIN else ""
        return f"{building.name}（相距 {shown(gap)} 米{mark}）"

    def clean_name(self) -> str:
        name = building_name(clean_text(self.cleaned_data.get("name")))
        if not name:
            raise forms.ValidationError("请填写楼栋名称")
        same = Building.objects.filter(community=self.community, name=name).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(f"本社区已有名为“{name}”的楼栋，请换一个名称，或去修改那栋楼")
        return name

    def clean_address(self) -> str:
        return " ".join(clean_text(self.cleaned_data.get("address")).split())

    def clean(self) -> dict:
        cleaned = super().clean()
        x, y, width, depth = (cleaned.get(name) for name in ("x", "y", "width", "depth"))
        plan_w, plan_h = self.community.site_width, self.community.site_height
        for name, value in (("x", x), ("y", y)):
            if value is not None and value < 0:
                self.add_error(name, f"{self.fields[name].label}不能小于 0")
        for name, value in (("width", width), ("depth", depth)):
            if value is not None and value <= 0:
                self.add_error(name, f"{self.fields[name].label}必须大于 0")
        settings_hint = "；如果平面图太小，请先在“平面图设置”里改大"
        if x is not None and width is not None and x >= 0 and width > 0 and x + width > plan_w:
            self.add_error(
                "x",
                f"楼栋超出了平面图右边：横坐标 {shown(x)} + 宽 {shown(width)} = {shown(x + width)} 米，"
                f"平面图只有 {shown(plan_w)} 米宽{settings_hint}",
            )
        if y is not None and depth is not None and y >= 0 and depth > 0 and y + depth > plan_h:
            self.add_error(
                "y",
                f"楼栋超出了平面图下边：纵坐标 {shown(y)} + 深 {shown(depth)} = {shown(y + depth)} 米，"
                f"平面图只有 {shown(plan_h)} 米高{settings_hint}",
            )
        return cleaned


class StairwellForm(forms.ModelForm):
    """Add or edit a stairwell (单元): its name, where its door is, and the stairwells next to it."""

    x = metres("横坐标（米）", "单元门在平面图上的位置，从左边向右量")
    y = metres("纵坐标（米）", "从平面图上边向下量")

    class Meta:
        model = Stairwell
        fields = ["name", "x", "y", "adjacent"]
        widgets = {"adjacent": forms.CheckboxSelectMultiple(attrs=LARGE)}
        labels = {"name": "单元名称"}
        help_texts = {"name": "如 1单元；写 1 或 一单元 也可以，会写成“1单元”"}

    def __init__(self, *args: object, building: Building, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.building = building
        self.fields["name"].error_messages["required"] = "请填写单元名称"
        adjacent = self.fields["adjacent"]
        adjacent.queryset = neighbour_stairwells(building, self.instance)
        adjacent.label_from_instance = lambda s: f"{s.building.name} {s.name}"
        adjacent.error_messages["invalid_choice"] = "选项无效，请重新勾选相邻单元"
        adjacent.help_text = "列出本楼的其他单元和相邻楼栋的单元；要选别的楼，请先把那栋楼设为相邻楼栋"

    def clean_name(self) -> str:
        name = stairwell_name(clean_text(self.cleaned_data.get("name")))
        if not name:
            raise forms.ValidationError("请填写单元名称")
        same = Stairwell.objects.filter(building=self.building, name=name).exclude(pk=self.instance.pk)
        if same.exists():
            raise forms.ValidationError(f"{self.building.name}已有“{name}”，请换一个名称")
        return name

    def clean(self) -> dict:
        cleaned = super().clean()
        x, y = cleaned.get("x"), cleaned.get("y")
        if x is None or y is None:
            return cleaned
        community = self.building.community
        if not (0 <= x <= community.site_width and 0 <= y <= community.site_height):
            self.add_error(
                "x",
                f"位置不在平面图上：横坐标要在 0–{shown(community.site_width)} 米之间，"
                f"纵坐标要在 0–{shown(community.site_height)} 米之间",
            )
            return cleaned
        footprint = Footprint.of(self.building)
        if footprint.distance_to_point(x, y) > STAIRWELL_MARGIN:
            self.add_error(
                "x",
                f"单元离{self.building.name}太远了：楼栋在横坐标 {shown(footprint.x)}–"
                f"{shown(footprint.x + footprint.width)} 米、纵坐标 {shown(footprint.y)}–"
                f"{shown(footprint.y + footprint.depth)} 米，单元门应在楼栋上或楼栋边上",
            )
        return cleaned


def neighbour_stairwells(building: Building, stairwell: Stairwell) -> QuerySet[Stairwell]:
    """Stairwells a stairwell may be adjacent to: its building's others, those of neighbouring
    buildings, and any it is already linked to."""
    near = Q(building=building) | Q(building__in=building.adjacent.values("pk"))
    if stairwell.pk:
        near |= Q(pk__in=stairwell.adjacent.values("pk"))
    return (
        Stairwell.objects.filter(community=building.community_id)
        .filter(near)
        .exclude(pk=stairwell.pk)
        .select_related("building")
        .order_by("building__sort_key", "sort_key")
    )


def unplaced(stairwell: Stairwell, building: Building) -> bool:
    """A stairwell the roster import created stays at (0, 0), far from its building."""
    return Footprint.of(building).distance_to_point(stairwell.x, stairwell.y) > STAIRWELL_MARGIN


class SitePlanForm(forms.ModelForm):
    """The site plan's size; it must still hold every building and stairwell."""

    site_width = metres("平面图宽（米）", "社区在平面图上左右方向的长度")
    site_height = metres("平面图高（米）", "社区在平面图上上下方向的长度")

    class Meta:
        model = Community
        fields = ["site_width", "site_height"]

    def needed(self) -> tuple[tuple[float, str], tuple[float, str]]:
        """The smallest width and height that hold every place, each with the place at that edge."""
        right, bottom = (0.0, ""), (0.0, "")
        for b in Building.objects.filter(community=self.instance):
            right = max(right, (b.x + b.width, b.name))
            bottom = max(bottom, (b.y + b.depth, b.name))
        for s in Stairwell.objects.filter(community=self.instance).select_related("building"):
            right = max(right, (s.x, str(s)))
            bottom = max(bottom, (s.y, str(s)))
        return right, bottom

    def clean(self) -> dict:
        cleaned = super().clean()
        right, bottom = self.needed()
        for name, (need, place), side in (("site_width", right, "右"), ("site_height", bottom, "下")):
            value = cleaned.get(name)
            label = self.fields[name].label.removesuffix("（米）")
            if value is None:
                continue
            if value <= 0:
                self.add_error(name, f"{label}必须大于 0")
            elif value > PLAN_LIMIT:
                self.add_error(name, f"{label}最多 {shown(PLAN_LIMIT)} 米")
            elif value < need:
                self.add_error(
                    name,
                    f"{label}至少要 {shown(need)} 米才能放下所有楼栋：{place}的{side}边在 {shown(need)} 米处",
                )
        return cleaned
