"""反馈单: each quarter, one sheet per workplace party organisation, listing its members who reported
in to the community, the posts they held, their hours and services (read from the hours ledger, so
the figures are the ledger's) and the community's evaluation, with a QR code to verify the paper.
"""

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from loudong.hours.ledger import contents_of, ledger
from loudong.hours.models import hours_text
from loudong.lib.identity import InvalidValue
from loudong.lib.pdf import html_to_pdf
from loudong.lib.qr import qr_data_uri
from loudong.partners.models import Evaluation, FeedbackSheet, PostClaim, ReportIn
from loudong.registry.models import Community, Member

QUARTER = re.compile(r"(\d{4})\s*[Qq季]\s*([1-4])")


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> "Quarter":
        """'2026Q4' (or 2026q4, 2026季4); a Chinese error otherwise."""
        found = QUARTER.fullmatch((text or "").strip())
        if not found or not 2000 <= int(found.group(1)) <= 2100:
            raise InvalidValue(f"季度写法不对：“{text}”，应写成年份加 Q 和 1–4，如 2026Q4")
        return cls(int(found.group(1)), int(found.group(2)))

    @classmethod
    def of(cls, day: date) -> "Quarter":
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def previous(self) -> "Quarter":
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        following = date(self.year + 1, 1, 1) if self.number == 4 else date(self.year, 3 * self.number + 1, 1)
        return following - timedelta(days=1)

    @property
    def code(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def label(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"

    def __str__(self) -> str:
        return self.code


@dataclass
class MemberRow:
    member: Member
    workplace: str
    posts: list[str]
    minutes: int
    times: int
    services: list[str]  # "服务内容 N 次"
    evaluation: Evaluation | None

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)


@dataclass
class Sheet:
    community: Community
    quarter: Quarter
    party_org: str
    rows: list[MemberRow] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(r.minutes for r in self.rows)

    @property
    def hours(self) -> str:
        return hours_text(self.minutes)

    @property
    def filename(self) -> str:
        safe = re.sub(r'[\\/:*?"<>|\s]+', "_", self.party_org)[:60]
        return f"反馈单-{self.quarter.code}-{safe}.pdf"


def reported_members(community: Community) -> dict[int, ReportIn]:
    """Each confirmed in-post member of the community with their latest confirmed report-in."""
    found: dict[int, ReportIn] = {}
    confirmed = ReportIn.objects.filter(community=community, status=ReportIn.Status.CONFIRMED, member__isnull=False)
    for report in confirmed.select_related("unit", "member__resident", "member__group").order_by("decided_at", "pk"):
        found[report.member_id] = report
    return found


def sheets_for(community: Community, quarter: Quarter) -> list[Sheet]:
    """One sheet per workplace party organisation with members who reported in, by its name."""
    reports = reported_members(community)
    lines = ledger([community.pk], quarter.start, quarter.end, member_ids=list(reports))
    claims = (
        PostClaim.objects.filter(member_id__in=list(reports), claimed_at__date__lte=quarter.end)
        .filter(Q(released_at__isnull=True) | Q(released_at__date__gte=quarter.start))
        .select_related("post")
        .order_by("claimed_at")
    )
    posts: dict[int, list[str]] = {}
    for c in claims:
        titles = posts.setdefault(c.member_id, [])
        if c.post.title not in titles:
            titles.append(c.post.title)
    evaluations = {e.member_id: e for e in Evaluation.objects.filter(member_id__in=list(reports), quarter=quarter.code)}
    sheets: dict[str, Sheet] = {}
    for member_id, report in reports.items():
        own = [line for line in lines if line.member_id == member_id]
        org = report.workplace_party_org.strip() or report.workplace_name
        sheet = sheets.setdefault(org, Sheet(community, quarter, org))
        sheet.rows.append(
            MemberRow(
                member=report.member,
                workplace=report.workplace_name,
                posts=posts.get(member_id, []),
                minutes=sum(line.minutes for line in own),
                times=len(own),
                services=[f"{content} {times} 次" for content, times, _ in contents_of(own)],
                evaluation=evaluations.get(member_id),
            )
        )
    for sheet in sheets.values():
        sheet.rows.sort(key=lambda r: r.member.resident.name_pinyin)  # by name: nobody is ranked
    return sorted(sheets.values(), key=lambda s: s.party_org)


def verify_url(record: FeedbackSheet) -> str:
    return f"{settings.PUBLIC_URL}{reverse('feedback_sheet_verify', args=[record.token])}"


def render(sheet: Sheet) -> bytes:
    """The sheet's PDF; its verification row keeps the totals this paper shows."""
    record, _ = FeedbackSheet.objects.update_or_create(
        community=sheet.community,
        quarter=sheet.quarter.code,
        party_org=sheet.party_org,
        defaults={"members": len(sheet.rows), "minutes": sheet.minutes, "printed_at": timezone.now()},
    )
    url = verify_url(record)
    html = render_to_string(
        "partners/feedback_sheet.html",
        {"sheet": sheet, "record": record, "qr": qr_data_uri(url), "url": url, "today": timezone.localdate()},
    )
    return html_to_pdf(html)
