"""The generation of the public data that keys the pages cached for anonymous readers (core/pagecache.py)."""

import secrets

from django.db import migrations, models


def first_generation(apps, schema_editor):
    apps.get_model("core", "PageGeneration").objects.using(schema_editor.connection.alias).create(
        pk=1, value=secrets.randbits(62)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_profiles_notifications_and_background_tasks"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageGeneration",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField()),
            ],
        ),
        migrations.RunPython(first_generation, migrations.RunPython.noop),
    ]
