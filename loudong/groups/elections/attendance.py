"""Meeting attendance for the 建议名单, heard from the layer that records meetings.

Meetings live in `loudong.community_life.meetings`, above this package, so the elections cannot
read them directly: the meetings app registers a provider here when it loads (its AppConfig.ready),
and `meeting_tally` asks every registered provider. With none registered (meetings not installed),
the tally is None and the proposed list says that attendance is not recorded.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from loudong.registry.models import Member


@dataclass(frozen=True)
class MeetingTally:
    held: int  # meetings of the member's group held in the period
    attended: int  # of those, the ones the member attended


# provider(member, first day, last day) -> the member's tally for that period (Shanghai dates, both included)
AttendanceProvider = Callable[[Member, date, date], MeetingTally]

_providers: list[AttendanceProvider] = []


def register(provider: AttendanceProvider) -> None:
    """Called by an app that records meetings, once, when it loads; registering again is harmless."""
    if provider not in _providers:
        _providers.append(provider)


def meeting_tally(member: Member, start: date, end: date) -> MeetingTally | None:
    """The member's group meetings held and attended between `start` and `end`; None with no provider."""
    if not _providers:
        return None
    tallies = [provider(member, start, end) for provider in _providers]
    return MeetingTally(sum(t.held for t in tallies), sum(t.attended for t in tallies))
