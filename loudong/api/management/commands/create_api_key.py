"""Create an Open311 key for a client placing requests in one community (e.g. the city's 12345 hotline):

    loudong create_api_key --community xihu --name 12345热线

The key is printed once, alone on the last line; only its hash is kept.
"""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.api.models import ApiKey
from loudong.registry.models import Community


class Command(BaseCommand):
    help = "为 Open311 接口（如 12345 热线转办）新建一个密钥，密钥只显示这一次"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--community", help="社区代码")
        parser.add_argument("--name", help="密钥名称，如 12345热线")

    def handle(self, *args: object, **options: object) -> None:
        code = (options.get("community") or "").strip()
        name = (options.get("name") or "").strip()
        if not code or not name:
            raise CommandError("请同时提供 --community 社区代码 和 --name 密钥名称", returncode=2)
        if len(name) > 80:
            raise CommandError("密钥名称太长，最多 80 个字", returncode=2)
        community = Community.objects.filter(code=code).first()
        if community is None:
            raise CommandError(f"没有代码为 {code} 的社区", returncode=2)
        api_key, raw = ApiKey.issue(community, name)
        record(None, AuditEntry.Action.CREATE, api_key, object_type="apikey", detail={"名称": name})
        self.stdout.write(f"已为 {community.name} 新建 Open311 密钥“{name}”。请妥善保存，它只显示这一次：")
        self.stdout.write(raw)
