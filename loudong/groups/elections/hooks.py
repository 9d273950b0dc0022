"""What the elections' 建议名单 asks of the layers above groups (see loudong.lib.hooks).

A candidate's record includes the meetings they attended (recorded in community_life) and the
requests they resolved (in tickets), both above this package: each of those apps connects a
receiver from its AppConfig.ready(), and the proposal reads the sum of their answers. With no
receiver for meetings (meetings not installed) the tally is None and the list says attendance is
not recorded.
"""

from dataclasses import dataclass
from datetime import date

from loudong.lib.hooks import Hook
from loudong.registry.models import Member


@dataclass(frozen=True)
class MeetingTally:
    held: int  # meetings of the member's group held in the period
    attended: int  # of those, the ones the member attended


@dataclass(frozen=True)
class ServiceTally:
    resolved: int  # requests the member resolved (待确认 or 已办结)
    satisfied: int  # of those, the ones the resident rated 满意


meetings_attended = Hook(
    "send(member, start, end): a MeetingTally of the member's group meetings held between the Shanghai "
    "dates start and end (both included) and how many of them the member attended."
)
requests_done = Hook(
    "send(member, on): a ServiceTally of the requests the member resolved up to the Shanghai date `on` "
    "(None: up to now) and how many of them the resident rated 满意."
)


def meeting_tally(member: Member, start: date, end: date) -> MeetingTally | None:
    tallies = meetings_attended.send(member, start, end)
    if not tallies:
        return None
    return MeetingTally(sum(t.held for t in tallies), sum(t.attended for t in tallies))


def service_tally(member: Member, on: date | None = None) -> ServiceTally:
    tallies = requests_done.send(member, on)
    return ServiceTally(sum(t.resolved for t in tallies), sum(t.satisfied for t in tallies))
