"""`loudong demo`: build (or rebuild) the demo community and print its logins."""

import time

from django.core.management.base import BaseCommand

from loudong.demo.build import build_demo, summary_lines
from loudong.demo.logins import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "建立演示社区（石鼓区青山街道西湖新村社区）和各角色的演示账号；重复运行得到同样的数据。"
    # `loudong migrate`, run just before, has checked the project; loading every URL again costs seconds.
    requires_system_checks: list[str] = []

    def handle(self, *args: object, **options: object) -> None:
        started = time.monotonic()
        site = build_demo()
        elapsed = time.monotonic() - started
        self.stdout.write(f"演示数据已建好（用时 {elapsed:.1f} 秒）：")
        for line in summary_lines(site):
            self.stdout.write(line)
        self.stdout.write("")
        self.stdout.write(f"演示账号（密码都是 {DEMO_PASSWORD}）：")
        width = max(len(username) for username, _ in DEMO_ACCOUNTS)
        for username, role in DEMO_ACCOUNTS:
            name = site.users[username].display_name
            self.stdout.write(f"  {username.ljust(width)}  {DEMO_PASSWORD}  {role} · {name}")
