"""One roster row -> what it says about one person (and their member record), or the reasons it
cannot be imported. Django-free: the importer matches and writes.

A row is refused only for what would make the record wrong: no name, an invalid ID number, an
invalid phone, an impossible date, no home to file the person in. A descriptive cell it cannot
read (民族, 文化程度, 与户主关系, unusual 党员类别 wording, ...) is left out with a warning.
A value of None means "the sheet says nothing here": the importer leaves the stored value alone.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from loudong.lib.dates import WrittenDate, read_date
from loudong.lib.identity import (
    InvalidValue,
    birth_date_from_id,
    gender_from_id,
    id_from_15_digits,
    normalize_id_number,
    normalize_phone,
)
from loudong.registry.roster.cells import (
    building_name,
    cell_text,
    meaningful,
    parse_gender,
    room_name,
    split_address,
    split_list,
    split_room,
    stairwell_name,
)
from loudong.registry.roster.fields import PLACE_FIELDS, normalize_header
from loudong.registry.roster.members import MemberRow, read_member
from loudong.registry.roster.words import read_education, read_ethnicity, read_relation, read_work, workplace_only

_GENDER_WORDS = {"M": "男", "F": "女"}
_BRACKETED = re.compile(r"\(.*?\)")  # after NFKC, （户主） is (户主)
NO_PLACE = "没有填写住址（楼栋、单元、房号）"
_TEXT_LIMITS = {"note": 200, "workplace": 100, "post": 50}


@dataclass(slots=True)
class PersonRow:
    row: int
    name: str
    gender: str | None = None
    birth: WrittenDate | None = None
    phone: str | None = None
    id_number: str | None = None
    place: tuple[str, str | None, str] | None = None  # (building, stairwell or None, room)
    place_blank: bool = False  # the sheet has address columns but this row left them all empty
    care_tags: list[str] | None = None
    note: str | None = None
    relation: str | None = None
    household_number: str = ""
    ethnicity: str | None = None
    education: str | None = None
    workplace: str | None = None
    post: str | None = None
    member: MemberRow | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def birth_date(self) -> date | None:
        return self.birth.day if self.birth else None

    @property
    def birth_precision(self) -> str | None:
        return self.birth.precision if self.birth else None


class RowProblem(Exception):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("；".join(reasons))
        self.reasons = reasons


class RowReader:
    """Reads rows of one sheet: knows its columns and the community's name."""

    def __init__(self, columns: dict[str, list[int]], header: list[str], community_name: str) -> None:
        self.columns = columns
        self.header = [normalize_header(h) for h in header]
        self.community_name = community_name
        self.has_place = bool(set(PLACE_FIELDS) & columns.keys())
        # A party roster (入党时间, 党员类别 ... but no 政治面貌): everyone on it is a member.
        self.party_sheet = "political" not in columns and bool({"joined_on", "standing"} & columns.keys())

    def text(self, cells: list, field: str) -> str:
        """The first non-blank cell of the field's columns, cleaned ('' when none)."""
        for position in self.columns.get(field, ()):
            if position < len(cells) and (value := meaningful(cell_text(cells[position]))):
                return value
        return ""

    def raw(self, cells: list, field: str) -> object:
        for position in self.columns.get(field, ()):
            if position < len(cells) and cells[position] != "" and cells[position] is not None:
                return cells[position]
        return ""

    def read(self, number: int, cells: list) -> PersonRow:
        reasons: list[str] = []
        person = PersonRow(number, self._name(cells, reasons))
        warnings = person.warnings
        id_number = self._id_number(cells, reasons, warnings)
        gender_text = self.text(cells, "gender")
        try:
            person.gender = parse_gender(gender_text) or None
        except InvalidValue as exc:
            warnings.append(f"{exc}，没有导入性别")
        person.birth = self._birth(cells, id_number, reasons, warnings)
        if id_number:
            from_id = gender_from_id(id_number)
            if person.gender and person.gender != from_id:
                reasons.append(f"性别「{_GENDER_WORDS[person.gender]}」与身份证号（{_GENDER_WORDS[from_id]}）不一致")
            person.gender = from_id
        person.id_number = id_number or None
        person.phone = self._phone(cells, reasons)
        person.household_number = self.text(cells, "household_number")[:30]
        person.place_blank = self.has_place and not any(self.text(cells, f) for f in PLACE_FIELDS)
        person.place = None if person.place_blank else self._place(cells, reasons)
        person.care_tags = self.list_cell(cells, "care_tags", 20, "关爱标签", warnings)
        self._descriptive(cells, person)
        person.member = read_member(self, cells, person, reasons)
        if reasons:
            raise RowProblem(reasons)
        return person

    def _name(self, cells: list, reasons: list[str]) -> str:
        name = _BRACKETED.sub("", self.text(cells, "name")).strip()  # 张三（户主）
        if re.search(r"[\u4e00-\u9fff]", name):
            name = "".join(name.split())  # 王  芳: spaces used to line names up
        if not name:
            reasons.append("姓名为空")
        elif len(name) > 40:
            reasons.append("姓名太长（超过40个字）")
        return name

    def _descriptive(self, cells: list, person: PersonRow) -> None:
        """民族, 文化程度, 与户主关系, 工作单位/职务, 备注: kept when read, warned about when not."""
        warnings = person.warnings
        for name, label, reader in (
            ("ethnicity", "民族", read_ethnicity),
            ("education", "文化程度", read_education),
            ("relation", "与户主关系", read_relation),
        ):
            if text := self.text(cells, name):
                value = reader(text)
                if value is None:
                    warnings.append(f"{label}「{text}」认不出，没有导入这一项")
                setattr(person, name, value)
        work = cell_text(self.raw(cells, "workplace_post"))
        if work:
            person.workplace, person.post, _ = read_work(work)
        if text := cell_text(self.raw(cells, "workplace")):
            if "post" in self.columns:
                person.workplace = workplace_only(text)
            else:  # 工作单位 holding the post too: 衡阳市第一人民医院 医生
                person.workplace, post, _ = read_work(text)
                person.post = post or person.post
        if text := cell_text(self.raw(cells, "post")):
            person.post = meaningful(text)
        person.note = self.text(cells, "note") if self.columns.get("note") else None
        for name, limit in _TEXT_LIMITS.items():
            value = getattr(person, name)
            if value and len(value) > limit:
                setattr(person, name, value[:limit])
                warnings.append(f"{_LABELS[name]}超过{limit}个字，只导入了前{limit}个字")

    def _id_number(self, cells: list, reasons: list[str], warnings: list[str]) -> str:
        value = self.raw(cells, "id_number")
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e15:
            # Excel keeps 15 significant digits: an 18-digit number has lost its last digits.
            reasons.append("身份证号被存成了数字，末几位已丢失；请把这一列设为文本格式后重新填写")
            return ""
        text = meaningful(cell_text(value))
        if converted := id_from_15_digits(text):
            warnings.append(f"身份证号「{text}」是15位的旧号码，已换算成18位：{converted}")
            text = converted
        try:
            return normalize_id_number(text)
        except InvalidValue as exc:
            reasons.append(str(exc))
            return ""

    def _birth(self, cells: list, id_number: str, reasons: list[str], warnings: list[str]) -> WrittenDate | None:
        value = self.raw(cells, "birth_date")
        written_text = cell_text(value)
        from_id = birth_date_from_id(id_number) if id_number else None
        try:
            written = read_date(meaningful(written_text) if isinstance(value, str) else value)
        except InvalidValue as exc:
            reasons.append(f"出生{exc}")
            return WrittenDate(from_id) if from_id else None
        if from_id is not None:
            if written is not None and not written.day <= from_id <= written.last_day:
                reasons.append(f"出生日期「{written_text}」与身份证号中的出生日期（{from_id:%Y-%m-%d}）不一致")
            return WrittenDate(from_id)
        if written is None:
            return None
        if written.day > date.today():
            reasons.append(f"出生日期「{written_text}」在今天之后")
        elif written.last_day < date(1890, 1, 1):
            reasons.append(f"出生日期「{written_text}」不合理")
        if written.note:
            warnings.append(f"出生日期{written.note}")
        return written

    def work_text(self, cells: list) -> str:
        """What the row says about work, for telling 在职 from 退休."""
        return cell_text(self.raw(cells, "workplace_post") or self.raw(cells, "workplace") or self.raw(cells, "post"))

    def _phone(self, cells: list, reasons: list[str]) -> str | None:
        value = self.raw(cells, "phone")
        if isinstance(value, str):
            # Several numbers in one cell: keep the first.
            value = re.split(r"[,，;；/、]", _BRACKETED.sub("", meaningful(cell_text(value))))[0]
        try:
            return normalize_phone(value) or None
        except InvalidValue as exc:
            reasons.append(str(exc))
            return None

    def _place(self, cells: list, reasons: list[str]) -> tuple[str, str | None, str] | None:
        if not self.has_place:
            return None
        building, stair, room = (self.text(cells, f) for f in ("building", "stairwell", "room"))
        address = self.text(cells, "address")
        stair = stairwell_name(stair) if stair else None
        if room and not stair:
            stair, room = split_room(room)
        elif room:
            room = room_name(room)
        if address and not building:
            try:
                building, from_address, room_from_address = split_address(address)
                stair = stair or from_address
                room = room or room_from_address
            except InvalidValue as exc:
                if not room:
                    reasons.append(str(exc))
                    return None
                building = address  # 住址 holds the building; 单元 and 房号 have their own columns
        if not building or not room:
            reasons.append("住址缺少" + ("楼栋" if not building else "房号"))
            return None
        building = building_name(building)
        if len(building) > 60 or (stair and len(stair) > 30) or len(room) > 20:
            reasons.append("楼栋、单元或房号太长")
            return None
        return building, stair, room

    def list_cell(self, cells: list, field: str, limit: int, label: str, warnings: list[str]) -> list[str] | None:
        """Tags or service items of one cell; an item too long to be one is left out with a warning."""
        if not self.columns.get(field):
            return None
        raw = cell_text(self.raw(cells, field))
        if not raw:
            return None  # blank leaves the stored list alone; 无 clears it
        items = split_list(raw)
        if too_long := [i for i in items if len(i) > limit]:
            warnings.append(f"{label}「{too_long[0]}」太长（最多{limit}个字），没有导入这一项")
        return [i for i in items if len(i) <= limit]


_LABELS = {"note": "备注", "workplace": "工作单位", "post": "职务"}
