"""Buildings and member records get the unguessable token their QR links name (/ask/b/, /ask/m/).

Added empty, filled with a distinct token per existing row, then made unique and required."""

from django.db import migrations, models

from loudong.registry.public_links import fill_public_tokens, new_public_token


def fill(apps, schema_editor):
    for name in ("Building", "Member"):
        fill_public_tokens(apps.get_model("registry", name))


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0008_place_sort_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="building",
            name="public_token",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="二维码链接标识"),
        ),
        migrations.AddField(
            model_name="member",
            name="public_token",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="二维码链接标识"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="building",
            name="public_token",
            field=models.CharField(
                default=new_public_token, editable=False, max_length=32, unique=True, verbose_name="二维码链接标识"
            ),
        ),
        migrations.AlterField(
            model_name="member",
            name="public_token",
            field=models.CharField(
                default=new_public_token, editable=False, max_length=32, unique=True, verbose_name="二维码链接标识"
            ),
        ),
    ]
