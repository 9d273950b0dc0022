"""Each request category says whether its requests are usually about a shared place or a household
(rules.Category.scope): written into every stored version, from the category's name."""

from django.db import migrations

# Frozen here: the words of rules.SHARED_WORDS when this migration was written.
SHARED_WORDS = ("环境", "卫生", "设施", "维修", "安全", "隐患", "绿化", "公共", "路灯", "电梯", "消防", "垃圾", "楼道")


def scope_of(name: str) -> str:
    return "shared" if any(word in name for word in SHARED_WORDS) else "household"


def add_scopes(apps: object, schema_editor: object) -> None:
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    for version in PolicyVersion.objects.all().only("pk", "rules").iterator():
        categories = version.rules.get("categories")
        if not categories or all(c.get("scope") for c in categories):
            continue
        for category in categories:
            category.setdefault("scope", scope_of(category.get("name", "")))
        PolicyVersion.objects.filter(pk=version.pk).update(rules=version.rules)


def drop_scopes(apps: object, schema_editor: object) -> None:
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    for version in PolicyVersion.objects.all().only("pk", "rules").iterator():
        for category in version.rules.get("categories") or []:
            category.pop("scope", None)
        PolicyVersion.objects.filter(pk=version.pk).update(rules=version.rules)


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(add_scopes, drop_scopes),
    ]
