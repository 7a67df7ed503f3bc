"""Import organisations from CSV or XLSX: the platform's own columns, or the ESSGlobal open-data CSV.

All or nothing: every row is checked first; if any is wrong, nothing is written and the report lists
each problem by row, column and value. Re-importing a file updates the organisations it created,
matched on their identifier in the file (kept as an external identifier of the chosen scheme).
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import connection
from django.utils.translation import gettext as _

from cicopa.core import audit
from cicopa.core.audit import actor_label
from cicopa.core.db import insert_rows, now_value, refresh_statistics
from cicopa.core.errors import PermissionDenied
from cicopa.core.models import AuditEntry, Country, LegalForm, MembershipType, Sector
from cicopa.core.roles import is_secretariat
from cicopa.core.tabular import ImportFileError, read_table
from cicopa.core.validators import is_email, is_url
from cicopa.registry.models import (
    ExternalIdentifier,
    Organisation,
    OrganisationKind,
    OrganisationStatus,
    search_columns,
)
from cicopa.registry.search import BulkIndex, bulk_indexing
from cicopa.registry.services import slug_base, unique_slug

FORMATS = ("cicopa", "essglobal")
BATCH = 2000
PREVIEW_ROWS = 10
IDENTIFIER_LENGTH = ExternalIdentifier._meta.get_field("value").max_length or 120
STATISTICS_AFTER = 10_000  # rows; a larger import refreshes the planner's statistics

ESSGLOBAL_COLUMNS = {
    "identifier": "Identifier",
    "name": "Name",
    "description": "Description",
    "structure": "Organisational Structure",
    "primary_activity": "Primary Activity",
    "activities": "Activities",
    "address": "Street Address",
    "city": "Locality",
    "region": "Region",
    "postcode": "Postcode",
    "country": "Country ID",
    "website": "Website",
    "phone": "Phone",
    "email": "Email",
    "membership_type": "Membership Type",
    "latitude": "Latitude",
    "longitude": "Longitude",
    "legal_form": "Legal Form",
}
ESSGLOBAL_REQUIRED = ("Identifier", "Name", "Country ID")
CICOPA_COLUMNS = (
    "identifier",
    "name",
    "acronym",
    "kind",
    "status",
    "country",
    "city",
    "postcode",
    "address",
    "latitude",
    "longitude",
    "phone",
    "fax",
    "email",
    "website",
    "sectors",
    "membership_type",
    "legal_form",
    "legal_form_text",
    "founded",
    "members_count",
    "workers_count",
    "counts_year",
    "description",
)
CICOPA_REQUIRED = ("identifier", "name", "kind", "country")

# ESSGlobal organisational-structure codes -> our kinds (codes not listed are reported).
STRUCTURE_KIND = {
    **{c: OrganisationKind.COOPERATIVE for c in ("OS60", "OS70", "OS80", "OS90", "OS100", "OS115", "OS130", "OS210")},
    **{c: OrganisationKind.MEMBER_ORGANISATION for c in ("OS110", "OS180", "OS190", "OS200", "OS240")},
    "OS230": OrganisationKind.ALLIANCE,
    **{
        c: OrganisationKind.OTHER
        for c in ("OS10", "OS20", "OS30", "OS40", "OS50", "OS120", "OS140", "OS150", "OS160", "OS170", "OS220")
    },
}
# Free-text legal forms found in open data -> our legal forms; anything else is "other", text kept.
LEGAL_FORM_WORDS = {
    "society": "cooperative_society",
    "co-operative society": "cooperative_society",
    "cooperative society": "cooperative_society",
    "industrial and provident society": "cooperative_society",
    "community benefit society": "cooperative_society",
    "co-operative": "cooperative_society",
    "cooperative": "cooperative_society",
    "worker co-operative": "worker_cooperative",
    "worker cooperative": "worker_cooperative",
    "workers co-operative": "worker_cooperative",
    "social co-operative": "social_cooperative",
    "social cooperative": "social_cooperative",
    "esop": "esop_company",
    "employee owned company": "esop_company",
    "sociedad anonima laboral": "sal",
    "sociedad anónima laboral": "sal",
    "sal": "sal",
    "common ownership": "common_ownership",
    "common ownership company": "common_ownership",
}


ESSGLOBAL_BASE = "https://dev.lod.coop/essglobal/2.1/standard/"


def example(fmt: str) -> tuple[list[str], list[list[str]]]:
    """A small file of the format, to start from: its header and two rows that import cleanly."""
    if fmt == "essglobal":
        base = ESSGLOBAL_BASE
        return list(ESSGLOBAL_COLUMNS.values()), [
            [
                "R000001",
                "Calder Valley Wholefoods",
                "A wholefood shop owned by the people who work in it.",
                base + "organisational-structure/OS60",
                base + "activities-ica/ICA140",
                "",
                "12 Market Street",
                "Hebden Bridge",
                "West Yorkshire",
                "HX7 6AA",
                "GB",
                "https://calder-wholefoods.example",
                "+44 1422 000000",
                "shop@calder-wholefoods.example",
                base + "base-membership-type/BMT30",
                "53.7420",
                "-2.0130",
                "Society",
            ],
            [
                "R000002",
                "Northern Builders Co-operative",
                "Carpentry, joinery and renovation.",
                base + "organisational-structure/OS60",
                base + "activities-ica/ICA220",
                "",
                "",
                "Leeds",
                "",
                "",
                "GB",
                "",
                "",
                "",
                base + "base-membership-type/BMT30",
                "",
                "",
                "Company",
            ],
        ]
    return list(CICOPA_COLUMNS), [
        [
            "FR-0001",
            "Scop Bâtisseurs du Rhône",
            "SBR",
            "cooperative",
            "active",
            "FR",
            "Lyon",
            "69001",
            "1 rue de la République",
            "45.7640",
            "4.8357",
            "+33 4 00 00 00 00",
            "",
            "contact@sbr.example",
            "https://sbr.example",
            "construction;artisanal",
            "worker",
            "worker_cooperative",
            "",
            "1983",
            "42",
            "51",
            "2025",
            "Carpentry, joinery and renovation.",
        ],
        [
            "KE-0002",
            "Nairobi Artisans Co-operative Society",
            "NACS",
            "cooperative",
            "",
            "KE",
            "Nairobi",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "artisanal",
            "producer",
            "cooperative_society",
            "",
            "1975",
            "300",
            "",
            "2024",
            "Basketry and beadwork.",
        ],
    ]


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        col = f", {self.column}" if self.column else ""
        val = f" = {self.value!r}" if self.value else ""
        return f"{where}{col}{val}: {self.message}"


@dataclass(frozen=True)
class Progress:
    phase: str  # "checked" or "written"
    rows: int


@dataclass(frozen=True)
class PreviewRow:
    row: int
    identifier: str
    values: dict[str, Any]
    sectors: list[str]
    action: str  # create, update or unchanged


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0  # rows of organisations already as the file has them
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    # A check of a good file: its first rows as they would be imported (codes, not labels).
    sample: list[PreviewRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Lookups:
    def __init__(self) -> None:
        self.countries = set(Country.objects.values_list("iso2", flat=True))
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.ica_sector = {code: s.code for s in self.sectors.values() for code in s.ica_codes.split()}
        self.membership_types = set(MembershipType.objects.values_list("code", flat=True))
        self.bmt = {code: t.code for t in MembershipType.objects.all() for code in t.essglobal.split()}
        self.legal_forms = set(LegalForm.objects.values_list("code", flat=True))


def _code(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1].strip()


class _Row:
    """Collects a row's values and its problems."""

    def __init__(self, number: int, errors: list[RowError]) -> None:
        self.number = number
        self.errors = errors
        self.values: dict[str, Any] = {}
        self.sectors: list[str] = []
        self.identifier = ""
        self.pk: int | None = None  # the organisation's id, once written

    def error(self, column: str, value: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, value, message))

    def number_value(self, column: str, value: str, *, integer: bool, low: float, high: float) -> Any:
        if value == "":
            return None
        try:
            number = int(value.replace(" ", "")) if integer else float(value.replace(",", "."))
        except ValueError:
            self.error(column, value, _("not a number") if not integer else _("not a whole number"))
            return None
        if not low <= number <= high:
            self.error(column, value, _("must be between %(low)s and %(high)s") % {"low": low, "high": high})
            return None
        return number


