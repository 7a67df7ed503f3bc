"""Drop the (status, name) index: SQLite preferred scanning it to the full-text index for text searches,
and the name index already serves the whole directory sorted by name."""

from django.db import migrations


def refresh_statistics(apps, schema_editor):
    # Index changes leave SQLite's planner without statistics for the new shape of the table.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("ANALYZE")


class Migration(migrations.Migration):
    dependencies = [("registry", "0006_restore_search_triggers")]
    operations = [
        migrations.RemoveIndex(model_name="organisation", name="registry_org_status_name"),
        migrations.RunPython(refresh_statistics, migrations.RunPython.noop),
    ]
