"""A person's rights under 个人信息保护法 over their 双报到 data: the copy shows their reports-in, the
posts they held and the community's evaluations; erasing them leaves their name and phone nowhere."""

from test_pipl_erasure import scan

from loudong.partners.models import Evaluation, PartnerUnit, Post, PostClaim, ReportIn
from loudong.privacy.copy import sheets
from loudong.privacy.erasure import erase_person
from loudong.privacy.people import of_resident
from loudong.registry.models import Member, Resident

NAME, PHONE = "钱多多", "13312340000"


def test_the_copy_shows_and_the_erasure_removes_a_report_in(world):
    w = world
    unit = PartnerUnit.objects.create(community=w.community, name="建设银行石鼓支行", party_org="建行党支部")
    person = Resident.objects.create(community=w.community, household=w.household2, name=NAME, phone=PHONE)
    member = Member.objects.create(community=w.community, resident=person, registered_org="建行党支部")
    ReportIn.objects.create(
        community=w.community,
        name=NAME,
        phone=PHONE,
        unit=unit,
        workplace_party_org="建行党支部",
        household=w.household2,
        skills="防诈骗宣传",
        skills_note=f"{NAME}在网点做过反诈讲座",
        status=ReportIn.Status.CONFIRMED,
        member=member,
    )
    ReportIn.objects.create(  # an earlier one, declined, found by the phone
        community=w.community, name=NAME, phone=PHONE, workplace="建设银行", workplace_party_org="建行党支部",
        status=ReportIn.Status.DECLINED, decline_reason="重复报到",
    )  # fmt: skip
    post = Post.objects.create(community=w.community, title="政策宣讲", kind=Post.Kind.POLICY_TALK)
    PostClaim.objects.create(post=post, member=member)
    Evaluation.objects.create(
        community=w.community, member=member, quarter="2026Q3", grade="good", comment=f"{NAME}讲得好"
    )

    copy = {s.title: s for s in sheets(of_resident(person))}
    assert len(copy["双报到"].rows) == 2 and copy["双报到"].rows[0][2] == PHONE
    assert copy["认领的岗位"].rows[0][0] == "政策宣讲"
    assert copy["社区评价"].rows[0][:2] == ["2026Q3", "好"]

    erase_person(of_resident(person), by=w.admin, now=None)
    assert {(table, needle) for table, _column, needle in scan([NAME, PHONE])} == set()
    assert ReportIn.objects.filter(community=w.community).count() == 2  # the queue's history stays, anonymised
    assert Evaluation.objects.get().comment == "已删除居民讲得好"
