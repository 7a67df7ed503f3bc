"""Writing checked rows: new organisations as ready tuples, known ones compared and updated where the file
changes them, identifiers and slugs found by plain SQL, and each row's audit changes."""

from __future__ import annotations

import json
import operator
from typing import Any

from django.db import connection

from cicopa.core import audit
from cicopa.core.db import insert_rows, now_value
from cicopa.core.text import fold
from cicopa.registry.import_rows import Row
from cicopa.registry.models import ExternalIdentifier, Organisation, OrganisationStatus, search_columns
from cicopa.registry.search import BulkIndex
from cicopa.registry.services import slug_base, unique_slug

BATCH = 2000


def changing_rows(parsed: list[Row], existing: dict[str, int]) -> set[int]:
    """Which rows of organisations already imported would change something (as id() of the row)."""
    known = [r for r in parsed if r.identifier in existing]
    out: set[int] = set()
    for start in range(0, len(known), BATCH):
        out.update(id(r) for r, _before, diff in _compare(known[start : start + BATCH], existing) if diff)
    return out


def _select_in(sql: str, fixed: list[Any], values: list[str]) -> list[tuple[Any, ...]]:
    """Rows of `sql` (whose `{}` becomes a placeholder list) for `values`, asked in chunks."""
    found: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for i in range(0, len(values), BATCH):
            part = values[i : i + BATCH]
            cursor.execute(sql.format(", ".join(["%s"] * len(part))), [*fixed, *part])
            found.extend(cursor.fetchall())
    return found


def existing_ids(scheme: str, identifiers: list[str]) -> dict[str, int]:
    """Organisation ids of the identifiers already known in `scheme`."""
    table = ExternalIdentifier._meta.db_table
    sql = f"SELECT value, organisation_id FROM {table} WHERE scheme = %s AND value IN ({{}})"
    return dict(_select_in(sql, [scheme], identifiers))  # type: ignore[arg-type]


FIELDS = (
    "kind",
    "name",
    "acronym",
    "description",
    "country_id",
    "address",
    "city",
    "postcode",
    "latitude",
    "longitude",
    "phone",
    "fax",
    "email",
    "website",
    "membership_type_id",
    "legal_form_id",
    "legal_form_text",
    "founded",
    "members_count",
    "workers_count",
    "counts_year",
    "status",
)
# What a column holds when the file's format has no such column (ESSGlobal has no acronym, status, ...).
TEXT_FIELDS = {
    f: ""
    for f in FIELDS
    if f
    not in {
        "latitude",
        "longitude",
        "founded",
        "members_count",
        "workers_count",
        "counts_year",
        "country_id",
        "membership_type_id",
        "legal_form_id",
    }
}
DEFAULTS: dict[str, Any] = {**dict.fromkeys(FIELDS), **TEXT_FIELDS, "status": OrganisationStatus.ACTIVE}


ORG_COLUMNS = (
    *FIELDS,
    "slug",
    "is_demo",
    "sort_name",
    "search_title",
    "search_body",
    "search_tags",
    "created_at",
    "updated_at",
)
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_pick_fields = operator.itemgetter(*FIELDS)


def insert_new(rows: list[Row], scheme: str) -> list[tuple[Row, str]]:
    """Insert the organisations of new rows, give each row its organisation's id; the audit changes."""
    if not rows:
        return []
    now = now_value()
    records = [DEFAULTS | r.values for r in rows]
    slugs = _new_slugs([rec["name"] for rec in records], [r.identifier for r in rows])
    table = Organisation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        (before,) = cursor.fetchone()
    insert_rows(
        table,
        ORG_COLUMNS,
        (
            (
                *_pick_fields(rec),
                slug,
                False,
                fold(rec["name"]),
                *_search_columns(rec, r.sectors),
                now,
                now,
            )
            for r, rec, slug in zip(rows, records, slugs, strict=True)
        ),
    )
    with connection.cursor() as cursor:
        # By slug (unique): on PostgreSQL other sessions may have added organisations meanwhile.
        cursor.execute(f"SELECT slug, id FROM {table} WHERE id > %s", [before])
        ids = dict(cursor.fetchall())
    changes = []
    for r, slug in zip(rows, slugs, strict=True):
        r.pk = ids[slug]
        values = {f: [None, v] for f, v in r.values.items() if v is not None and v != ""}
        if r.sectors:
            values["sectors"] = [None, r.sectors]
        changes.append((r, _dumps({"identifier": f"{scheme}:{r.identifier}", "slug": [None, slug], **values})))
    return changes


