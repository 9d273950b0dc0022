"""Attendance carries its activity's start, so people covered is read from one table by one index."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_starts(apps, schema_editor):
    Activity = apps.get_model("activities", "Activity")
    Attendance = apps.get_model("activities", "Attendance")
    start = Activity.objects.filter(pk=OuterRef("activity_id")).values("starts_at")[:1]
    Attendance.objects.update(activity_starts_at=Subquery(start))


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="attendance",
            name="activity_starts_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False),
            preserve_default=False,
        ),
        migrations.RunPython(copy_starts, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="attendance", name="activities__activit_ce919c_idx"),
        migrations.RemoveIndex(model_name="attendance", name="activities__communi_ee2947_idx"),
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(fields=["community", "activity_starts_at", "resident"],
                               name="activities__communi_20e9d2_idx"),
        ),
        migrations.AddIndex(
            model_name="attendance",
            index=models.Index(fields=["building", "name_key"], name="activities__buildin_479eaa_idx"),
        ),
    ]