def _common_checks(row: _Row, cols: dict[str, str], lk: _Lookups) -> None:
    v = row.values
    if not v.get("name"):
        row.error(cols["name"], "", _("a name is required"))
    country = v.get("country_id", "")
    if not country:
        row.error(cols["country"], "", _("a country (ISO 3166-1 two-letter code) is required"))
    elif country not in lk.countries:
        row.error(cols["country"], country, _("unknown country; use an ISO 3166-1 two-letter code such as FR"))
        v["country_id"] = None
    if (v.get("latitude") is None) != (v.get("longitude") is None):
        row.error(cols["longitude"], "", _("give both latitude and longitude, or neither"))
    if v.get("email") and not is_email(v["email"]):
        row.error(cols["email"], v["email"], _("not a valid e-mail address"))
    if v.get("website"):
        if "://" not in v["website"]:
            v["website"] = "http://" + v["website"]
        if not is_url(v["website"]):
            row.error(cols["website"], v["website"], _("not a valid web address"))


def _parse_essglobal(row: _Row, cells: dict[str, str], lk: _Lookups) -> None:
    c = ESSGLOBAL_COLUMNS
    v = row.values
    v["name"] = cells.get(c["name"], "")[:255]
    v["description"] = cells.get(c["description"], "")
    v["address"] = cells.get(c["address"], "")
    v["city"] = cells.get(c["city"], "")[:120]
    v["postcode"] = cells.get(c["postcode"], "")[:20]
    v["country_id"] = cells.get(c["country"], "").upper()
    v["website"] = cells.get(c["website"], "")
    v["phone"] = cells.get(c["phone"], "")[:40]
    v["email"] = cells.get(c["email"], "")
    v["latitude"] = row.number_value(c["latitude"], cells.get(c["latitude"], ""), integer=False, low=-90, high=90)
    v["longitude"] = row.number_value(c["longitude"], cells.get(c["longitude"], ""), integer=False, low=-180, high=180)
    structure = cells.get(c["structure"], "")
    v["kind"] = OrganisationKind.COOPERATIVE
    if structure:
        kind = STRUCTURE_KIND.get(_code(structure))
        if kind is None:
            row.error(c["structure"], structure, _("unknown ESSGlobal organisational-structure code"))
        else:
            v["kind"] = kind
    activities = [cells.get(c["primary_activity"], ""), *cells.get(c["activities"], "").replace(";", " ").split()]
    for uri in (a for a in activities if a):
        sector = lk.ica_sector.get(_code(uri))
        if sector is None:
            row.error(
                c["primary_activity"] if uri == activities[0] else c["activities"],
                uri,
                _("unknown ESSGlobal ICA activity code"),
            )
        elif sector not in row.sectors:
            row.sectors.append(sector)
    bmt = cells.get(c["membership_type"], "")
    v["membership_type_id"] = None
    if bmt:
        v["membership_type_id"] = lk.bmt.get(_code(bmt))
        if v["membership_type_id"] is None:
            row.error(c["membership_type"], bmt, _("unknown ESSGlobal base-membership-type code"))
    legal = cells.get(c["legal_form"], "")
    v["legal_form_id"], v["legal_form_text"] = _legal_form(legal, lk)
    cols = {
        "name": c["name"],
        "country": c["country"],
        "longitude": c["longitude"],
        "email": c["email"],
        "website": c["website"],
    }
    _common_checks(row, cols, lk)


