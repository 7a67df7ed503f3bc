"""Import organisations from CSV or XLSX: the platform's own columns, or the ESSGlobal open-data CSV.

All or nothing: every row is checked first; if any is wrong, nothing is written and the report lists
each problem by row, column and value. Re-importing a file updates the organisations it created,
matched on their identifier in the file (kept as an external identifier of the chosen scheme).
The rows and their checks are in import_rows, the writing in import_writes.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from cicopa.core.audit import actor_label
from cicopa.core.db import insert_rows, now_value, refresh_statistics
from cicopa.core.errors import PermissionDenied
from cicopa.core.models import AuditEntry
from cicopa.core.tabular import ImportFileError, read_table
from cicopa.core.validators import CONTROL_CHARACTER, control_character_message
from cicopa.registry import import_writes as writes
from cicopa.registry import permissions
from cicopa.registry.import_formats import (
    CICOPA_COLUMNS,
    CICOPA_REQUIRED,
    ESSGLOBAL_COLUMNS,
    ESSGLOBAL_REQUIRED,
    FORMATS,
    IDENTIFIER_LENGTH,
    example,
)
from cicopa.registry.import_rows import PARSERS, Lookups, Row, RowError
from cicopa.registry.import_tidy import PLACEHOLDERS, has_placeholder
from cicopa.registry.models import ExternalIdentifier, Organisation
from cicopa.registry.search import bulk_indexing

__all__ = ["FORMATS", "ImportFileError", "ImportReport", "PreviewRow", "Progress", "RowError", "example"]

PREVIEW_ROWS = 10
STATISTICS_AFTER = 10_000  # rows; a larger import refreshes the planner's statistics


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
    # Tidy-ups made to cells (a number written as a register writes it, ...): the rows import, and the report
    # says what was read differently from the file.
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    # A check of a good file: its first rows as they would be imported (codes, not labels).
    sample: list[PreviewRow] = field(default_factory=list)
    # Columns of the file that the format does not have (a misspelt one among them, perhaps): left out.
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_organisations(
    *,
    actor: Any,
    stream: IO[bytes],
    filename: str,
    fmt: str = "cicopa",
    scheme: str | None = None,
    dry_run: bool = False,
    country_fixes: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Check every row, then (unless `dry_run` or any row is wrong) create or update the organisations."""
    report = ImportReport()
    steps = import_steps(
        actor=actor,
        stream=stream,
        filename=filename,
        fmt=fmt,
        scheme=scheme,
        dry_run=dry_run,
        country_fixes=country_fixes,
    )
    for step in steps:
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
    country_fixes: Mapping[str, str] | None = None,
) -> Iterator[Progress | ImportReport]:
    """The import as it goes: rows checked, then rows written, and last the report.

    The writing happens in one transaction inside this generator: closing it early (a browser that goes
    away) rolls everything back.
    """
    if not permissions.can_import_organisations(actor):
        raise PermissionDenied(_("Only the secretariat imports organisations."))
    if fmt not in FORMATS:
        raise ImportFileError(_("Unknown format %(fmt)s; use cicopa or essglobal.") % {"fmt": fmt})
    scheme = scheme or fmt
    required = ESSGLOBAL_REQUIRED if fmt == "essglobal" else CICOPA_REQUIRED
    table = read_table(stream, filename, required)
    header = table.header
    id_column = "Identifier" if fmt == "essglobal" else "identifier"
    report = ImportReport(dry_run=dry_run)
    missing = [c for c in required if c not in header]
    if missing:
        report.errors.append(RowError(table.header_row, ", ".join(missing), "", _("missing column")))
        yield report
        return
    known = set(ESSGLOBAL_COLUMNS.values()) if fmt == "essglobal" else set(CICOPA_COLUMNS)
    report.ignored_columns = [_with_guess(c, known) for c in header if c and c not in known]
    lk = Lookups(country_fixes)
    parse = PARSERS[fmt]
    parsed: list[Row] = []
    seen: dict[str, int] = {}
    registered: dict[tuple[str, str], int] = {}
    for number, cells in table.rows:
        row = Row(number, report.errors, report.warnings)
        if CONTROL_CHARACTER.search("\t".join(cells)):  # one search per row; cell by cell only to report
            for column, cell in zip(header, cells, strict=False):
                if message := control_character_message(cell):
                    row.error(column, cell, message)
        if has_placeholder(cells):
            for i, (column, cell) in enumerate(zip(header, cells, strict=False)):
                if cell in PLACEHOLDERS:
                    row.warn(column, cell, _("read as empty"))
                    cells[i] = ""
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
        for column, reg_scheme, value in row.registrations:
            if (reg_scheme, value) in registered:
                row.error(
                    column,
                    value,
                    _("the same registration number as row %(row)s: a number belongs to one organisation")
                    % {"row": registered[reg_scheme, value]},
                )
            else:
                registered[reg_scheme, value] = number
        parsed.append(row)
        if len(parsed) % 1000 == 0:
            yield Progress("checked", len(parsed))
    report.rows = len(parsed)
    if not parsed:
        report.errors.append(RowError(0, "", "", _("the file has a header but no rows to import")))
    if report.errors or dry_run:
        writes.match(parsed, scheme)
        matched = sum(1 for r in parsed if r.pk is not None)
        report.created = report.rows - matched
        report.updated = matched
        if not report.errors:
            changing = writes.changing_rows(parsed)
            report.updated = len(changing)
            report.unchanged = matched - len(changing)
            report.sample = [
                PreviewRow(
                    r.number,
                    r.identifier,
                    writes.DEFAULTS | r.values,
                    r.sectors,
                    "create" if r.pk is None else "update" if id(r) in changing else "unchanged",
                )
                for r in parsed[:PREVIEW_ROWS]
            ]
        yield report
        return
    yield from _write(actor, parsed, scheme, report)
    yield report


def _with_guess(column: str, known: set[str]) -> str:
    """A column the format does not have, with the one it may be a misspelling of: 'sectros (sectors?)'."""
    close = difflib.get_close_matches(column, sorted(known), n=1, cutoff=0.75)
    return f"{column} ({close[0]}?)" if close else column


def _write(actor: Any, parsed: list[Row], scheme: str, report: ImportReport) -> Iterator[Progress]:
    through = Organisation.sectors.through._meta.db_table
    audit_row = (now_value(), actor.pk, actor_label(actor), "organisation.import", "registry.organisation")
    with bulk_indexing() as index:
        writes.match(parsed, scheme)  # in the import's transaction: no other import adds the same meanwhile
        for start in range(0, len(parsed), writes.BATCH):
            chunk = parsed[start : start + writes.BATCH]
            fresh = [r for r in chunk if r.pk is None]
            known = [r for r in chunk if r.pk is not None]
            changes = writes.insert_new(fresh, scheme)
            insert_rows(
                ExternalIdentifier._meta.db_table,
                ("organisation_id", "scheme", "value"),
                ((r.pk, s, v) for r in chunk for s, v in r.new_identifiers),
            )
            insert_rows(through, ("organisation_id", "sector_id"), ((r.pk, s) for r in fresh for s in r.sectors))
            updates, _diffs = writes.update_known(known, scheme, index) if known else ([], {})
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
