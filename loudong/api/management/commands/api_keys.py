"""List a community's Open311 keys, or revoke one (a leaked key, a partner that stopped):

    loudong api_keys --community xihu-xincun
    loudong api_keys --community xihu-xincun --revoke 3

A revoked key is kept (requests it placed still name it) but is refused from then on.
"""

from argparse import ArgumentParser

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.api.models import ApiKey
from loudong.registry.models import Community


def _when(moment: object) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "从未使用"


class Command(BaseCommand):
    help = "列出一个社区的 Open311 接口密钥，或停用其中一个"

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--community", help="社区代码")
        parser.add_argument("--revoke", type=int, metavar="编号", help="停用这个编号的密钥")

    def handle(self, *args: object, **options: object) -> None:
        code = (options.get("community") or "").strip()
        if not code:
            raise CommandError("请提供 --community 社区代码", returncode=2)
        community = Community.objects.filter(code=code).first()
        if community is None:
            raise CommandError(f"没有代码为 {code} 的社区", returncode=2)
        keys = ApiKey.objects.filter(community=community).order_by("pk")
        revoke = options.get("revoke")
        if revoke is not None:
            key = keys.filter(pk=revoke).first()
            if key is None:
                raise CommandError(f"{community.name} 没有编号为 {revoke} 的密钥", returncode=2)
            if key.active:
                key.active = False
                key.save(update_fields=["active"])
                record(
                    None,
                    AuditEntry.Action.UPDATE,
                    key,
                    object_type="apikey",
                    detail={"名称": key.name, "启用": ["是", "否"]},
                )
                self.stdout.write(f"已停用密钥 {key.pk}“{key.name}”，此后用它提交将被拒绝。")
            else:
                self.stdout.write(f"密钥 {key.pk}“{key.name}”早已停用。")
            return
        if not keys:
            self.stdout.write(f"{community.name} 还没有 Open311 密钥。")
            return
        self.stdout.write(f"{community.name} 的 Open311 密钥：")
        for key in keys:
            state = "启用" if key.active else "已停用"
            self.stdout.write(
                f"  {key.pk}  {key.name}  {state}  创建于 {_when(key.created_at)}  最近使用 {_when(key.last_used_at)}"
            )
