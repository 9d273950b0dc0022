"""Setting a new community up with the policy's defaults."""

from loudong.policy.models import current_rules
from loudong.registry.models import CareTag, Community


def add_care_tags(community: Community) -> str:
    """The care tags the default policy sets visit intervals for, so forms have them from day one."""
    tags = list(current_rules(community.pk).visit_days_by_care_tag)
    CareTag.objects.bulk_create(CareTag(community=community, name=tag) for tag in tags)
    return f"已添加关爱标签：{'、'.join(tags)}"
