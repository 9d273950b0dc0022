"""Privacy of what neighbours see: each request's scope (a shared place or a household; existing
requests take their category's usual scope, household when unknown), the note staff make public,
the scope an intake row asked for, and a link of their own for every supporter."""

import secrets

from django.db import migrations, models

# The default rules' shared categories when this was written (a community with no policy version).
DEFAULT_SHARED = ("environment",)


def scope_existing(apps: object, schema_editor: object) -> None:
    Request = apps.get_model("tickets", "Request")
    PolicyVersion = apps.get_model("policy", "PolicyVersion")
    Community = apps.get_model("registry", "Community")
    for community_id in Community.objects.values_list("pk", flat=True).iterator():
        latest = PolicyVersion.objects.filter(community_id=community_id).order_by("-number").first()
        if latest is None:
            shared = list(DEFAULT_SHARED)
        else:
            shared = [c["code"] for c in latest.rules.get("categories", []) if c.get("scope") == "shared"]
        if shared:
            Request.objects.filter(community_id=community_id, category_code__in=shared).update(scope="shared")


def give_tokens(apps: object, schema_editor: object) -> None:
    Supporter = apps.get_model("tickets", "Supporter")
    for supporter in Supporter.objects.filter(tracking_token__isnull=True).only("pk").iterator():
        Supporter.objects.filter(pk=supporter.pk).update(tracking_token=secrets.token_urlsafe(16))


class Migration(migrations.Migration):

    dependencies = [
        ("policy", "0002_category_scope"),
        ("registry", "0006_importjob_heartbeat"),
        ("tickets", "0010_finished_response_due_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="request",
            name="scope",
            field=models.CharField(choices=[("shared", "公共区域的事"), ("household", "家中的事")],
                                   default="household", max_length=12, verbose_name="范围"),
        ),
        migrations.AddField(
            model_name="request",
            name="public_note",
            field=models.CharField(blank=True, max_length=200, verbose_name="公开进展"),
        ),
        migrations.AddField(
            model_name="request",
            name="public_note_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="intake",
            name="scope",
            field=models.CharField(blank=True, max_length=12),
        ),
        migrations.AddField(
            model_name="supporter",
            name="tracking_token",
            field=models.CharField(max_length=32, null=True),
        ),
        migrations.RunPython(scope_existing, migrations.RunPython.noop),
        migrations.RunPython(give_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="supporter",
            name="tracking_token",
            field=models.CharField(max_length=32, unique=True),
        ),
    ]
