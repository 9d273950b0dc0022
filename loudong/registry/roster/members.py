"""The member record (党员档案) part of a roster row: who is a member, 入党时间 and its checks,
党员类别, 组织关系, 在职/退休 (said, or told by the workplace) and service items. Django-free."""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from loudong.lib.dates import WrittenDate, read_date, years_after
from loudong.lib.identity import InvalidValue
from loudong.registry.roster.cells import cell_text, meaningful
from loudong.registry.roster.words import TICKS, read_political, read_standing, read_work

if TYPE_CHECKING:
    from loudong.registry.roster.rows import PersonRow, RowReader

PARTY_FOUNDED = date(1921, 7, 1)
_LOCAL_WORDS = {"社区", "社区党委", "社区党支部", "社区党总支", "社区党组织"}


@dataclass(slots=True)
class MemberRow:
    joined: WrittenDate | None = None
    standing: str | None = None  # "full" | "probationary"
    registration: str | None = None  # "local" | "other" | "mobile"
    registered_org: str | None = None
    employment: str | None = None  # "working" | "retired" | "" (neither)
    service_items: list[str] | None = None

    @property
    def joined_on(self) -> date | None:
        return self.joined.day if self.joined else None

    @property
    def joined_precision(self) -> str | None:
        return self.joined.precision if self.joined else None


def read_member(reader: "RowReader", cells: list, person: "PersonRow", reasons: list[str]) -> MemberRow | None:
    """The member record the row states, or None when the person is not a party member."""
    warnings = person.warnings
    political_text = reader.text(cells, "political")
    standing_text = reader.text(cells, "standing")
    joined_value = reader.raw(cells, "joined_on")
    political = read_political(political_text) if political_text else None
    says_party = bool(standing_text or meaningful(cell_text(joined_value)))
    is_member = bool(political) or (political is None and (says_party or reader.party_sheet))
    if political_text and political is None:
        warnings.append(f"政治面貌「{political_text}」认不出，按{'党员' if is_member else '非党员'}导入")
    if not is_member:
        return None
    member = MemberRow(standing=political or None)
    employment_said = registration_said = None
    if standing_text:
        said = read_standing(standing_text)
        if said is None:
            warnings.append(f"党员类别「{standing_text}」认不出，没有导入这一项")
        else:
            member.standing = said[0] or member.standing
            employment_said, registration_said = said[1], said[2]
    member.joined = _joined(joined_value, person, reasons, warnings)
    _registration(reader.text(cells, "registration"), reader.community_name, member)
    if registration_said and member.registration is None:
        member.registration, member.registered_org = registration_said, ""
    member.employment = _employment(reader, cells, warnings)
    if member.employment is None:
        work = reader.work_text(cells)
        member.employment = employment_said or (read_work(work)[2] if work else None)
    member.service_items = reader.list_cell(cells, "service_items", 30, "服务项目", warnings)
    return member


def _joined(value: object, person: "PersonRow", reasons: list[str], warnings: list[str]) -> WrittenDate | None:
    text = cell_text(value)
    try:
        joined = read_date(meaningful(text) if isinstance(value, str) else value)
    except InvalidValue as exc:
        reasons.append(f"入党{exc}")
        return None
    if joined is None:
        return None
    born = person.birth
    if joined.day > date.today():
        reasons.append(f"入党日期「{text}」在今天之后")
    elif joined.last_day < PARTY_FOUNDED:
        reasons.append(f"入党日期「{text}」早于1921年7月建党")
    elif born and joined.last_day < born.day:
        reasons.append(f"入党日期「{text}」早于出生日期（{born}）")
    elif born and joined.last_day < years_after(born.day, 18):
        reasons.append(f"入党日期「{text}」时未满18岁（出生于{born}），请核对入党日期和出生日期")
    if joined.note:
        warnings.append(f"入党日期{joined.note}")
    return joined


def _registration(text: str, community_name: str, member: MemberRow) -> None:
    if not text:
        return
    if "流动" in text:
        member.registration, member.registered_org = "mobile", ""
    elif "本社区" in text or text in _LOCAL_WORDS or (community_name and text.startswith(community_name)):
        member.registration, member.registered_org = "local", ""
    else:
        member.registration, member.registered_org = "other", text[:100]


def _employment(reader: "RowReader", cells: list, warnings: list[str]) -> str | None:
    """在职/退休 as a column says it (a word, or a tick under a 在职 or 退休 column)."""
    for position in reader.columns.get("employment", ()):
        text = meaningful(cell_text(cells[position])).lower() if position < len(cells) else ""
        if not text:
            continue
        if text in TICKS:
            text = reader.header[position] if position < len(reader.header) else text
        if "退休" in text or "离休" in text:
            return "retired"
        if text in {"在职", "在岗", "工作", "上班", "就业"}:
            return "working"
        if text in {"无业", "待业", "失业", "学生", "否"}:
            return ""
        warnings.append(f"在职/退休一栏「{text}」认不出，没有导入这一项")
    return None
