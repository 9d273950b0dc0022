"""The registry's part of a resident's data (see loudong.lib.personal): the person record, their
household and their member record; and who an audit entry about a resident or a member names."""

from loudong.lib.personal import ERASED_NAME, Contribution, Person, Sheet, register
from loudong.registry.models import ImportRow, Member, Resident


def export(person: Person) -> list[Sheet]:
    resident = person.resident
    if resident is None:
        return []
    sheets = [
        Sheet(
            "居民档案",
            [
                "姓名",
                "性别",
                "出生日期",
                "联系电话",
                "身份证号",
                "住址",
                "与户主关系",
                "民族",
                "文化程度",
                "工作单位",
                "职务",
                "关爱标签",
                "备注",
                "登记时间",
            ],
            [
                [
                    resident.name,
                    resident.get_gender_display(),
                    resident.birth_written,
                    resident.phone,
                    resident.id_number or "",
                    str(resident.household) if resident.household_id else "",
                    resident.get_relation_display(),
                    resident.ethnicity,
                    resident.education,
                    resident.workplace,
                    resident.post,
                    "、".join(t.name for t in resident.care_tags.all()),
                    resident.note,
                    resident.created_at,
                ]
            ],
        )
    ]
    if resident.household_id:  # the household itself; the other people in it are theirs, not in this copy
        household = resident.household
        sheets.append(
            Sheet(
                "住户", ["住址", "户号", "同户人数"], [[str(household), household.number, household.residents.count()]]
            )
        )
    member = Member.objects.filter(resident=resident).select_related("group").first()
    if member is not None:
        sheets.append(
            Sheet(
                "党员档案",
                ["入党日期", "党员类别", "组织关系", "在职/退休", "所在党小组", "服务项目", "同意公示电话"],
                [
                    [
                        member.joined_written,
                        member.get_standing_display(),
                        member.registration_display,
                        member.get_employment_display(),
                        member.group.name if member.group_id else "",
                        "、".join(s.name for s in member.service_items.all()),
                        "是" if member.publish_phone else "否",
                    ]
                ],
            )
        )
    return sheets


def blockers(person: Person) -> list[str]:
    member = Member.objects.filter(resident_id=person.resident_id).select_related("group").first()
    if member is not None and member.group_id:
        return [f"他是「{member.group.name}」的党员：先在党员档案里把他移出这个楼栋党小组"]
    return []


def erase(person: Person) -> None:
    """The record stays, anonymised, so counts kept on it (hours, sign-ins, services) stay whole. The
    roster rows an import kept for the admin to fix (the cells as uploaded) lose the person's values."""
    kept_rows = ImportRow.objects.filter(job__community_id=person.community_id).exclude(cells=[])
    for row in kept_rows.iterator(chunk_size=2000):
        cells, message = person.scrub_json(row.cells), person.scrub(row.message)
        if (cells, message) != (row.cells, row.message):
            ImportRow.objects.filter(pk=row.pk).update(cells=cells, message=message)
    resident = person.resident
    if resident is None:
        return
    resident.name = ERASED_NAME
    resident.phone = ""
    resident.id_number = None
    resident.birth_date = None
    resident.gender = ""
    resident.note = ""
    resident.household = None
    resident.relation = resident.ethnicity = resident.education = resident.workplace = resident.post = ""
    resident.save()
    resident.care_tags.clear()
    member = Member.objects.filter(resident=resident).first()
    if member is not None:
        member.registered_org, member.publish_phone, member.publish_phone_consented_at = "", False, None
        member.joined_on = None
        member.save()
        member.service_items.clear()


def audit_people(obj: object) -> list[tuple[int | None, list[str]]]:
    """Who an audited resident or member record names (loudong.accounts.audit.people_in)."""
    resident = obj if isinstance(obj, Resident) else obj.resident if isinstance(obj, Member) else None
    if resident is None or resident.name == ERASED_NAME:
        return []
    return [(resident.pk, [resident.name, resident.phone, resident.id_number or ""])]


def connect() -> None:
    from loudong.accounts.audit import people_in

    people_in.connect(audit_people)
    register(Contribution("registry", order=10, export=export, erase=erase, blockers=blockers))
