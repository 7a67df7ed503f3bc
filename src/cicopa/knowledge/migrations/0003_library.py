"""The library's one full-text index (knowledge/library.py, core/fulltext.py): a table of the published items of
every kind with the three search columns; SQLite, an FTS5 table over them kept by triggers; PostgreSQL,
generated tsvector columns with GIN indexes (a body's first 400,000 characters: PostgreSQL's tsvector holds at
most 1 MB). The experiences already published are entered.

SQLite rebuilds a table to alter a column, which drops its triggers: a later migration that alters
knowledge_libraryentry must create them again."""

import re

from django.db import migrations, models

_NOT_TAG = re.compile(r"[^a-z0-9]")
TEXT_FIELDS = ("title", "summary", "problem", "actions", "results", "lessons")


def _tag(prefix, value):
    return "qq" + prefix + _NOT_TAG.sub("", str(value).lower())


def enter_published(apps, schema_editor):
    """The experiences published before the index, entered as knowledge.library.experience_item does."""
    from cicopa.core.text import search_text  # folding as the index does it (a stable, Django-free function)

    Experience = apps.get_model("knowledge", "Experience")
    Entry = apps.get_model("knowledge", "LibraryEntry")
    Country = apps.get_model("core", "Country")
    regions = {
        iso: [code for code in codes if code]
        for iso, *codes in Country.objects.values_list("iso2", "region_id", "subregion_id", "intermediate_region_id")
    }
    for exp in Experience.objects.filter(status="published").prefetch_related("translations", "topics", "sectors"):
        translations = list(exp.translations.all())
        topics = sorted(t.code for t in exp.topics.all())
        sectors = sorted(s.code for s in exp.sectors.all())
        languages = {exp.language, *(t.language for t in translations)}
        tags = {_tag("k", "experience"), _tag("c", exp.country_id), _tag("y", exp.year)}
        tags |= {_tag("r", code) for code in regions.get(exp.country_id, [])}
        tags |= {_tag("t", code) for code in topics} | {_tag("s", code) for code in sectors}
        tags |= {_tag("l", language) for language in languages}
        Entry.objects.create(
            kind="experience",
            object_id=exp.pk,
            language=exp.language,
            year=exp.year,
            published_at=exp.published_at,
            topics=" ".join(topics),
            countries=exp.country_id,
            search_title=search_text(exp.title, *(t.title for t in translations)),
            search_body=search_text(
                *(getattr(exp, f) for f in TEXT_FIELDS[1:]),
                exp.figures,
                *(getattr(t, f) for t in translations for f in TEXT_FIELDS[1:]),
            ),
            search_tags=" ".join(sorted(tags)),
        )


SQLITE = [
    """CREATE VIRTUAL TABLE knowledge_libraryentry_fts USING fts5(
        search_title, search_body, search_tags, content='knowledge_libraryentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER knowledge_libraryentry_fts_ai AFTER INSERT ON knowledge_libraryentry BEGIN
        INSERT INTO knowledge_libraryentry_fts(rowid, search_title, search_body, search_tags)
        VALUES (new.id, new.search_title, new.search_body, new.search_tags); END""",
    """CREATE TRIGGER knowledge_libraryentry_fts_ad AFTER DELETE ON knowledge_libraryentry BEGIN
        INSERT INTO knowledge_libraryentry_fts(knowledge_libraryentry_fts, rowid, search_title, search_body,
        search_tags) VALUES ('delete', old.id, old.search_title, old.search_body, old.search_tags); END""",
    """CREATE TRIGGER knowledge_libraryentry_fts_au AFTER UPDATE OF search_title, search_body, search_tags
        ON knowledge_libraryentry BEGIN
        INSERT INTO knowledge_libraryentry_fts(knowledge_libraryentry_fts, rowid, search_title, search_body,
        search_tags) VALUES ('delete', old.id, old.search_title, old.search_body, old.search_tags);
        INSERT INTO knowledge_libraryentry_fts(rowid, search_title, search_body, search_tags)
        VALUES (new.id, new.search_title, new.search_body, new.search_tags); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS knowledge_libraryentry_fts_ai",
    "DROP TRIGGER IF EXISTS knowledge_libraryentry_fts_ad",
    "DROP TRIGGER IF EXISTS knowledge_libraryentry_fts_au",
    "DROP TABLE IF EXISTS knowledge_libraryentry_fts",
]
POSTGRES = [
    """ALTER TABLE knowledge_libraryentry ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, search_title), 'A') ||
        setweight(to_tsvector('simple'::regconfig, left(search_body, 400000)), 'B')) STORED""",
    "CREATE INDEX knowledge_libraryentry_search ON knowledge_libraryentry USING GIN (search_vector)",
    """ALTER TABLE knowledge_libraryentry ADD COLUMN search_tags_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, search_tags)) STORED""",
    "CREATE INDEX knowledge_libraryentry_search_tags ON knowledge_libraryentry USING GIN (search_tags_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS knowledge_libraryentry_search_tags",
    "ALTER TABLE knowledge_libraryentry DROP COLUMN IF EXISTS search_tags_vector",
    "DROP INDEX IF EXISTS knowledge_libraryentry_search",
    "ALTER TABLE knowledge_libraryentry DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        chosen = statements.get(vendor)
        if chosen is None:
            raise RuntimeError(f"The library's search needs SQLite or PostgreSQL, not {vendor}.")
        for sql in chosen:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_load_topics"),
    ]

    operations = [
        migrations.CreateModel(
            name="LibraryEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("experience", "Experience"),
                            ("study", "Study"),
                            ("question", "Answered question"),
                            ("recommendation", "Recommendation"),
                        ],
                        max_length=16,
                    ),
                ),
                ("object_id", models.PositiveBigIntegerField()),
                ("language", models.CharField(max_length=8)),
                ("year", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("published_at", models.DateTimeField(db_index=True)),
                ("topics", models.CharField(blank=True, max_length=1000)),
                ("countries", models.CharField(blank=True, max_length=1000)),
                ("search_title", models.TextField(blank=True, editable=False, max_length=4000)),
                ("search_tags", models.TextField(blank=True, editable=False, max_length=4000)),
                ("search_body", models.TextField(blank=True, editable=False, max_length=4000000)),
            ],
            options={
                "constraints": [models.UniqueConstraint(fields=("kind", "object_id"), name="knowledge_entry_once")],
            },
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
        migrations.RunPython(enter_published, migrations.RunPython.noop),
    ]
