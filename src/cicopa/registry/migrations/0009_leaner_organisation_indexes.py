"""Filters on kind, membership type and legal form go through the full-text index: their B-tree indexes
only slowed writes. SQLite rebuilds the table to alter the columns, so the search triggers are put back."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

_restore = importlib.import_module("cicopa.registry.migrations.0008_search_tags")


def restore_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in _restore.SQLITE:
            schema_editor.execute(sql)
        schema_editor.execute("ANALYZE")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_reference_data"),
        ("registry", "0008_search_tags"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="organisation",
            name="registry_or_country_7b21f8_idx",
        ),
        migrations.AlterField(
            model_name="organisation",
            name="kind",
            field=models.CharField(
                choices=[
                    ("alliance", "Alliance"),
                    ("sectoral", "Sectoral organisation"),
                    ("member_organisation", "Member organisation"),
                    ("cooperative", "Co-operative"),
                    ("other", "Other associative enterprise"),
                ],
                max_length=24,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="legal_form",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="core.legalform",
                verbose_name="legal form",
            ),
        ),
        migrations.AlterField(
            model_name="organisation",
            name="membership_type",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                to="core.membershiptype",
                verbose_name="membership type",
            ),
        ),
        migrations.RunPython(restore_search_index, migrations.RunPython.noop),
    ]
