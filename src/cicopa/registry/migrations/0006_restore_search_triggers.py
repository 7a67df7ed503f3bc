"""SQLite rebuilds a table to alter a column, which drops its triggers: put the search triggers back.

Any later migration that alters registry_organisation must end the same way (the registry's system
check `registry.E001` fails while a trigger is missing).
"""

from django.db import migrations

TRIGGERS = [
    """CREATE TRIGGER IF NOT EXISTS registry_organisation_fts_ai AFTER INSERT ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",
    """CREATE TRIGGER IF NOT EXISTS registry_organisation_fts_ad AFTER DELETE ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body); END""",
    """CREATE TRIGGER IF NOT EXISTS registry_organisation_fts_au AFTER UPDATE OF search_title, search_body
        ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO registry_organisation_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",
    "INSERT INTO registry_organisation_fts(registry_organisation_fts) VALUES ('rebuild')",
]


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in TRIGGERS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("registry", "0005_labels_and_leaner_indexes")]
    operations = [migrations.RunPython(restore, migrations.RunPython.noop)]
