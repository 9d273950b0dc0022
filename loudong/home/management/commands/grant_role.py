"""Give a user a role over a community, a group or an area; create the user if asked.

A new deployment creates its first community admin with it:
    loudong grant_role wang --role admin --community xihu-xincun --create --password '...' --name 王书记
"""

from argparse import ArgumentParser

from axes.utils import reset as reset_attempts
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry, Grant, Role, User
from loudong.accounts.passwords import password_problems
from loudong.accounts.signals import password_changed
from loudong.groups.models import BuildingGroup
from loudong.registry.models import Community, District, Subdistrict

# Which scope option each role takes.
SCOPES = {
    Role.ADMIN: ("community",),
    Role.RESIDENT: ("community",),
    Role.LEADER: ("group",),
    Role.VOLUNTEER: ("group",),
    Role.OVERSEER: ("subdistrict", "district"),
}
OPTION_NAMES = {
    "community": "--community 社区代码",
    "group": "--group 党小组编号",
    "subdistrict": "--subdistrict 街道代码",
    "district": "--district 区代码",
}


def bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "为用户授予角色（社区管理员、楼栋党小组组长、党员志愿者、居民或街道/区只读），可同时新建用户"

    def add_arguments(self, parser: ArgumentParser) -> None:
        # Checked in handle() rather than by argparse, so that mistakes are explained in Chinese.
        parser.add_argument("username", nargs="?", help="用户名")
        parser.add_argument("--role", help="admin | leader | volunteer | resident | overseer")
        parser.add_argument("--community", help="社区代码（admin、resident）")
        parser.add_argument("--group", help="楼栋党小组编号（leader、volunteer）")
        parser.add_argument("--subdistrict", help="街道代码（overseer）")
        parser.add_argument("--district", help="区代码（overseer）")
        parser.add_argument("--create", action="store_true", help="用户不存在时新建")
        parser.add_argument("--password", help="新用户的密码，或为已有用户重设密码")
        parser.add_argument("--name", help="姓名（显示名）")

    def handle(self, *args: object, **options: object) -> None:
        username = (options["username"] or "").strip()
        if not username:
            raise bad("请写明用户名，例如：loudong grant_role wang --role admin --community xihu-xincun")
        role = options["role"] or ""
        if role not in SCOPES:
            raise bad("--role 必须是 admin、leader、volunteer、resident、overseer 之一")
        scope = self.scope(role, options)

        user = User.objects.filter(username=username).first()
        password = options["password"]
        if user is None and not options["create"]:
            raise bad(f"用户 {username} 不存在；要新建用户，请加上 --create 和 --password")
        if user is None and not password:
            raise bad("新建用户时必须用 --password 设置密码")
        candidate = user or User(username=username, display_name=options["name"] or "")
        if password and (problems := password_problems(password, candidate)):
            raise bad("密码不合格：" + "；".join(problems))

        with transaction.atomic():
            created = user is None
            user = candidate
            if options["name"]:
                user.display_name = options["name"]
            if password:
                user.set_password(password)
            user.save()
            # A new password also lifts a lockout: the admin who reset it has checked who is asking.
            unlocked = reset_attempts(username=username) if password and not created else 0
            grant, new_grant = Grant.objects.get_or_create(user=user, role=role, **scope)
            community_id = grant.community_id
            if created:
                record(None, AuditEntry.Action.CREATE, user, community_id=community_id, object_type="user")
            elif password:
                # What ends with the old password (the API tokens) ends now too.
                password_changed.send(sender=User, user=user, request=None)
            if new_grant:
                record(None, AuditEntry.Action.CREATE, grant, community_id=community_id, object_type="grant")

        if created:
            self.stdout.write(f"已新建用户 {username}")
        elif password:
            self.stdout.write(f"已为 {username} 重设密码" + ("，并解除了登录锁定" if unlocked else ""))
        if new_grant:
            self.stdout.write(f"已授予 {user}（{username}）：{grant}")
        else:
            self.stdout.write(f"{user}（{username}）已有这个角色：{grant}，未重复添加")

    def scope(self, role: str, options: dict) -> dict:
        """The grant's scope fields, found from the one scope option the role takes."""
        given = [name for name in OPTION_NAMES if options[name]]
        allowed = SCOPES[role]
        wanted = " 或 ".join(OPTION_NAMES[name] for name in allowed)
        if len(given) != 1 or given[0] not in allowed:
            raise bad(f"角色 {role} 需要且只能用 {wanted} 指定范围")
        name, value = given[0], options[given[0]].strip()
        if name == "community":
            community = Community.objects.filter(code=value).first()
            if community is None:
                raise bad(f"找不到社区代码 {value}")
            return {"community": community}
        if name == "group":
            group = BuildingGroup.objects.filter(pk=int(value)).first() if value.isdigit() else None
            if group is None:
                raise bad(f"找不到编号为 {value} 的楼栋党小组")
            return {"community_id": group.community_id, "group": group}
        model = Subdistrict if name == "subdistrict" else District
        place = model.objects.filter(code=value).first()
        if place is None:
            raise bad(f"找不到{'街道' if name == 'subdistrict' else '区'}代码 {value}")
        return {name: place}
