"""An organisation's subdivision of its country (ISO 3166-2 code: a region, province or state).

The column is added by plain SQL with a default, on SQLite without rebuilding the table (Django rebuilds it for
any NOT NULL column, and the rebuild drops the full-text search triggers), as 0016 did; the default also lets
plain inserts leave it out. No index: the directory filters on it through the full-text index (search_tags, a
term per subdivision), as on the country, and no organisation has one yet, so no index term changes.
"""

from django.db import migrations, models

SQL = {
    "sqlite": "ALTER TABLE registry_organisation ADD COLUMN subdivision varchar(6) NOT NULL DEFAULT ''",
    "postgresql": "ALTER TABLE registry_organisation ADD COLUMN subdivision varchar(6) NOT NULL DEFAULT ''",
}


def add_column(apps, schema_editor):
    schema_editor.execute(SQL[schema_editor.connection.vendor])


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE registry_organisation DROP COLUMN subdivision")


class Migration(migrations.Migration):
    dependencies = [("registry", "0018_import_run_task")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="organisation",
                    name="subdivision",
                    field=models.CharField(
                        blank=True,
                        help_text="The region, province or state of the country the organisation is in.",
                        max_length=6,
                        verbose_name="subdivision",
                    ),
                ),
            ],
        ),
    ]
