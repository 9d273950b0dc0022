"""Create a community, with its district and subdistrict when they are new.

A new deployment starts with it, then gives the community its first admin:
    loudong create_community --district 石鼓区 --subdistrict 青山街道 --name 西湖新村社区 --code xihu
    loudong grant_role wang --role admin --community xihu --create --password '...'

Run again with the same code, it reports that the community exists and changes nothing.
"""

import re
from argparse import ArgumentParser

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug
from django.db import models, transaction

from loudong.accounts.audit import record
from loudong.accounts.models import AuditEntry
from loudong.lib.identity import clean_text
from loudong.lib.pinyin import name_keys
from loudong.registry.hooks import community_created
from loudong.registry.models import Community, District, Subdistrict

REQUIRED = (
    ("district", "--district 区名"),
    ("subdistrict", "--subdistrict 街道名"),
    ("name", "--name 社区名"),
    ("code", "--code 社区代码"),
)
CODE_RULE = "只能用英文字母、数字、短横线（-）和下划线（_），如 xihu-xincun"


def bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def code_from_name(name: str, suffixes: tuple[str, ...]) -> str:
    """石鼓区 -> shigu: the name's pinyin without its administrative suffix."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name.removesuffix(suffix)
            break
    letters = name_keys(name)[0]
    return re.sub(r"[^a-z0-9]+", "", letters)[:40]


def unused_code(model: type[models.Model], base: str, fallback: str) -> str:
    base = base or fallback
    code, n = base, 2
    while model.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


class Command(BaseCommand):
    help = "新建社区（区、街道不存在时一并新建）；同一社区代码重复运行不会重复创建"

    def add_arguments(self, parser: ArgumentParser) -> None:
        # Checked in handle() rather than by argparse, so that mistakes are explained in Chinese.
        parser.add_argument("--district", help="区的名称，如 石鼓区")
        parser.add_argument("--subdistrict", help="街道的名称，如 青山街道")
        parser.add_argument("--name", help="社区的名称，如 西湖新村社区")
        parser.add_argument("--code", help="社区代码，用在网址里，如 xihu-xincun")
        parser.add_argument("--district-code", help="区代码，如 shigu；不填时按区名的拼音生成")
        parser.add_argument("--subdistrict-code", help="街道代码，如 qingshan；不填时按街道名的拼音生成")

    def handle(self, *args: object, **options: object) -> None:
        given = {key: clean_text(options[key]) for key in ("district", "subdistrict", "name", "code")}
        missing = [flag for key, flag in REQUIRED if not given[key]]
        if missing:
            raise bad("缺少：" + "、".join(missing) + "。例如：loudong create_community --district 石鼓区 "
                      "--subdistrict 青山街道 --name 西湖新村社区 --code xihu-xincun")  # fmt: skip
        district_code = clean_text(options["district_code"])
        subdistrict_code = clean_text(options["subdistrict_code"])
        for label, code in (("社区代码", given["code"]), ("区代码", district_code), ("街道代码", subdistrict_code)):
            self.check_code(label, code)
        for label, key, limit in (("区名", "district", 50), ("街道名", "subdistrict", 50), ("社区名", "name", 50)):
            if len(given[key]) > limit:
                raise bad(f"{label}太长，最多 {limit} 个字")

        existing = Community.objects.filter(code=given["code"]).select_related("subdistrict__district").first()
        if existing is not None:
            self.report_existing(existing, given)
            return
        with transaction.atomic():
            district, new_district = self.district(given["district"], district_code)
            subdistrict, new_subdistrict = self.subdistrict(district, given["subdistrict"], subdistrict_code)
            twin = Community.objects.filter(subdistrict=subdistrict, name=given["name"]).first()
            if twin is not None:
                raise bad(f"{subdistrict.name}已有名为“{twin.name}”的社区（代码 {twin.code}），没有重复创建")
            community = Community.objects.create(subdistrict=subdistrict, name=given["name"], code=given["code"])
            said = [line for line in community_created.send(community) if line]
            for obj, made in ((district, new_district), (subdistrict, new_subdistrict), (community, True)):
                if made:
                    record(None, AuditEntry.Action.CREATE, obj, community_id=community.pk)

        if new_district:
            self.stdout.write(f"已新建区：{district.name}（代码 {district.code}）")
        if new_subdistrict:
            self.stdout.write(f"已新建街道：{subdistrict.name}（代码 {subdistrict.code}）")
        self.stdout.write(
            f"已新建社区：{community.name}（代码 {community.code}），属于{district.name}{subdistrict.name}"
        )
        for line in said:
            self.stdout.write(line)
        self.stdout.write(
            f"下一步，设置社区管理员：loudong grant_role 用户名 --role admin --community {community.code} "
            "--create --password '密码'"
        )

    @staticmethod
    def check_code(label: str, code: str) -> None:
        if not code:
            return
        try:
            validate_slug(code)
        except ValidationError as error:
            raise bad(f"{label}“{code}”不合格：{CODE_RULE}") from error
        if len(code) > 50:
            raise bad(f"{label}太长，最多 50 个字符")

    def report_existing(self, community: Community, given: dict) -> None:
        subdistrict = community.subdistrict
        if (community.name, subdistrict.name, subdistrict.district.name) != (
            given["name"], given["subdistrict"], given["district"],
        ):  # fmt: skip
            raise bad(
                f"社区代码 {community.code} 已被“{subdistrict.district.name}{subdistrict.name}{community.name}”使用，"
                "请换一个代码；如果就是这个社区，请照它现在的名称填写"
            )
        self.stdout.write(f"社区 {community.name}（代码 {community.code}）已存在，没有重复创建")

    @staticmethod
    def district(name: str, code: str) -> tuple[District, bool]:
        if code:
            found = District.objects.filter(code=code).first()
            if found is not None and found.name != name:
                raise bad(f"区代码 {code} 已用于“{found.name}”，与 --district {name} 不一致")
            if found is not None:
                return found, False
        else:
            same = list(District.objects.filter(name=name)[:2])
            if len(same) > 1:
                raise bad(f"有不止一个名为“{name}”的区，请用 --district-code 指明是哪一个")
            if same:
                return same[0], False
        code = code or unused_code(District, code_from_name(name, ("区", "县", "市")), "district")
        return District.objects.create(name=name, code=code), True

    @staticmethod
    def subdistrict(district: District, name: str, code: str) -> tuple[Subdistrict, bool]:
        if code:
            found = Subdistrict.objects.filter(code=code).select_related("district").first()
            if found is not None and (found.name, found.district_id) != (name, district.pk):
                raise bad(f"街道代码 {code} 已用于“{found.district.name}{found.name}”，与 --subdistrict {name} 不一致")
            if found is not None:
                return found, False
        else:
            found = Subdistrict.objects.filter(district=district, name=name).first()
            if found is not None:
                return found, False
        code = code or unused_code(Subdistrict, code_from_name(name, ("街道", "镇", "乡")), "subdistrict")
        return Subdistrict.objects.create(district=district, name=name, code=code), True
