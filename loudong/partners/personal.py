"""The 双报到 part of a person's data (see loudong.lib.personal): their reports-in, the posts they
held and the community's evaluations of them; and who an audit entry about a report-in or a unit's
contact names.

A report-in is the person's own application: erased, it loses the name, phone, address and free
text (the row stays, so the queue's history and the unit's count stay whole). Posts held and
evaluations belong to the member record, which the registry anonymises.
"""

from django.db.models import Q

from loudong.lib.personal import ERASED_NAME, Contribution, Person, Sheet, register
from loudong.partners.models import Evaluation, PartnerUnit, PostClaim, ReportIn


def _report_ins(person: Person):  # noqa: ANN202
    found = Q(pk__in=[])
    if person.phones:
        found |= Q(phone__in=person.phones)
    if person.member_id:
        found |= Q(member_id=person.member_id)
    return ReportIn.objects.filter(found, community_id=person.community_id)


def export(person: Person) -> list[Sheet]:
    sheets = [
        Sheet(
            "双报到",
            [
                "报到时间",
                "姓名",
                "手机号",
                "工作单位",
                "单位党组织",
                "居住地址",
                "特长",
                "可服务时间",
                "状态",
                "未通过的原因",
            ],
            [
                [
                    r.submitted_at,
                    r.name,
                    r.phone,
                    r.workplace_name,
                    r.workplace_party_org,
                    str(r.household) if r.household_id else r.address,
                    "、".join(r.skill_tags) + (f"（{r.skills_note}）" if r.skills_note else ""),
                    r.available,
                    r.get_status_display(),
                    r.decline_reason,
                ]
                for r in _report_ins(person).select_related("unit", "household__stairwell__building")
            ],
        )
    ]
    if person.member_id:
        claims = PostClaim.objects.filter(member_id=person.member_id).select_related("post")
        sheets.append(
            Sheet(
                "认领的岗位",
                ["岗位", "类型", "认领时间", "退出时间"],
                [[c.post.title, c.post.get_kind_display(), c.claimed_at, c.released_at or ""] for c in claims],
            )
        )
        evaluations = Evaluation.objects.filter(member_id=person.member_id)
        sheets.append(
            Sheet(
                "社区评价",
                ["季度", "评价", "评语"],
                [[e.quarter, e.get_grade_display(), e.comment] for e in evaluations],
            )
        )
    return [s for s in sheets if s.rows]


def erase(person: Person) -> None:
    for report in _report_ins(person):
        report.name, report.phone, report.address = ERASED_NAME, "", ""
        report.household = None
        report.skills, report.skills_note = person.scrub(report.skills), person.scrub(report.skills_note)
        report.decline_reason = person.scrub(report.decline_reason) or ("已删除" if report.decline_reason else "")
        report.save()
    if person.member_id:
        for evaluation in Evaluation.objects.filter(member_id=person.member_id):
            evaluation.comment = person.scrub(evaluation.comment)
            evaluation.save(update_fields=["comment"])


def audit_people(obj: object) -> list[tuple[int | None, list[str]]]:
    """Who an audited report-in or unit names (loudong.accounts.audit.people_in)."""
    if isinstance(obj, ReportIn) and obj.name != ERASED_NAME:
        resident_id = obj.member.resident_id if obj.member_id else None
        return [(resident_id, [obj.name, obj.phone])]
    if isinstance(obj, PartnerUnit) and obj.contact_name:
        return [(None, [obj.contact_name, obj.contact_phone])]
    return []


def connect() -> None:
    from loudong.accounts.audit import people_in

    people_in.connect(audit_people)
    register(Contribution("partners", order=45, export=export, erase=erase))
