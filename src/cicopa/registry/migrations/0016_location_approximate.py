"""Organisations whose coordinates only show their area (a postcode centre) say so.

The column is added by plain SQL with a default, on SQLite without rebuilding the table (Django rebuilds it
for any NOT NULL column, and the rebuild drops the full-text search triggers); the default also lets the
importer's plain inserts leave it out.
"""

from django.db import migrations, models

SQL = {
    "sqlite": "ALTER TABLE registry_organisation ADD COLUMN location_approximate bool NOT NULL DEFAULT 0",
    "postgresql": "ALTER TABLE registry_organisation ADD COLUMN location_approximate boolean NOT NULL DEFAULT false",
}


def add_column(apps, schema_editor):
    schema_editor.execute(SQL[schema_editor.connection.vendor])


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE registry_organisation DROP COLUMN location_approximate")


class Migration(migrations.Migration):
    dependencies = [("registry", "0015_audit_action_names")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(add_column, drop_column)],
            state_operations=[
                migrations.AddField(
                    model_name="organisation",
                    name="location_approximate",
                    field=models.BooleanField(
                        default=False,
                        help_text="The coordinates show the area (such as the centre of the postcode area), not the address.",
                        verbose_name="approximate location",
                    ),
                ),
            ],
        ),
    ]
