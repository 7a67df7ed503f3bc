"""Writing checked rows: which organisation each row stands for, new organisations as ready tuples, known ones
compared and updated where the file changes them, identifiers and slugs found by plain SQL, and each row's audit
changes."""

from __future__ import annotations

import json
import operator
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from cicopa.core import audit, subdivisions
from cicopa.core.db import insert_rows, now_value
from cicopa.core.text import fold
from cicopa.registry.import_rows import Row
from cicopa.registry.models import ExternalIdentifier, Organisation, OrganisationStatus, search_columns
from cicopa.registry.search import BulkIndex
from cicopa.registry.services import slug_base, unique_slug

BATCH = 2000


def changing_rows(parsed: list[Row]) -> set[int]:
    """Which rows of organisations already in the registry would change something (as id() of the row)."""
    known = [r for r in parsed if r.pk is not None]
    out: set[int] = set()
    for start in range(0, len(known), BATCH):
        out.update(id(r) for r, _before, diff in _compare(known[start : start + BATCH]) if diff)
    return out


def match(rows: list[Row], scheme: str, *, by_name: str = "", quiet: bool = False) -> None:
    """Find the organisation each row stands for, if the registry has it (`pk`), and the identifiers it gains.

    A row is matched on its identifier in `scheme` (an earlier import of the file), else on a number of a
    register that an organisation already has (another file about it); a row matched so also gains the file's
    identifier, for the next import of the same file. A new organisation gains them all. A file without
    identifiers (`by_name`: its name column) is matched on name and country, folded (case and accents aside).
    Problems are reported on the rows unless `quiet` (matching again what was checked).
    """
    by_identifier = existing_ids(scheme, [r.identifier for r in rows if r.identifier])
    for r in rows:
        r.pk = by_identifier.get(r.identifier) if r.identifier else None
        r.matched_by_identifier = r.pk is not None
        r.new_identifiers = []
    if by_name:
        _match_by_name(rows, by_name, quiet)
    registered = existing_registrations([(s, v) for r in rows for _column, s, v in r.registrations])
    for r in rows:
        for column, reg_scheme, value in r.registrations:
            owner = registered.get((reg_scheme, value))
            if owner is None:
                r.new_identifiers.append((reg_scheme, value))
            elif r.pk is None:
                r.pk = owner
            elif owner != r.pk and not quiet:
                r.warn(column, value, _("another organisation has this number already: it is not kept for this one"))
        if r.identifier and not r.matched_by_identifier:
            r.new_identifiers.insert(0, (scheme, r.identifier))


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


def _match_by_name(rows: list[Row], column: str, quiet: bool) -> None:
    """Rows without identifiers: the organisation of the same folded name in the same country, if one only."""
    table = Organisation._meta.db_table
    sql = f"SELECT sort_name, country_id, id FROM {table} WHERE sort_name IN ({{}})"
    found: dict[tuple[str, str | None], list[int]] = {}
    for name, country, pk in _select_in(sql, [], sorted({fold(r.values.get("name") or "") for r in rows})):
        found.setdefault((name, country), []).append(pk)
    for r in rows:
        ids = found.get((fold(r.values.get("name") or ""), r.values.get("country_id")), [])
        if len(ids) == 1:
            r.pk = ids[0]
        elif ids and not quiet:
            r.error(
                column,
                r.values["name"],
                _("%(n)s organisations of this country have this name: add an identifier column to tell which")
                % {"n": len(ids)},
            )


def existing_registrations(pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Organisation ids of the (scheme, value) identifiers already known."""
    if not pairs:
        return {}
    wanted = set(pairs)
    table = ExternalIdentifier._meta.db_table
    sql = f"SELECT scheme, value, organisation_id FROM {table} WHERE value IN ({{}})"
    found = _select_in(sql, [], sorted({value for _scheme, value in wanted}))
    return {(s, v): org for s, v, org in found if (s, v) in wanted}


FIELDS = (
    "kind",
    "name",
    "acronym",
    "description",
    "country_id",
    "subdivision",
    "address",
    "city",
    "postcode",
    "latitude",
    "longitude",
    "location_approximate",
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
        "location_approximate",
        "founded",
        "members_count",
        "workers_count",
        "counts_year",
        "country_id",
        "membership_type_id",
        "legal_form_id",
    }
}
DEFAULTS: dict[str, Any] = {
    **dict.fromkeys(FIELDS),
    **TEXT_FIELDS,
    "status": OrganisationStatus.ACTIVE,
    "location_approximate": False,
}


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
    slugs = _new_slugs([rec["name"] for rec in records], [r.identifier or str(r.number) for r in rows])
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
        changes.append((r, _dumps({**_identifier(r, scheme), "slug": [None, slug], **values})))
    return changes


def _identifier(r: Row, scheme: str) -> dict[str, str]:
    """What an audit entry of an import says of the row's identifier in the file, if it has one."""
    return {"identifier": f"{scheme}:{r.identifier}"} if r.identifier else {}


def _compare(rows: list[Row]) -> list[tuple[Row, dict[str, Any], dict[str, Any]]]:
    """For rows of organisations already in the registry: each row, its organisation's current values, and what
    the row would change ({field: [old, new]}, sectors included; empty when nothing)."""
    ids = [r.pk for r in rows if r.pk is not None]
    current = {o["id"]: o for o in Organisation.objects.filter(id__in=ids).values("id", *FIELDS)}
    old_sectors: dict[int, list[str]] = {i: [] for i in ids}
    through = Organisation.sectors.through.objects.filter(organisation_id__in=ids)
    for org_id, code in through.values_list("organisation_id", "sector_id"):
        old_sectors[org_id].append(code)
    out = []
    for r in rows:
        assert r.pk is not None
        before = current[r.pk]
        if "subdivision" not in r.values and not subdivisions.is_valid(before["subdivision"], r.values["country_id"]):
            r.values["subdivision"] = ""  # the country changes, and the row says no subdivision: as a service does
        diff: dict[str, Any] = audit.diff({f: before[f] for f in r.values}, r.values)
        if sorted(old_sectors[r.pk]) != sorted(r.sectors):
            diff["sectors"] = [sorted(old_sectors[r.pk]), sorted(r.sectors)]
        out.append((r, before, diff))
    return out


def update_known(
    rows: list[Row], scheme: str, index: BulkIndex
) -> tuple[list[tuple[Row, str]], dict[int, dict[str, Any]]]:
    """Update the organisations the rows matched, where the file changes something: the audit changes of
    those (rows that change nothing are not written), and what changed by organisation ({field: [old, new]})."""
    through = Organisation.sectors.through
    changes, changed, resectored = [], [], []
    diffs: dict[int, dict[str, Any]] = {}
    for r, before, diff in _compare(rows):
        if "sectors" in diff:
            resectored.append(r)
        if diff:
            changes.append((r, _dumps({**_identifier(r, scheme), **diff})))
            changed.append((r, before | r.values))
            assert r.pk is not None
            diffs.setdefault(r.pk, diff)  # reached twice (two identifiers): what it was before the first
    if not changed:
        return changes, diffs
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
    return changes, diffs


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
        subdivision=record["subdivision"],
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
