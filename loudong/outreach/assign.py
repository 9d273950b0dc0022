"""The proposal of who visits which household (包户), as a pure function of places and people.

Balance is built into the shape of the problem, not weighed against distance:
1. care-tagged households (独居老人, 高龄, ...) are shared first, so each volunteer gets
   floor(C/k) or ceil(C/k) of them;
2. the other households then fill each volunteer up to floor(N/k) or ceil(N/k) in all.
Each stage is a minimum-cost assignment (scipy's linear_sum_assignment, the Hungarian method)
of households to capacity slots: every volunteer has `floor` mandatory slots and at most one
optional slot that carries a penalty larger than any saving in distance, so the solver fills as
few optional slots as the count forces. Both stages always have a solution (see `_other_slots`).

Within those counts, distance decides: the volunteer's own stairwell, then their building, then
the nearest stairwell on the site plan; a small bonus keeps a household with whoever has it now,
so a new proposal after a member joins moves few households.
"""

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from loudong.lib.actions import ActionRefused

SAME_BUILDING = 100.0  # metres-equivalent added for another stairwell of the same building
ELSEWHERE = 1000.0  # added for another building: a nearer building never beats one's own
NO_HOME = 1500.0  # a member whose home is not on the site plan: equally far from everything
KEEP_BONUS = 30.0  # taken off for the volunteer who has the household now


@dataclass(frozen=True)
class Place:
    stairwell_id: int
    building_id: int
    x: float
    y: float


@dataclass(frozen=True)
class HouseholdSpot:
    id: int
    place: Place
    care: bool = False
    current: int | None = None  # the member who has it now, if any


@dataclass(frozen=True)
class VolunteerSpot:
    id: int
    home: Place | None  # the member's own stairwell, None when unknown


def cost(household: HouseholdSpot, volunteer: VolunteerSpot) -> float:
    home, place = volunteer.home, household.place
    if home is None:
        value = NO_HOME
    elif home.stairwell_id == place.stairwell_id:
        value = 0.0
    else:
        distance = math.hypot(home.x - place.x, home.y - place.y)
        value = distance + (SAME_BUILDING if home.building_id == place.building_id else ELSEWHERE)
    return value - (KEEP_BONUS if household.current == volunteer.id else 0.0)


def propose(households: Sequence[HouseholdSpot], volunteers: Sequence[VolunteerSpot]) -> dict[int, int]:
    """{household id: volunteer id} for every household, balanced in total and in care-tagged ones."""
    if not households:
        return {}
    if not volunteers:
        raise ActionRefused("这个党小组还没有党员，无法分配包户。")
    households = sorted(households, key=lambda h: h.id)
    volunteers = sorted(volunteers, key=lambda v: v.id)
    k = len(volunteers)
    care = [h for h in households if h.care]
    others = [h for h in households if not h.care]

    floor_care, extra_care = divmod(len(care), k)
    result = _fill(care, volunteers, [floor_care] * k, [1 if extra_care else 0] * k)
    held = Counter(result.values())
    mandatory, optional = _other_slots(len(households), [held[v.id] for v in volunteers])
    result.update(_fill(others, volunteers, mandatory, optional))
    return result


def _other_slots(total: int, care_counts: list[int]) -> tuple[list[int], list[int]]:
    """Slots for the households without care tags, so that totals end at q or q + 1 (q = total // k).

    A volunteer already holding q + 1 care households gets no slot. This happens only when
    q = floor(C/k), and then at most C mod k <= total mod k volunteers are in that state, so the
    mandatory slots never outnumber the households left and enough optional slots remain.
    """
    q = total // len(care_counts)
    mandatory = [max(0, q - held) for held in care_counts]
    optional = [1 if held <= q else 0 for held in care_counts]
    return mandatory, optional


def _fill(
    rows: list[HouseholdSpot], volunteers: Sequence[VolunteerSpot], mandatory: list[int], optional: list[int]
) -> dict[int, int]:
    if not rows:
        return {}
    import numpy as np  # numpy and scipy (about 55 MiB) load when households are assigned
    from scipy.optimize import linear_sum_assignment

    base = np.array([[cost(h, v) for v in volunteers] for h in rows], dtype=float)
    # An optional slot costs more than any rearrangement of the rows could save.
    penalty = (base.max() - base.min()) * len(rows) + 1.0
    owners = np.repeat(np.arange(len(volunteers)), np.array(mandatory) + np.array(optional))
    extra = np.concatenate([np.r_[np.zeros(m), np.full(o, penalty)] for m, o in zip(mandatory, optional, strict=True)])
    matrix = base[:, owners] + extra
    row_index, column_index = linear_sum_assignment(matrix)
    return {rows[r].id: volunteers[owners[c]].id for r, c in zip(row_index, column_index, strict=True)}


def spread(
    mapping: dict[int, int], households: Sequence[HouseholdSpot], volunteers: Sequence[VolunteerSpot]
) -> dict[int, tuple[int, int]]:
    """{volunteer id: (households, care-tagged households)} including volunteers with none."""
    care = {h.id for h in households if h.care}
    counts = {v.id: [0, 0] for v in volunteers}
    for household, volunteer in mapping.items():
        if volunteer in counts:
            counts[volunteer][0] += 1
            counts[volunteer][1] += household in care
    return {v: (n, c) for v, (n, c) in counts.items()}
