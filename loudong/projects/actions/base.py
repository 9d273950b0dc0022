"""What the actions of the three lists share: the refusals of bad input, in Chinese."""

from loudong.accounts.models import AuditEntry
from loudong.groups.models import BuildingGroup
from loudong.lib.actions import ActionRefused
from loudong.partners.models import Offer
from loudong.registry.models import Building, Community

Action = AuditEntry.Action
MAX_BENEFICIARIES = 100_000


def clean_text(value: str, what: str, limit: int, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ActionRefused(f"请填写{what}。")
    if len(value) > limit:
        raise ActionRefused(f"{what}最多 {limit} 个字，现在是 {len(value)} 个字。")
    return value


def clean_count(value: int, what: str) -> int:
    if not 0 <= int(value) <= MAX_BENEFICIARIES:
        raise ActionRefused(f"{what}须在 0 到 {MAX_BENEFICIARIES} 之间。")
    return int(value)


def clean_kind(value: str) -> str:
    if value not in Offer.values:
        raise ActionRefused("请选择需要的资源类型。")
    return value


def title_of(text: str) -> str:
    """A need's short title from a longer text: its first line, cut at 40 characters."""
    first = " ".join((text or "").strip().splitlines()[:1]).strip()
    return first if len(first) <= 40 else first[:39] + "…"


def check_place(community: Community, group: BuildingGroup | None, building: Building | None) -> None:
    if group is not None and group.community_id != community.pk:
        raise ActionRefused("所选党小组不在本社区。")
    if building is not None and building.community_id != community.pk:
        raise ActionRefused("所选楼栋不在本社区。")
