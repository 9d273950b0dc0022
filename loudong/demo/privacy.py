"""Demo step: the residents' privacy requests (个人信息保护法): one copy asked from a tracking link
and answered, and one correction made in person still open, due in 15 working days."""

from datetime import timedelta

from django.utils import timezone

from loudong.demo.context import DemoSite
from loudong.privacy import actions
from loudong.tickets.models import Request


def build_privacy(site: DemoSite) -> None:
    demo = site.main
    admin = site.users["demo-admin"]
    now = timezone.now()
    placed = (
        Request.objects.filter(community=demo.community, resident__isnull=False)
        .exclude(contact_phone="")
        .order_by("-created_at")
        .first()
    )
    answered = 0
    if placed is not None:
        asked = actions.ask(placed, kind="copy", phone=placed.contact_phone, now=now - timedelta(days=3))
        actions.answer(asked, by=admin, now=now - timedelta(days=1))
        answered = 1
    resident = next(r for r in demo.residents if not hasattr(r, "member"))
    actions.record_in_person(
        resident, kind="correct", by=admin, details="出生日期登记错了，应为身份证上的日期", now=now - timedelta(days=2)
    )
    site.summary.append(f"  个人信息申请：已答复 {answered} 件，待答复 1 件（15 个工作日内答复）")
