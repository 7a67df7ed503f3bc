"""Filter values as index terms: a `search_tags` column, filled for every organisation, and a full-text
index over it (SQLite: a third FTS5 column; PostgreSQL: a second generated tsvector with GIN)."""

from django.db import migrations, models

TAG_FIELDS = (("k", "kind"), ("t", "status"), ("c", "country_id"), ("m", "membership_type_id"), ("l", "legal_form_id"))


def _tag(prefix, value):
    return "qq" + prefix + "".join(ch for ch in value.lower() if ch.isascii() and ch.isalnum())


def fill_tags(apps, schema_editor):
    Organisation = apps.get_model("registry", "Organisation")
    Through = Organisation.sectors.through
    sectors = {}
    for org_id, code in Through.objects.values_list("organisation_id", "sector_id").iterator(chunk_size=10000):
        sectors.setdefault(org_id, []).append(code)
    batch = []
    for org in Organisation.objects.only("id", *(f for _p, f in TAG_FIELDS)).iterator(chunk_size=5000):
        tags = [_tag(p, getattr(org, f)) for p, f in TAG_FIELDS if getattr(org, f)]
        tags += [_tag("s", code) for code in sorted(set(sectors.get(org.id, [])))]
        org.search_tags = " ".join(tags)
        batch.append(org)
        if len(batch) >= 5000:
            Organisation.objects.bulk_update(batch, ["search_tags"])
            batch = []
    Organisation.objects.bulk_update(batch, ["search_tags"])


SQLITE = [
    "DROP TRIGGER IF EXISTS registry_organisation_fts_ai",
    "DROP TRIGGER IF EXISTS registry_organisation_fts_ad",
    "DROP TRIGGER IF EXISTS registry_organisation_fts_au",
    "DROP TABLE IF EXISTS registry_organisation_fts",
    """CREATE VIRTUAL TABLE registry_organisation_fts USING fts5(
        search_title, search_body, search_tags, content='registry_organisation', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER registry_organisation_fts_ai AFTER INSERT ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(rowid, search_title, search_body, search_tags)
        VALUES (new.id, new.search_title, new.search_body, new.search_tags); END""",
    """CREATE TRIGGER registry_organisation_fts_ad AFTER DELETE ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_title, search_body, search_tags)
        VALUES ('delete', old.id, old.search_title, old.search_body, old.search_tags); END""",
    """CREATE TRIGGER registry_organisation_fts_au AFTER UPDATE OF search_title, search_body, search_tags
        ON registry_organisation BEGIN
        INSERT INTO registry_organisation_fts(registry_organisation_fts, rowid, search_title, search_body, search_tags)
        VALUES ('delete', old.id, old.search_title, old.search_body, old.search_tags);
        INSERT INTO registry_organisation_fts(rowid, search_title, search_body, search_tags)
        VALUES (new.id, new.search_title, new.search_body, new.search_tags); END""",
    "INSERT INTO registry_organisation_fts(registry_organisation_fts) VALUES ('rebuild')",
]
POSTGRES = [
    """ALTER TABLE registry_organisation ADD COLUMN search_tags_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, search_tags)) STORED""",
    "CREATE INDEX registry_organisation_search_tags ON registry_organisation USING GIN (search_tags_vector)",
]


def index_tags(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, []):
        schema_editor.execute(sql)
    if vendor == "sqlite":
        schema_editor.execute("ANALYZE")


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_drop_status_name_index")]
    operations = [
        migrations.AddField(
            model_name="organisation",
            name="search_tags",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_tags, migrations.RunPython.noop),
        migrations.RunPython(index_tags, migrations.RunPython.noop),
    ]
