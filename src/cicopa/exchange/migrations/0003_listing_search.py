"""The listings' full-text index (see exchange/search.py and core/fulltext.py): SQLite, an FTS5 table over the
three search columns kept by triggers; PostgreSQL, generated tsvector columns with GIN indexes. Listings are
tagged with the UN M49 regions of their country as well, so that a region filter (and matching by sub-region)
is an intersection inside the index, and published ones with their match terms (exchange.search.match_tags):
existing listings get their tags again.

SQLite rebuilds a table to alter a column, which drops its triggers: a later migration that alters
exchange_listing must create them again (as registry's 0006_restore_search_triggers does for the directory)."""

import re

from django.db import migrations

_NOT_TAG = re.compile(r"[^a-z0-9]")


def _tag(prefix, value):
    return "qq" + prefix + _NOT_TAG.sub("", str(value).lower())


def retag(apps, schema_editor):
    from cicopa.core.text import words  # folding as the index does it (a stable, Django-free function)

    Listing = apps.get_model("exchange", "Listing")
    Country = apps.get_model("core", "Country")
    regions = {
        iso: (region or "", subregion or "", intermediate or "")
        for iso, region, subregion, intermediate in Country.objects.values_list(
            "iso2", "region_id", "subregion_id", "intermediate_region_id"
        )
    }
    batch = []
    for listing in Listing.objects.only(
        "id", "direction", "kind", "status", "scope", "language", "category_id", "country_id", "sector_id", "city"
    ).iterator(chunk_size=2000):
        tags = [
            _tag("d", listing.direction),
            _tag("k", listing.kind),
            _tag("t", listing.status),
            _tag("o", listing.scope),
            _tag("l", listing.language),
        ]
        category = listing.category_id or ""
        if category:
            tags += [_tag("p", category[:1]), _tag("p", category)] if len(category) > 1 else [_tag("p", category)]
        if listing.country_id:
            tags.append(_tag("c", listing.country_id))
            tags += [_tag("r", code) for code in regions.get(listing.country_id, ()) if code]
        if listing.sector_id:
            tags.append(_tag("s", listing.sector_id))
        town = " ".join(words(listing.city)) if listing.city else ""
        tags.append(_tag("v", town))
        if listing.status == "published" and category and listing.country_id:
            subregion = regions.get(listing.country_id, ("", "", ""))[1]
            places = ["c" + listing.country_id]
            if listing.scope in ("regional", "international") and subregion:
                places.append("r" + subregion)
            if listing.scope == "international":
                places.append("w")
            tags += [
                _tag("m", listing.direction + code + place) for code in {category, category[:1]} for place in places
            ]
        listing.search_tags = " ".join(sorted(set(tags)))
        batch.append(listing)
        if len(batch) >= 2000:
            Listing.objects.bulk_update(batch, ["search_tags"])
            batch = []
    Listing.objects.bulk_update(batch, ["search_tags"])


SQLITE = [
    """CREATE VIRTUAL TABLE exchange_listing_fts USING fts5(
        search_title, search_body, search_tags, content='exchange_listing', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='2 3')""",
    """CREATE TRIGGER exchange_listing_fts_ai AFTER INSERT ON exchange_listing BEGIN
        INSERT INTO exchange_listing_fts(rowid, search_title, search_body, search_tags)
        VALUES (new.id, new.search_title, new.search_body, new.search_tags); END""",
    """CREATE TRIGGER exchange_listing_fts_ad AFTER DELETE ON exchange_listing BEGIN
        INSERT INTO exchange_listing_fts(exchange_listing_fts, rowid, search_title, search_body, search_tags)
        VALUES ('delete', old.id, old.search_title, old.search_body, old.search_tags); END""",
    """CREATE TRIGGER exchange_listing_fts_au AFTER UPDATE OF search_title, search_body, search_tags
        ON exchange_listing BEGIN
        INSERT INTO exchange_listing_fts(exchange_listing_fts, rowid, search_title, search_body, search_tags)
        VALUES ('delete', old.id, old.search_title, old.search_body, old.search_tags);
        INSERT INTO exchange_listing_fts(rowid, search_title, search_body, search_tags)
        VALUES (new.id, new.search_title, new.search_body, new.search_tags); END""",
    "INSERT INTO exchange_listing_fts(exchange_listing_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS exchange_listing_fts_ai",
    "DROP TRIGGER IF EXISTS exchange_listing_fts_ad",
    "DROP TRIGGER IF EXISTS exchange_listing_fts_au",
    "DROP TABLE IF EXISTS exchange_listing_fts",
]
POSTGRES = [
    """ALTER TABLE exchange_listing ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, search_title), 'A') ||
        setweight(to_tsvector('simple'::regconfig, search_body), 'B')) STORED""",
    "CREATE INDEX exchange_listing_search ON exchange_listing USING GIN (search_vector)",
    """ALTER TABLE exchange_listing ADD COLUMN search_tags_vector tsvector GENERATED ALWAYS AS (
        to_tsvector('simple'::regconfig, search_tags)) STORED""",
    "CREATE INDEX exchange_listing_search_tags ON exchange_listing USING GIN (search_tags_vector)",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS exchange_listing_search_tags",
    "ALTER TABLE exchange_listing DROP COLUMN IF EXISTS search_tags_vector",
    "DROP INDEX IF EXISTS exchange_listing_search",
    "ALTER TABLE exchange_listing DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        chosen = statements.get(vendor)
        if chosen is None:
            raise RuntimeError(f"The listings' search needs SQLite or PostgreSQL, not {vendor}.")
        for sql in chosen:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("exchange", "0002_reference_data")]
    operations = [
        migrations.RunPython(retag, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
