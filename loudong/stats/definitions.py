"""Every figure and rate, defined once: its key, its Chinese label, the sentence shown next to it,
and the filter (a Q on Request) that selects the requests behind it. The count on a dashboard and
the list behind it are built from the same Q, so they cannot disagree.

How requests are counted (decided here; the sentences below say it to readers):
- Cohort by collection day. A period's figures are about the requests *collected* in it: placed
  from Shanghai midnight of the first day to Shanghai midnight after the last (loudong.stats.period).
  What has happened to them since is counted up to the moment the figures are computed, so a request
  collected on 31 January and resolved on 2 February counts as resolved in January's figures, and
  January's figures can still grow while its requests are being worked on.
- Each request counts at most once per figure. "Ever" figures read columns the workflow sets once
  and never clears: `dispatched_at` (派单; a decline keeps it, a re-dispatch rewrites it),
  `escalate_reason` (吹哨). So a reopened, re-dispatched or declined request is counted once.
- 接单 reads `accepted_at`: a volunteer took it and it was not given back afterwards (a decline
  clears it; taken again later, it counts again).
- 办结 is the current state: status 待确认 or 已办结. A reopened request (the resident said it is not
  solved) is being worked on again and does not count as resolved until it is resolved again;
  online / offline is the way of its latest resolution.
- A merged duplicate counts as collected and merged, never as accepted or resolved (the request it
  joined is counted). A rejected one (不予受理) likewise.
- 确认: the resident confirmed the latest resolution (rated it after it was resolved and it closed).
  A request closed automatically after 3 days without a rating is resolved but not confirmed.
- 评价: the request carries a rating; a resident's latest rating counts (a 不满意 that reopened the
  request counts as 不满意 until the resident rates again).
- 超期: resolved after its deadline (`due_at`, after extensions and pauses), or still running past it
  now. A request waiting for the resident's answer is paused and not overdue.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, Q

from loudong.tickets.models import RUNNING, Request, Status

RESOLVED_STATUSES = (Status.RESOLVED, Status.CLOSED)
OUT_OF_WORKFLOW = (Status.REJECTED, Status.MERGED)


@dataclass(frozen=True)
class Definition:
    key: str
    label: str
    text: str
    build: Callable[[datetime], Q]
    in_period: bool = True  # False: a count of the scope now, whatever the period

    def q(self, now: datetime) -> Q:
        return self.build(now)


def _always(q: Q) -> Callable[[datetime], Q]:
    return lambda now: q


Q_RESOLVED = Q(status__in=RESOLVED_STATUSES)
Q_DISPATCHED = Q(dispatched_at__isnull=False)
Q_TAKEN = Q(accepted_at__isnull=False)
Q_ESCALATED = ~Q(escalate_reason="")
Q_CONFIRMED = Q(status=Status.CLOSED, rated_at__isnull=False, resolved_at__isnull=False, rated_at__gte=F("resolved_at"))
Q_RATED = ~Q(rating="")
Q_IN_WORKFLOW = ~Q(status__in=OUT_OF_WORKFLOW)


def q_running_late(now: datetime) -> Q:
    return Q(status__in=RUNNING, due_at__lte=now)


def q_overdue(now: datetime) -> Q:
    return (Q_RESOLVED & Q(due_at__isnull=False, resolved_at__gt=F("due_at"))) | q_running_late(now)


def q_response_decided(now: datetime) -> Q:
    return Q_DISPATCHED & Q_IN_WORKFLOW & (Q_TAKEN | Q(response_due_at__lte=now))


def q_due_by_now(now: datetime) -> Q:
    return Q_RESOLVED | q_running_late(now)


FUNNEL = (
    Definition(
        "collected",
        "收集",
        ("统计期间内收集的全部点单（按点单时间的北京时间日期计入），含扫码、敲门问需、议事会、电话等各种来源。"),
        _always(Q()),
    ),
    Definition(
        "accepted",
        "受理",
        "已由党小组派单或上报社区接手办理的点单；不含不予受理和合并的。",
        _always((Q_DISPATCHED | Q_ESCALATED) & Q_IN_WORKFLOW),
    ),
    Definition(
        "dispatched",
        "派单",
        "派给过志愿者的点单，每件只算一次（退回后重新派单、重新办理的不重复计算）。",
        _always(Q_DISPATCHED),
    ),
    Definition("taken", "接单", "有志愿者接单办理的点单；志愿者接单后又退回、之后没人再接的不算。", _always(Q_TAKEN)),
    Definition(
        "resolved",
        "办结",
        "已办理完毕的点单（待居民确认或已办结）；被居民要求重新办理、正在重办的不算。",
        _always(Q_RESOLVED),
    ),
    Definition(
        "resolved_online",
        "线上答疑",
        "办结的点单中，最近一次以线上答疑方式办理的。",
        _always(Q_RESOLVED & Q(resolution=Request.Resolution.ONLINE)),
    ),
    Definition(
        "resolved_offline",
        "线下跑腿",
        "办结的点单中，最近一次以线下跑腿方式办理的。",
        _always(Q_RESOLVED & Q(resolution=Request.Resolution.OFFLINE)),
    ),
    Definition(
        "confirmed",
        "确认",
        "居民对最近一次办理结果作了确认评价的点单；3 天未评价自动办结的不算。",
        _always(Q_CONFIRMED),
    ),
    Definition(
        "rated", "评价", "居民作过评价的点单，以最近一次评价为准（含评价不满意后重新办理的）。", _always(Q_RATED)
    ),
    Definition(
        "rejected",
        "不予受理",
        "经组长或社区审核不予受理的点单（已向居民说明原因）。",
        _always(Q(status=Status.REJECTED)),
    ),
    Definition(
        "merged",
        "合并",
        "与同一问题的另一件点单合并办理的重复点单，只计收集和合并，不计办结。",
        _always(Q(status=Status.MERGED)),
    ),
    Definition("escalated", "吹哨", "党小组解决不了、上报社区（吹哨）的点单，每件只算一次。", _always(Q_ESCALATED)),
    Definition(
        "overdue",
        "超期",
        ("超过办结期限才办结，或现在仍未办结且已过期限的点单（延期、暂停后以新期限为准；等待居民补充期间暂停计时）。"),
        q_overdue,
    ),
)

NOW = (
    Definition(
        "open_now",
        "在办",
        ("现在还没有办结的点单（待派单、待接单、办理中、等待居民补充、已上报社区），不论何时收集。"),
        _always(Q(status__in=(*RUNNING, Status.WAITING))),
        in_period=False,
    ),
    Definition(
        "overdue_now", "现超期", "现在仍未办结且已超过办结期限的点单，不论何时收集。", q_running_late, in_period=False
    ),
)


@dataclass(frozen=True)
class RateDefinition:
    key: str
    label: str
    text: str
    numerator: Definition
    denominator: Definition


def _rate(
    key: str,
    label: str,
    text: str,
    num_label: str,
    num_text: str,
    num: Callable[[datetime], Q],
    den_label: str,
    den_text: str,
    den: Callable[[datetime], Q],
) -> RateDefinition:
    # The numerator always lies inside the denominator: its Q is the denominator's, narrowed.
    return RateDefinition(
        key,
        label,
        text,
        Definition(f"{key}.num", num_label, num_text, lambda now: den(now) & num(now)),
        Definition(f"{key}.den", den_label, den_text, den),
    )


RATES = (
    _rate(
        "response_rate",
        "响应率",
        "在响应时限内接单的点单占应响应点单的比例。应响应：派过单、未不予受理或合并，且已接单或已过响应时限的（还在时限内待接单的暂不计入）。",
        "按时响应",
        "在响应时限内（最近一次派单起算）接单的点单。",
        lambda now: Q_TAKEN & Q(response_due_at__isnull=False, accepted_at__lte=F("response_due_at")),
        "应响应",
        "派过单、未不予受理或合并，且已接单或已过响应时限的点单。",
        q_response_decided,
    ),
    _rate(
        "on_time_rate",
        "按期办结率",
        "在办结期限内办结的点单占应办结点单的比例。应办结：已办结的，加上现在仍未办结且已过期限的。",
        "按期办结",
        "在办结期限（含延期）内办结的点单。",
        lambda now: Q_RESOLVED & (Q(due_at__isnull=True) | Q(resolved_at__lte=F("due_at"))),
        "应办结",
        "已办结的点单，加上现在仍未办结且已过期限的点单。",
        q_due_by_now,
    ),
    _rate(
        "satisfaction_rate",
        "满意率",
        "评价为满意或基本满意的点单占已评价点单的比例（以居民最近一次评价为准）。",
        "满意和基本满意",
        "居民最近一次评价为满意或基本满意的点单。",
        lambda now: Q(rating__in=(Request.Rating.SATISFIED, Request.Rating.BASIC)),
        "已评价",
        "居民作过评价的点单。",
        _always(Q_RATED),
    ),
    _rate(
        "followup_rate",
        "回访率",
        "居民确认并评价了办理结果的点单占办结点单的比例（3 天未评价自动办结的算未回访）。",
        "已回访",
        "居民对最近一次办理结果作了确认评价的点单。",
        _always(Q_CONFIRMED),
        "办结",
        "已办理完毕的点单（待居民确认或已办结）。",
        _always(Q_RESOLVED),
    ),
)

FIGURES: dict[str, Definition] = {d.key: d for d in (*FUNNEL, *NOW)}
RATE_DEFINITIONS: dict[str, RateDefinition] = {r.key: r for r in RATES}
# Every set of records behind a number on a page: figures, and each rate's numerator and denominator.
RECORD_SETS: dict[str, Definition] = {
    **FIGURES,
    **{r.numerator.key: r.numerator for r in RATES},
    **{r.denominator.key: r.denominator for r in RATES},
}

# The columns of every breakdown table (by category, building, group, volunteer).
BREAKDOWN_FIGURES = ("collected", "resolved", "overdue")
