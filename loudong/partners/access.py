"""Who sees and does what in 双报到, built on the grants (loudong.accounts.access).

- Partner units: every staff role of the community (admin, leader, volunteer) reads the register,
  phones masked; the admin registers and edits units, sees a full phone (audited) and opens the
  agreements' documents.
- Reports-in (报到) and the quarterly evaluations and feedback sheets: the admin.
- Posts: staff read the community's posts; the admin publishes them; a member claims one for
  themselves (a post of a group only when they are in that group); a leader sees the holders of
  their groups' posts and of the posts their members hold. Nobody is ranked.
Anything outside this is not found (404).
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from loudong.accounts.access import NOTHING, STAFF_ROLES, is_admin, led_group_ids
from loudong.accounts.models import Role, User
from loudong.partners.models import PartnerAgreement, PartnerUnit, Post, PostClaim, ReportIn
from loudong.registry.access import community_for, own_member
from loudong.registry.models import Community, Member


def staff_community(request: HttpRequest, code: str) -> Community:
    """Units and posts: admin, leader, volunteer."""
    return community_for(request.user, code, STAFF_ROLES)


def admin_community(request: HttpRequest, code: str) -> Community:
    """Reports-in, editing units and posts, evaluations, feedback sheets: the admin."""
    return community_for(request.user, code, {Role.ADMIN})


def visible_units(user: User, community: Community) -> QuerySet[PartnerUnit]:
    if not user.roles_in(community.pk) & STAFF_ROLES:
        return PartnerUnit.objects.none()
    return PartnerUnit.objects.filter(community=community)


def may_manage(user: User, community: Community) -> bool:
    """Registers units, publishes posts, confirms reports-in, opens agreements and full phones."""
    return is_admin(user, community)


def visible_agreements(user: User, community: Community) -> QuerySet[PartnerAgreement]:
    if not may_manage(user, community):
        return PartnerAgreement.objects.none()
    return PartnerAgreement.objects.filter(community=community, unit__community=community)


def visible_report_ins(user: User, community: Community) -> QuerySet[ReportIn]:
    if not may_manage(user, community):
        return ReportIn.objects.none()
    return ReportIn.objects.filter(community=community)


def visible_posts(user: User, community: Community) -> QuerySet[Post]:
    """The admin: every post; other staff: the published ones."""
    if not user.roles_in(community.pk) & STAFF_ROLES:
        return Post.objects.none()
    posts = Post.objects.filter(community=community)
    return posts if may_manage(user, community) else posts.filter(active=True)


def claiming_member(user: User, community: Community) -> Member | None:
    """The member record the user claims posts as (staff only)."""
    if not user.roles_in(community.pk) & STAFF_ROLES:
        return None
    return own_member(user, community)


def may_claim(member: Member | None, post: Post) -> bool:
    return member is not None and post.active and post.group_id in (None, member.group_id)


def visible_holders(user: User, community: Community) -> QuerySet[PostClaim]:
    """Current holders the user may see by name: all for the admin; a leader, those of their
    groups' posts and their groups' members; anyone, themselves."""
    scope = NOTHING
    if may_manage(user, community):
        scope = Q(post__community=community)
    else:
        led = led_group_ids(user, community)
        if led:
            scope |= Q(post__group_id__in=led) | Q(member__group_id__in=led)
        member = own_member(user, community)
        if member is not None:
            scope |= Q(member=member)
    return PostClaim.objects.holding().filter(scope, post__community=community)


def may_see_holders(user: User, community: Community) -> bool:
    return may_manage(user, community) or bool(led_group_ids(user, community))
