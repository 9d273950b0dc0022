"""Recommended volunteers for a request, each with the reasons in plain Chinese.

What makes a volunteer fit, in order of weight: living near (same stairwell, same building,
a neighbouring building), offering a service that matches what is asked, having little in hand,
being free at this hour (retired, or working but off duty now), and how past residents rated
them. A volunteer who already sent this request back is put last, and the one whose contact card
the resident scanned comes first among equals. A few queries whatever the group's size.
"""

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from loudong.lib.shanghai import local
from loudong.lib.workdays import is_workday
from loudong.registry.models import Building, Member
from loudong.tickets.models import OPEN, Request, RequestEvent

# Words that tell a service item fits a request, for the items communities commonly offer; other
# items (an admin's own) match by their name's words and two-character pieces.
SERVICE_WORDS: dict[str, tuple[str, ...]] = {
    "政策咨询": ("政策", "咨询", "报销", "申请", "补贴", "手续", "医保", "社保", "养老金", "办理"),
    "代买代办": ("买", "代办", "代缴", "缴费", "取药", "拿药", "开药", "寄", "快递", "银行", "取钱"),
    "理发": ("理发", "头发", "剪发"),
    "家电维修": ("家电", "电视", "冰箱", "洗衣机", "热水器", "空调", "助听器"),
    "陪同就医": ("医院", "就医", "看病", "复查", "复诊", "住院", "陪同", "挂号"),
    "法律咨询": ("法律", "律师", "纠纷", "合同", "起诉", "赔偿", "遗产"),
    "心理疏导": ("心理", "孤单", "孤独", "聊天", "心情", "睡不着", "想不开"),
    "辅导作业": ("作业", "辅导", "功课", "学习"),
    "水电维修": ("水管", "漏水", "爆了", "电路", "插座", "灯泡", "马桶", "跳闸", "停电", "门锁"),
    "手机使用教学": ("手机", "视频", "微信", "健康码", "预约", "网上"),
    "健康咨询": ("血压", "血糖", "体检", "慢性病", "健康"),
    "文艺活动": ("文艺", "唱歌", "跳舞", "演出"),
}
WORKING_HOURS = (8, 18)  # a working member is usually at work between these hours on working days
RATING_VALUE = {Request.Rating.SATISFIED: 1.0, Request.Rating.BASIC: 0.6, Request.Rating.UNSATISFIED: 0.0}


@dataclass
class Recommendation:
    member: Member
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, reason: str) -> None:
        self.score += points
        if reason:
            self.reasons.append(reason)

    @property
    def main_reasons(self) -> str:
        """The first two reasons, as a queue card shows them."""
        return "，".join(self.reasons[:2])


def recommend(request: Request, *, now: datetime | None = None, limit: int | None = None) -> list[Recommendation]:
    """The members who could take this request, best fit first."""
    return recommend_many([request], now=now, limit=limit)[request.pk]


def recommend_many(
    requests: Iterable[Request], *, now: datetime | None = None, limit: int | None = None
) -> dict[int, list[Recommendation]]:
    """Recommendations for several requests (a page of the leader's queue) read together: the
    same queries for one request or fifty."""
    requests = list(requests)
    if not requests:
        return {}
    neighbours = _neighbours({r.building_id for r in requests})
    members = _candidates(requests, neighbours)
    ids = [m.pk for m in members]
    load = (
        dict(
            Request.objects.filter(assignee_id__in=ids, status__in=OPEN)
            .values_list("assignee_id")
            .annotate(n=Count("id"))
        )
        if ids
        else {}
    )
    ratings = recent_ratings(ids)
    history = _history(requests)
    hour_is_work = _working_hour(now or timezone.now())
    # What does not depend on the request, once per member; who may serve, once per place (the same
    # members for every request of a building).
    standing = {}
    for member in members:
        standing[member.pk] = Recommendation(member)
        _availability(standing[member.pk], member, hour_is_work)
        _ratings(standing[member.pk], ratings.get(member.pk))
    serving: dict[tuple, list[Member]] = {}
    found = {}
    for request in requests:
        place = (request.community_id, request.group_id, request.building_id)
        if place not in serving:
            serving[place] = [m for m in members if _may_serve(m, request, neighbours)]
        found[request.pk] = _rank(
            request, serving[place], load, standing, history.get(request.pk, (set(), None)), neighbours
        )[:limit]
    return found


