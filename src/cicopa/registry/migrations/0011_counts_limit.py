"""The limit of member and worker counts stated on every engine (SQLite would take up to 2**63)."""

import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0010_fold_undecomposed_letters"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisation",
            name="members_count",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(2147483647)],
                verbose_name="members",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="workers_count",
            field=models.PositiveIntegerField(
                blank=True,
                null=True,
                validators=[django.core.validators.MaxValueValidator(2147483647)],
                verbose_name="workers",
            ),
        ),
    ]
