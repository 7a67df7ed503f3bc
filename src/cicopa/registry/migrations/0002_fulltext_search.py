"""The directory's full-text index: SQLite FTS5 kept by triggers, or a PostgreSQL tsvector with GIN."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE registry_organisation_fts USING fts5(
        search_title, search_body, content='registry_organisation', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER registry_organisation_fts_ai AFTER INSERT ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",
    """CREATE TRIGGER registry_organisation_fts_ad AFTER DELETE ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body); END""",
    """CREATE TRIGGER registry_organisation_fts_au AFTER UPDATE OF search_title, search_body
        ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_title, search_body)
        VALUES ('delete', old.id, old.search_title, old.search_body);
        INSERT INTO registry_organisation_fts(rowid, search_title, search_body)
        VALUES (new.id, new.search_title, new.search_body); END""",
    "INSERT INTO registry_organisation_fts(registry_organisation_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS registry_organisation_fts_ai",
    "DROP TRIGGER IF EXISTS registry_organisation_fts_ad",
    "DROP TRIGGER IF EXISTS registry_organisation_fts_au",
    "DROP TABLE IF EXISTS registry_organisation_fts",
]
POSTGRES = [
    """ALTER TABLE registry_organisation ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, search_title), 'A') ||
        setweight(to_tsvector('simple'::regconfig, search_body), 'B')) STORED""",
    "CREATE INDEX registry_organisation_search ON registry_organisation USING GIN (search_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS registry_organisation_search",
    "ALTER TABLE registry_organisation DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        chosen = statements.get(vendor)
        if chosen is None:
            raise RuntimeError(f"The directory search needs SQLite or PostgreSQL, not {vendor}.")
        for sql in chosen:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        )
    ]