def _rank(
    request: Request,
    members: list[Member],
    load: dict[int, int],
    standing: dict[int, Recommendation],
    history: tuple[set[int], int | None],
    neighbours: dict[int, set[int]],
) -> list[Recommendation]:
    """`standing`: each member's availability and ratings, already weighed."""
    declined_by, scanned = history
    text = f"{request.category_name} {request.description}"
    results = []
    for member in members:
        fit = Recommendation(member)
        _place(fit, member, request, neighbours.get(request.building_id, set()))
        for item in _matching_items(member, text):
            fit.add(2, f"服务项目「{item}」对口")
        in_hand = load.get(member.pk, 0) - (request.assignee_id == member.pk and request.status in OPEN)
        _load(fit, in_hand)
        fit.score += standing[member.pk].score
        fit.reasons += standing[member.pk].reasons
        if member.pk == scanned:
            fit.add(3, "居民扫的是TA的便民联系卡")
        if member.resident_id in declined_by:
            fit.add(-10, "曾退回此单")
        fit.score = round(fit.score, 2)
        results.append(fit)
    results.sort(key=lambda r: (-r.score, r.member.resident.name_pinyin))
    return results


def _building_of(member: Member) -> int | None:
    household = member.resident.household
    return household.stairwell.building_id if household else None


def _may_serve(member: Member, request: Request, neighbours: dict[int, set[int]]) -> bool:
    """The request's group, and members of any group who live in the building (or, when no group
    serves it, in the buildings next to it)."""
    if member.community_id != request.community_id:
        return False
    if request.group_id and member.group_id == request.group_id:
        return True
    home = _building_of(member)
    if member.group_id is None or home is None:
        return False
    return home == request.building_id or (not request.group_id and home in neighbours.get(request.building_id, ()))


def _candidates(requests: list[Request], neighbours: dict[int, set[int]]) -> list[Member]:
    """Every member who may serve one of the requests (filtered per request by _may_serve)."""
    buildings = {r.building_id for r in requests}
    buildings |= {b for r in requests if not r.group_id for b in neighbours.get(r.building_id, ())}
    scope = Q(resident__household__stairwell__building_id__in=buildings, group__isnull=False)
    groups = {r.group_id for r in requests if r.group_id}
    if groups:
        scope |= Q(group_id__in=groups)
    members = list(
        Member.objects.filter(scope, community_id__in={r.community_id for r in requests}).select_related(
            "resident__household__stairwell__building"
        )
    )
    # Their service items' names only (no ServiceItem objects), kept on each member for _matching_items.
    names = {m.pk: [] for m in members}
    offered = Member.service_items.through.objects.filter(member_id__in=names).order_by("serviceitem_id")
    for member_id, name in offered.values_list("member_id", "serviceitem__name"):
        names[member_id].append(name)
    for member in members:
        member._service_item_names = names[member.pk]
    return members


def _place(fit: Recommendation, member: Member, request: Request, neighbours: set[int]) -> None:
    household = member.resident.household
    stairwell = household.stairwell if household else None
    if stairwell is None:
        return
    if request.stairwell_id and stairwell.pk == request.stairwell_id:
        fit.add(3, f"同住{stairwell.name}")
    elif stairwell.building_id == request.building_id:
        fit.add(2, "同住本楼")
    elif stairwell.building_id in neighbours:
        fit.add(1, f"住在相邻的{stairwell.building.name}")


def _matching_items(member: Member, text: str) -> list[str]:
    matched = []
    for name in member._service_item_names:  # set by _candidates
        keys = SERVICE_WORDS.get(name) or _name_pieces(name)
        if name in text or any(key in text for key in keys):
            matched.append(name)
    return matched[:2]


def _name_pieces(name: str) -> tuple[str, ...]:
    return tuple(name[i : i + 2] for i in range(len(name) - 1)) or (name,)


def _load(fit: Recommendation, open_count: int) -> None:
    if open_count == 0:
        fit.add(1, "手头没有在办的单子")
    else:
        fit.add(-open_count, f"手头在办 {open_count} 件")


