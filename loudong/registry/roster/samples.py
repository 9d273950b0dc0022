"""The first rows of a preview as the importer read them, in the words the admin uses."""

from loudong.lib.identity import mask_id_number
from loudong.registry.models import Member, Resident
from loudong.registry.roster.rows import PersonRow

SAMPLE_ROWS = 5
OUTCOMES = {"created": "新增", "updated": "更新", "unchanged": "没有变化", "rejected": "不导入"}
_STANDING = dict(Member.Standing.choices)
_REGISTRATION = dict(Member.Registration.choices)
_EMPLOYMENT = dict(Member.Employment.choices) | {"": "无业或不在职"}
_RELATION = dict(Resident.Relation.choices)
_GENDER = dict(Resident.Gender.choices)


def describe(number: int, person: PersonRow | None, outcome: str, reason: str = "") -> dict:
    """{"row", "outcome", "reason", "warnings", "values": [[label, text], ...]} for the page."""
    values: list[list[str]] = []
    if person is not None:
        place = "".join(p for p in person.place or () if p)
        if person.place:
            place += "室"
        member = person.member
        pairs = [
            ("姓名", person.name),
            ("性别", _GENDER.get(person.gender or "", "")),
            ("出生日期", str(person.birth) if person.birth else ""),
            ("身份证号", mask_id_number(person.id_number or "")),
            ("联系电话", person.phone or ""),
            ("住址", place),
            ("户号", person.household_number),
            ("与户主关系", _RELATION.get(person.relation or "", "")),
            ("民族", person.ethnicity or ""),
            ("文化程度", person.education or ""),
            ("工作单位", person.workplace or ""),
            ("职务", person.post or ""),
            ("关爱标签", "、".join(person.care_tags or ())),
            ("党员", _STANDING.get(member.standing or "full", "") if member else ""),
            ("入党日期", str(member.joined) if member and member.joined else ""),
            ("组织关系", _registration(member) if member else ""),
            ("在职/退休", _EMPLOYMENT.get(member.employment, "") if member and member.employment is not None else ""),
            ("服务项目", "、".join(member.service_items or ()) if member else ""),
            ("备注", person.note or ""),
        ]
        values = [[label, text] for label, text in pairs if text]
    return {
        "row": number,
        "outcome": outcome,
        "outcome_label": OUTCOMES[outcome],
        "reason": reason,
        "warnings": list(person.warnings) if person else [],
        "values": values,
    }


def _registration(member: object) -> str:
    if member.registration == "other":
        return member.registered_org or ""
    return _REGISTRATION.get(member.registration or "", "")