def _compare(rows: list[Row], existing: dict[str, int]) -> list[tuple[Row, dict[str, Any], dict[str, Any]]]:
    """For rows of organisations already imported: each row, its organisation's current values, and what the
    row would change ({field: [old, new]}, sectors included; empty when nothing)."""
    ids = [existing[r.identifier] for r in rows]
    current = {o["id"]: o for o in Organisation.objects.filter(id__in=ids).values("id", *FIELDS)}
    old_sectors: dict[int, list[str]] = {i: [] for i in ids}
    through = Organisation.sectors.through.objects.filter(organisation_id__in=ids)
    for org_id, code in through.values_list("organisation_id", "sector_id"):
        old_sectors[org_id].append(code)
    out = []
    for r in rows:
        r.pk = existing[r.identifier]
        before = current[r.pk]
        diff: dict[str, Any] = audit.diff({f: before[f] for f in r.values}, r.values)
        if sorted(old_sectors[r.pk]) != sorted(r.sectors):
            diff["sectors"] = [sorted(old_sectors[r.pk]), sorted(r.sectors)]
        out.append((r, before, diff))
    return out


def update_known(rows: list[Row], existing: dict[str, int], scheme: str, index: BulkIndex) -> list[tuple[Row, str]]:
    """Update the organisations that earlier imports of the same identifiers created, where the file
    changes something; the audit changes of those (rows that change nothing are not written)."""
    through = Organisation.sectors.through
    changes, changed, resectored = [], [], []
    for r, before, diff in _compare(rows, existing):
        if "sectors" in diff:
            resectored.append(r)
        if diff:
            changes.append((r, _dumps({"identifier": f"{scheme}:{r.identifier}", **diff})))
            changed.append((r, before | r.values))
    if not changed:
        return changes
    index.unindex([r.pk for r, _record in changed if r.pk is not None])
    columns = [*FIELDS, "sort_name", "search_title", "search_body", "search_tags", "updated_at"]
    sql = "UPDATE {table} SET {columns} WHERE id = %s".format(
        table=connection.ops.quote_name(Organisation._meta.db_table),
        columns=", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns),
    )
    now = now_value()
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [
                (*_pick_fields(record), fold(record["name"]), *_search_columns(record, r.sectors), now, r.pk)
                for r, record in changed
            ],
        )
    through.objects.filter(organisation_id__in=[r.pk for r in resectored]).delete()
    insert_rows(
        through._meta.db_table, ("organisation_id", "sector_id"), ((r.pk, s) for r in resectored for s in r.sectors)
    )
    return changes


def _search_columns(record: dict[str, Any], sectors: list[str]) -> tuple[str, str, str]:
    return search_columns(
        name=record["name"],
        acronym=record["acronym"],
        description=record["description"],
        city=record["city"],
        kind=record["kind"],
        status=record["status"],
        country_id=record["country_id"],
        membership_type_id=record["membership_type_id"],
        legal_form_id=record["legal_form_id"],
        sector_codes=sectors,
    )


def _new_slugs(names: list[str], identifiers: list[str]) -> list[str]:
    """Slugs from names; a name already taken gets the row's identifier appended, then a number."""
    table = Organisation._meta.db_table
    sql = f"SELECT slug FROM {table} WHERE slug IN ({{}})"
    bases = [slug_base(name) for name in names]
    taken = {slug for (slug,) in _select_in(sql, [], list(set(bases)))}
    slugs: list[str | None] = []
    for base in bases:
        slugs.append(None if base in taken else base)
        taken.add(base)
    clashes = [i for i, slug in enumerate(slugs) if slug is None]
    seconds = {i: f"{bases[i][:80]}-{slug_base(identifiers[i])[:39]}" for i in clashes}  # slugs hold 120
    taken |= {slug for (slug,) in _select_in(sql, [], list(set(seconds.values())))}
    for i in clashes:
        slug = seconds[i] if seconds[i] not in taken else unique_slug(names[i], taken=taken)
        slugs[i] = slug
        taken.add(slug)
    return [slug for slug in slugs if slug is not None]
