"""An import's rejected and doubtful rows move from lists in ImportJob.result to ImportRow rows;
the result keeps their counts."""

import django.db.models.deletion
from django.db import migrations, models


def rows_out_of_results(apps, schema_editor):
    ImportJob = apps.get_model("registry", "ImportJob")
    ImportRow = apps.get_model("registry", "ImportRow")
    for job in ImportJob.objects.exclude(result={}).only("pk", "result").iterator(chunk_size=50):
        result = dict(job.result)
        rejected, warnings = result.get("rejected"), result.get("warnings")
        if not isinstance(rejected, list) and not isinstance(warnings, list):
            continue
        rows = [
            ImportRow(job_id=job.pk, kind="rejected", row_number=r.get("row", 0), message=r.get("reason", ""),
                      cells=r.get("cells", []))
            for r in rejected or []
        ] + [
            ImportRow(job_id=job.pk, kind="warning", row_number=w.get("row", 0), message=w.get("message", ""))
            for w in warnings or []
        ]  # fmt: skip
        ImportRow.objects.bulk_create(rows, batch_size=1000)
        result["rejected"], result["warnings"] = len(rejected or []), len(warnings or [])
        ImportJob.objects.filter(pk=job.pk).update(result=result)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0009_public_tokens'),
    ]

    operations = [
        migrations.CreateModel(
            name='ImportRow',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('rejected', '没有导入'), ('warning', '导入了，有提醒')], max_length=10)),
                ('row_number', models.PositiveIntegerField()),
                ('message', models.TextField()),
                ('cells', models.JSONField(blank=True, default=list)),
                ('job', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rows', to='registry.importjob')),
            ],
            options={
                'ordering': ['row_number', 'id'],
                'indexes': [models.Index(fields=['job', 'kind', 'row_number'], name='registry_im_job_id_75eaaa_idx')],
            },
        ),
        migrations.RunPython(rows_out_of_results, migrations.RunPython.noop, elidable=True),
    ]
