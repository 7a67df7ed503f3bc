"""The generation of the reference data that keys the lists drawn from it and kept by each process
(core/reference_cache.py)."""

import secrets

from django.db import migrations, models


def first_generation(apps, schema_editor):
    apps.get_model("core", "ReferenceGeneration").objects.using(schema_editor.connection.alias).create(
        pk=1, value=secrets.randbits(62)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0008_page_generation"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReferenceGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(first_generation, migrations.RunPython.noop),
    ]