def _legal_form(text: str, lk: _Lookups) -> tuple[str | None, str]:
    if not text:
        return None, ""
    key = " ".join(text.lower().replace("-", " - ").replace(" - ", "-").split())
    code = LEGAL_FORM_WORDS.get(key) or (key.replace(" ", "_") if key.replace(" ", "_") in lk.legal_forms else None)
    if code:
        return code, ""
    return "other", text[:120]


def _parse_cicopa(row: _Row, cells: dict[str, str], lk: _Lookups) -> None:
    v = row.values
    for col in (
        "name",
        "acronym",
        "description",
        "address",
        "city",
        "postcode",
        "phone",
        "fax",
        "email",
        "website",
        "legal_form_text",
    ):
        v[col] = cells.get(col, "")
    v["acronym"] = v["acronym"][:40]
    v["country_id"] = cells.get("country", "").upper()
    kind = cells.get("kind", "")
    if kind not in OrganisationKind.values:
        row.error("kind", kind, _("must be one of %(choices)s") % {"choices": ", ".join(OrganisationKind.values)})
    v["kind"] = kind
    status = cells.get("status", "") or OrganisationStatus.ACTIVE
    if status not in OrganisationStatus.values:
        row.error("status", status, _("must be active or dissolved"))
    v["status"] = status
    for col in ("membership_type", "legal_form"):
        value = cells.get(col, "")
        known = lk.membership_types if col == "membership_type" else lk.legal_forms
        if value and value not in known:
            row.error(
                col,
                value,
                _("unknown code; see the list in the API at /api/v1/%(path)s") % {"path": col.replace("_", "-") + "s"},
            )
        v[col + "_id"] = value or None
    for code in (s for s in cells.get("sectors", "").replace(",", ";").split(";") if s.strip()):
        code = code.strip()
        if code not in lk.sectors:
            row.error("sectors", code, _("unknown sector code"))
        elif code not in row.sectors:
            row.sectors.append(code)
    v["latitude"] = row.number_value("latitude", cells.get("latitude", ""), integer=False, low=-90, high=90)
    v["longitude"] = row.number_value("longitude", cells.get("longitude", ""), integer=False, low=-180, high=180)
    for col, low, high in (
        ("founded", 1800, 2100),
        ("counts_year", 1800, 2100),
        ("members_count", 0, 2**31 - 1),
        ("workers_count", 0, 2**31 - 1),
    ):
        v[col] = row.number_value(col, cells.get(col, ""), integer=True, low=low, high=high)
    cols = {k: k for k in ("name", "country", "longitude", "email", "website")}
    _common_checks(row, cols, lk)


