"""One roster row -> what it says about one person (and their member record), or the reasons it
cannot be imported. Django-free: the importer matches and writes.

A value of None means "the sheet says nothing here": the importer leaves the stored value alone.
"""

import re
from dataclasses import dataclass
from datetime import date

from loudong.lib.identity import (
    InvalidValue,
    birth_date_from_id,
    gender_from_id,
    normalize_id_number,
    normalize_phone,
)
from loudong.registry.roster.cells import (
    MonthOnly,
    building_name,
    cell_text,
    meaningful,
    parse_date,
    parse_gender,
    room_name,
    split_address,
    split_list,
    split_room,
    stairwell_name,
)
from loudong.registry.roster.parse import normalize_header

_TICKS = {"√", "✓", "✔", "是", "y", "yes", "1", "有"}
_MEMBER_WORDS = {"中共党员", "党员", "中国共产党党员", "共产党员", "正式党员", "中共正式党员"}
_PROBATIONARY_WORDS = {"中共预备党员", "预备党员", "预备"}
_GENDER_WORDS = {"M": "男", "F": "女"}
_PLACE_FIELDS = ("building", "stairwell", "room", "address")
_BRACKETED = re.compile(r"\(.*?\)")  # after NFKC, （户主） is (户主)
NO_PLACE = "没有填写住址（楼栋、单元、房号）"


@dataclass(slots=True)
class MemberRow:
    joined_on: date | None = None
    standing: str | None = None  # "full" | "probationary"
    registration: str | None = None  # "local" | "other" | "mobile"
    registered_org: str | None = None
    employment: str | None = None  # "working" | "retired"
    service_items: list[str] | None = None


