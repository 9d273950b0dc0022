"""Building groups get the unguessable token their QR link names (/ask/g/): added empty, filled
with a distinct token per existing group, then made unique and required."""

from django.db import migrations, models

from loudong.registry.public_links import fill_public_tokens, new_public_token


def fill(apps, schema_editor):
    fill_public_tokens(apps.get_model("groups", "BuildingGroup"))


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_elections_venues"),
    ]

    operations = [
        migrations.AddField(
            model_name="buildinggroup",
            name="public_token",
            field=models.CharField(editable=False, max_length=32, null=True, verbose_name="二维码链接标识"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="buildinggroup",
            name="public_token",
            field=models.CharField(
                default=new_public_token, editable=False, max_length=32, unique=True, verbose_name="二维码链接标识"
            ),
        ),
    ]