def _availability(fit: Recommendation, member: Member, hour_is_work: bool) -> None:
    if member.employment == Member.Employment.RETIRED:
        fit.add(1, "已退休，时间较充裕")
    elif member.employment == Member.Employment.WORKING:
        if hour_is_work:
            fit.add(-1, "在职，现在是上班时间")
        else:
            fit.add(0, "在职，现在是下班时间")


def _ratings(fit: Recommendation, counts: Counter | None) -> None:
    if not counts:
        return
    total = sum(counts.values())
    mean = sum(RATING_VALUE[r] * n for r, n in counts.items() if r in RATING_VALUE) / total
    # Few ratings say little: the weight grows with the count up to five.
    fit.add(
        2 * (mean - 0.5) * min(total, 5) / 5,
        "以往评价："
        + "，".join(f"{label}{counts[value]}次" for value, label in Request.Rating.choices if counts[value]),
    )


def _working_hour(moment: datetime) -> bool:
    moment = local(moment)
    return is_workday(moment.date()) and WORKING_HOURS[0] <= moment.hour < WORKING_HOURS[1]


def _neighbours(building_ids: set[int]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {b: set() for b in building_ids}
    pairs = Building.adjacent.through.objects.filter(from_building_id__in=building_ids)
    for building_id, neighbour_id in pairs.values_list("from_building_id", "to_building_id"):
        found[building_id].add(neighbour_id)
    return found


def _history(requests: list[Request]) -> dict[int, tuple[set[int], int | None]]:
    """Per request: who sent it back (resident ids), and the volunteer whose contact card it came
    from (the public form records a 'suggested' event when the QR code was a volunteer's)."""
    found: dict[int, tuple[set[int], int | None]] = {}
    events = RequestEvent.objects.filter(request__in=[r.pk for r in requests], kind__in=["declined", "suggested"])
    for request_id, kind, resident_id, data in events.values_list("request_id", "kind", "actor__resident_id", "data"):
        declined_by, scanned = found.get(request_id, (set(), None))
        if kind == "declined" and resident_id:
            declined_by.add(resident_id)
        elif kind == "suggested" and (data or {}).get("suggested_member_id"):
            scanned = int(data["suggested_member_id"])
        found[request_id] = (declined_by, scanned)
    return found


# A member's ratings change slowly; each app process keeps them for a while rather than reading a
# volunteer's whole history for every card of the queue.
RATINGS_KEPT_SECONDS = 600
RATINGS_PER_MEMBER = 20
_kept_ratings: dict[int, tuple[float, Counter]] = {}


def recent_ratings(member_ids: list[int]) -> dict[int, Counter]:
    """Ratings of each member's last RATINGS_PER_MEMBER closed requests, latest closed first: read by the
    index on (assignee, status) and sorted, never sought backwards through the primary key."""
    now = time.monotonic()
    found = {}
    for member_id in member_ids:
        cached = _kept_ratings.get(member_id)
        if cached is None or now - cached[0] > RATINGS_KEPT_SECONDS:
            closed = (
                Request.objects.filter(assignee_id=member_id, status=Request.Status.CLOSED)
                .order_by("-closed_at")
                .values_list("rating", flat=True)[:RATINGS_PER_MEMBER]
            )
            cached = (now, Counter(r for r in closed if r))
            _kept_ratings[member_id] = cached
        found[member_id] = cached[1]
    return found


def forget_ratings(member_id: int | None = None) -> None:
    if member_id is None:
        _kept_ratings.clear()
    else:
        _kept_ratings.pop(member_id, None)


@receiver(post_save, sender="tickets.Request")
def _forget_on_close(sender: type, instance: Request, **kwargs: object) -> None:
    """A request closed in this process counts at once (other processes see it within minutes)."""
    if instance.assignee_id and instance.status == Request.Status.CLOSED:
        forget_ratings(instance.assignee_id)


@receiver(post_save, sender="registry.Member")
def _forget_new_member(sender: type, instance: Member, created: bool = False, **kwargs: object) -> None:
    if created:
        forget_ratings(instance.pk)