@dataclass(slots=True)
class PersonRow:
    row: int
    name: str
    gender: str | None
    birth_date: date | None
    phone: str | None
    id_number: str | None
    place: tuple[str, str | None, str] | None  # (building, stairwell or None, room)
    place_blank: bool  # the sheet has address columns but this row left them all empty
    care_tags: list[str] | None
    note: str | None
    member: MemberRow | None


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
        self.has_place = bool({"building", "stairwell", "room", "address"} & columns.keys())

    def text(self, cells: list, field: str) -> str:
        """The first non-blank cell of the field's columns, cleaned ('' when none)."""
        for position in self.columns.get(field, ()):
            if position < len(cells) and (value := meaningful(cell_text(cells[position]))):
                return value
        return ""

    def raw(self, cells: list, field: str) -> object:
        for position in self.columns.get(field, ()):
            if position < len(cells) and cells[position] != "":
                return cells[position]
        return ""

    def read(self, number: int, cells: list) -> PersonRow:
        reasons: list[str] = []
        name = _BRACKETED.sub("", self.text(cells, "name")).strip()  # 张三（户主）
        if re.search(r"[\u4e00-\u9fff]", name):
            name = "".join(name.split())  # 王  芳: spaces used to line names up
        if not name:
            reasons.append("姓名为空")
        elif len(name) > 40:
            reasons.append("姓名太长（超过40个字）")
        id_number = self._id_number(cells, reasons)
        gender = self._guard(reasons, lambda: parse_gender(self.text(cells, "gender"))) or None
        birth_date = self._birth_date(cells, id_number, reasons)
        if id_number:
            from_id = gender_from_id(id_number)
            if gender and gender != from_id:
                reasons.append(f"性别「{_GENDER_WORDS[gender]}」与身份证号（{_GENDER_WORDS[from_id]}）不一致")
            gender = from_id
        phone = self._phone(cells, reasons)
        place_blank = self.has_place and not any(self.text(cells, f) for f in _PLACE_FIELDS)
        place = None if place_blank else self._place(cells, reasons)
        care_tags = self._list(cells, "care_tags", 20, "关爱标签", reasons)
        note = self.text(cells, "note")[:200] or None
        member = self._member(cells, reasons)
        if reasons:
            raise RowProblem(reasons)
        return PersonRow(
            number,
            name,
            gender,
            birth_date,
            phone,
            id_number or None,
            place,
            place_blank,
            care_tags,
            note,
            member,
        )

    @staticmethod
    def _guard(reasons: list[str], parse: object) -> object:
        try:
            return parse()
        except InvalidValue as exc:
            reasons.append(str(exc))
            return None

    def _id_number(self, cells: list, reasons: list[str]) -> str:
        value = self.raw(cells, "id_number")
        if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) >= 1e15:
            # Excel keeps 15 significant digits: an 18-digit number has lost its last digits.
            reasons.append("身份证号被存成了数字，末几位已丢失；请把这一列设为文本格式后重新填写")
            return ""
        return self._guard(reasons, lambda: normalize_id_number(meaningful(cell_text(value)))) or ""

    def _birth_date(self, cells: list, id_number: str, reasons: list[str]) -> date | None:
        value = self.raw(cells, "birth_date")
        from_id = birth_date_from_id(id_number) if id_number else None
        try:
            written = parse_date(value)
        except MonthOnly as partial:
            if from_id is None:
                reasons.append(f"出生日期「{partial}」只写到了年或月，缺少日；请写完整日期，或填写身份证号")
            elif partial.year != from_id.year or partial.month not in (None, from_id.month):
                reasons.append(f"出生日期「{partial}」与身份证号中的出生日期（{from_id:%Y-%m-%d}）不一致")
            return from_id
        except InvalidValue as exc:
            reasons.append(f"出生{exc}")
            return from_id
        if from_id is not None:
            if written is not None and written != from_id:
                reasons.append(
                    f"出生日期「{written:%Y-%m-%d}」与身份证号中的出生日期（{from_id:%Y-%m-%d}）不一致"
                )
            return from_id
        if written is not None and not date(1890, 1, 1) <= written <= date.today():
            reasons.append(f"出生日期「{written:%Y-%m-%d}」不合理")
        return written

    def _phone(self, cells: list, reasons: list[str]) -> str | None:
        value = self.raw(cells, "phone")
        if isinstance(value, str):
            # Several numbers in one cell: keep the first.
            value = re.split(r"[,，;；/、]", _BRACKETED.sub("", meaningful(cell_text(value))))[0]
        return self._guard(reasons, lambda: normalize_phone(value)) or None

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

    def _list(self, cells: list, field: str, limit: int, label: str, reasons: list[str]) -> list[str] | None:
        positions = self.columns.get(field)
        if not positions:
            return None
        raw = next((cell_text(cells[p]) for p in positions if p < len(cells) and cells[p] != ""), "")
        if not raw:
            return None  # blank leaves the stored list alone; 无 clears it
        items = split_list(raw)
        if too_long := [i for i in items if len(i) > limit]:
            reasons.append(f"{label}「{too_long[0]}」太长（最多{limit}个字）")
        return items

    def _member(self, cells: list, reasons: list[str]) -> MemberRow | None:
        political = self.text(cells, "political").lower()
        standing_text = self.text(cells, "standing")
        joined_text = self.raw(cells, "joined_on")
        is_member = political in _MEMBER_WORDS or political in _PROBATIONARY_WORDS or political in _TICKS
        says_party_details = bool(standing_text or meaningful(cell_text(joined_text)))
        if not is_member and not (not political and says_party_details):
            return None
        member = MemberRow()
        if political in _PROBATIONARY_WORDS:
            member.standing = "probationary"
        elif political in _MEMBER_WORDS:
            member.standing = "full"
        if standing_text:
            if standing_text in {"正式", "正式党员"}:
                member.standing = "full"
            elif standing_text in _PROBATIONARY_WORDS:
                member.standing = "probationary"
            else:
                reasons.append(f"党员类别应填“正式”或“预备”，现为「{standing_text}」")
        try:
            member.joined_on = parse_date(joined_text)
        except MonthOnly as partial:
            reasons.append(f"入党日期「{partial}」只写到了年或月，缺少日")
        except InvalidValue as exc:
            reasons.append(f"入党{exc}")
        if member.joined_on and not date(1921, 7, 1) <= member.joined_on <= date.today():
            reasons.append(f"入党日期「{member.joined_on:%Y-%m-%d}」不合理")
        self._registration(self.text(cells, "registration"), member)
        member.employment = self._employment(cells, reasons)
        member.service_items = self._list(cells, "service_items", 30, "服务项目", reasons)
        return member

    def _registration(self, text: str, member: MemberRow) -> None:
        if not text:
            return
        if "流动" in text:
            member.registration, member.registered_org = "mobile", ""
        elif (
            "本社区" in text
            or text in {"社区", "社区党委", "社区党支部", "社区党总支", "社区党组织"}
            or (self.community_name and text.startswith(self.community_name))
        ):
            member.registration, member.registered_org = "local", ""
        else:
            member.registration, member.registered_org = "other", text[:100]

    def _employment(self, cells: list, reasons: list[str]) -> str | None:
        for position in self.columns.get("employment", ()):
            text = meaningful(cell_text(cells[position])).lower() if position < len(cells) else ""
            if not text:
                continue
            if text in _TICKS:  # a tick under a 在职 or 退休 column
                text = self.header[position]
            if "退休" in text or "离休" in text:
                return "retired"
            if text in {"在职", "在岗", "工作", "上班", "就业"}:
                return "working"
            if text in {"无业", "待业", "失业", "学生", "否"}:
                return None
            reasons.append(f"在职/退休一栏应填“在职”或“退休”，现为「{text}」")
        return None