def import_organisations(
    *,
    actor: Any,
    stream: IO[bytes],
    filename: str,
    fmt: str = "cicopa",
    scheme: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then (unless `dry_run` or any row is wrong) create or update the organisations."""
    report = ImportReport()
    for step in import_steps(actor=actor, stream=stream, filename=filename, fmt=fmt, scheme=scheme, dry_run=dry_run):
        if isinstance(step, ImportReport):
            report = step
        elif progress:
            progress(step.rows)
    return report


def import_steps(
    *,
    actor: Any,
    stream: IO[bytes],
    filename: str,
    fmt: str = "cicopa",
    scheme: str | None = None,
    dry_run: bool = False,
) -> Iterator[Progress | ImportReport]:
    """The import as it goes: rows checked, then rows written, and last the report.

    The writing happens in one transaction inside this generator: closing it early (a browser that goes
    away) rolls everything back.
    """
    if not is_secretariat(actor):
        raise PermissionDenied(_("Only the secretariat imports organisations."))
    if fmt not in FORMATS:
        raise ImportFileError(_("Unknown format %(fmt)s; use cicopa or essglobal.") % {"fmt": fmt})
    scheme = scheme or fmt
    header, rows = read_table(stream, filename)
    required = ESSGLOBAL_REQUIRED if fmt == "essglobal" else CICOPA_REQUIRED
    id_column = "Identifier" if fmt == "essglobal" else "identifier"
    report = ImportReport(dry_run=dry_run)
    missing = [c for c in required if c not in header]
    if missing:
        report.errors.append(RowError(1, ", ".join(missing), "", _("missing column")))
        yield report
        return
    lk = _Lookups()
    parse = _parse_essglobal if fmt == "essglobal" else _parse_cicopa
    parsed: list[_Row] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        row = _Row(number, report.errors)
        record = dict(zip(header, cells, strict=False))
        ident = record.get(id_column, "")
        if not ident:
            row.error(id_column, "", _("an identifier is required"))
        elif len(ident) > IDENTIFIER_LENGTH:
            row.error(id_column, ident, _("an identifier has at most %(n)s characters") % {"n": IDENTIFIER_LENGTH})
        elif ident in seen:
            row.error(id_column, ident, _("duplicate identifier (also on row %(row)s)") % {"row": seen[ident]})
        else:
            seen[ident] = number
        parse(row, record, lk)
        row.identifier = ident
        parsed.append(row)
        if number % 1000 == 0:
            yield Progress("checked", number - 1)
    report.rows = len(parsed)
    if report.errors or dry_run:
        existing = _existing(scheme, list(seen))
        report.created = report.rows - len(existing)
        report.updated = len(existing)
        if not report.errors:
            changing = _changing(parsed, existing)
            report.updated = len(changing)
            report.unchanged = len(existing) - len(changing)
            report.sample = [
                PreviewRow(
                    r.number,
                    r.identifier,
                    DEFAULTS | r.values,
                    r.sectors,
                    "create" if r.identifier not in existing else "update" if id(r) in changing else "unchanged",
                )
                for r in parsed[:PREVIEW_ROWS]
            ]
        yield report
        return
    yield from _write(actor, parsed, scheme, report)
    yield report


def _changing(parsed: list[_Row], existing: dict[str, int]) -> set[int]:
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


def _existing(scheme: str, identifiers: list[str]) -> dict[str, int]:
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


def _write(actor: Any, parsed: list[_Row], scheme: str, report: ImportReport) -> Iterator[Progress]:
    through = Organisation.sectors.through._meta.db_table
    audit_row = (now_value(), actor.pk, actor_label(actor), "organisation.import", "registry.organisation")
    with bulk_indexing() as index:
        existing = _existing(scheme, [r.identifier for r in parsed])
        for start in range(0, len(parsed), BATCH):
            chunk = parsed[start : start + BATCH]
            fresh = [r for r in chunk if r.identifier not in existing]
            known = [r for r in chunk if r.identifier in existing]
            changes = _insert_new(fresh, scheme)
            insert_rows(
                ExternalIdentifier._meta.db_table,
                ("organisation_id", "scheme", "value"),
                ((r.pk, scheme, r.identifier) for r in fresh),
            )
            insert_rows(through, ("organisation_id", "sector_id"), ((r.pk, s) for r in fresh for s in r.sectors))
            updates = _update_known(known, existing, scheme, index) if known else []
            insert_rows(
                AuditEntry._meta.db_table,
                (
                    "created_at",
                    "actor_id",
                    "actor_label",
                    "action",
                    "object_type",
                    "object_id",
                    "object_repr",
                    "changes",
                ),
                ((*audit_row, str(r.pk), r.values["name"][:300], change) for r, change in changes + updates),
            )
            report.created += len(fresh)
            report.updated += len(updates)
            report.unchanged += len(known) - len(updates)
            yield Progress("written", start + len(chunk))
    if len(parsed) >= STATISTICS_AFTER:
        refresh_statistics(["registry_organisation", "registry_organisation_sectors"])


ORG_COLUMNS = (*FIELDS, "slug", "is_demo", "search_title", "search_body", "search_tags", "created_at", "updated_at")
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_pick_fields = operator.itemgetter(*FIELDS)


def _insert_new(rows: list[_Row], scheme: str) -> list[tuple[_Row, str]]:
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


def _compare(rows: list[_Row], existing: dict[str, int]) -> list[tuple[_Row, dict[str, Any], dict[str, Any]]]:
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


def _update_known(rows: list[_Row], existing: dict[str, int], scheme: str, index: BulkIndex) -> list[tuple[_Row, str]]:
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
    columns = [*FIELDS, "search_title", "search_body", "search_tags", "updated_at"]
    sql = "UPDATE {table} SET {columns} WHERE id = %s".format(
        table=connection.ops.quote_name(Organisation._meta.db_table),
        columns=", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns),
    )
    now = now_value()
    with connection.cursor() as cursor:
        cursor.executemany(
            sql,
            [(*_pick_fields(record), *_search_columns(record, r.sectors), now, r.pk) for r, record in changed],
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
