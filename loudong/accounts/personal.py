"""The accounts' part of a person's data (see loudong.lib.personal): their login account and the
audit entries about them.

Audit entries cannot be changed and never held the person's name, phone or ID number (they hold
pseudonyms, loudong.accounts.audit); erasing deletes the pseudonyms' values, so the entries keep
their pseudonym only. A staff role blocks the erasure until it is taken back."""

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db.models import Q

from loudong.accounts.audit import forget, names_for, shown_text
from loudong.accounts.models import ApiToken, AuditEntry, AuditName, Grant, Role, User
from loudong.lib.personal import ERASED_NAME, Contribution, Person, Sheet, register


def _user(person: Person) -> User | None:
    return User.objects.filter(pk=person.user_id).first() if person.user_id else None


def audit_entries(person: Person) -> list[AuditEntry]:
    """Entries about the person: about their record or member record, or naming them by pseudonym."""
    found = Q(pk__in=[])
    if person.resident_id:
        found |= Q(object_type="resident", object_id=str(person.resident_id))
        tokens = AuditName.objects.filter(resident_id=person.resident_id).values_list("token", flat=True)
        for token in tokens:
            found |= Q(object_repr__contains=token)
    if person.member_id:
        found |= Q(object_type="member", object_id=str(person.member_id))
    return list(AuditEntry.objects.filter(found, community_id=person.community_id).order_by("at", "id")[:5000])


def export(person: Person) -> list[Sheet]:
    sheets = []
    user = _user(person)
    if user is not None:
        roles = "、".join(str(g) for g in user.grants.all())
        sheets.append(
            Sheet(
                "账号",
                ["用户名", "姓名", "角色", "注册时间", "最近登录"],
                [[user.username, str(user), roles, user.date_joined, user.last_login]],
            )
        )
    entries = audit_entries(person)
    names = names_for(entries)
    sheets.append(
        Sheet(
            "关于我的审计日志",
            ["时间", "操作人", "操作", "对象"],
            [
                [e.at, shown_text(e.actor_name, names), e.get_action_display(), shown_text(e.object_repr, names)]
                for e in entries
            ],
        )
    )
    return sheets


def blockers(person: Person) -> list[str]:
    user = _user(person)
    if user is None:
        return []
    roles = [g for g in user.grants.all() if g.role != Role.RESIDENT]
    if roles:
        held = "、".join(str(g) for g in roles)
        return [f"他的账号「{user.username}」还担任{held}：先收回这些角色"]
    return []


def erase(person: Person) -> None:
    user = _user(person)
    if user is not None:
        # The login records keep the username tried (a phone, often): theirs go with the account.
        for record_model in (AccessAttempt, AccessLog, AccessFailureLog):
            record_model.objects.filter(username=user.username).delete()
        user.username = f"erased-{user.pk}"
        user.display_name, user.first_name, user.last_name, user.email = ERASED_NAME, "", "", ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        Grant.objects.filter(user=user).delete()
        ApiToken.objects.filter(user=user).delete()
    if person.resident_id:
        forget(person.resident_id, person.values())


def connect() -> None:
    register(Contribution("accounts", order=90, export=export, erase=erase, blockers=blockers))
