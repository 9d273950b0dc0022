"""Reset a user's two-factor login (lost phone, no recovery codes left) from the server:
    loudong reset_two_factor wang

A community admin does this on the 两步验证 page for the people of their community; this command is
for an overseer (who holds no community role) or a community's only admin. Audited as the system.
"""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from loudong.accounts import two_factor
from loudong.accounts.models import User
from loudong.lib.actions import ActionRefused


class Command(BaseCommand):
    help = "重置用户的两步验证（手机丢失且没有恢复码时）：旧手机和恢复码作废，下次登录重新绑定"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="用户名")

    def handle(self, *args: object, username: str, **options: object) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为 {username} 的账号", returncode=2)
        try:
            two_factor.reset_by_operator(user)
        except ActionRefused as refused:
            raise CommandError(refused.message, returncode=2) from refused
        self.stdout.write(
            f"已重置 {user}（{username}）的两步验证：旧手机上的验证码和恢复码都已作废，下次登录时重新绑定手机。"
        )
