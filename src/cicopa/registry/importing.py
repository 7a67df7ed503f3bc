"""Import organisations from CSV or XLSX: the platform's own columns, the ESSGlobal open-data CSV, or a file of
any layout whose columns are mapped onto the platform's (import_columns).

All or nothing: every row is checked first; if any is wrong, nothing is written and the report lists
each problem by row, column and value; tidy-ups made to cells are listed as warnings. Re-importing a file
updates the organisations it created, matched on their identifier in the file (kept as an external identifier
of the chosen scheme), on a registration number, or, for a file without identifiers, on name and country.
The formats are in import_formats, the rows and their checks in import_rows, the writing in import_writes.
"""

from __future__ import annotations

import difflib
import io
import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

from cicopa.core import audit
from cicopa.core.db import insert_rows, refresh_statistics
from cicopa.core.errors import PermissionDenied
from cicopa.core.models import AuditEntry
from cicopa.core.tabular import ImportFileError, read_table
from cicopa.core.text import fold
from cicopa.core.validators import CONTROL_CHARACTER, control_character_message
from cicopa.registry import import_columns, import_services, permissions
from cicopa.registry import import_writes as writes
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
from cicopa.registry.models import ExternalIdentifier, Organisation, OrganisationKind
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
    # Columns format: how the file's columns were read ({its column: a cicopa column, or "" if left out}).
    mapping: dict[str, str] = field(default_factory=dict)
    # What the import did, to undo it: the organisations it created, and what it changed in the others
    # ({id: {field: [old, new]}}), and the identifiers it gave them ([id, scheme, value]).
    created_ids: list[int] = field(default_factory=list)
    changed: dict[int, dict[str, Any]] = field(default_factory=dict)
    added_identifiers: list[tuple[int, str, str]] = field(default_factory=list)
    run_id: int | None = None  # the record of the import, once written

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
    progress: Callable[[int], None] | None = None,
    **options: Any,
) -> ImportReport:
    """Check every row, then (unless `dry_run` or any row is wrong) create or update the organisations.
    `options` are those of import_steps."""
    report = ImportReport()
    steps = import_steps(
        actor=actor, stream=stream, filename=filename, fmt=fmt, scheme=scheme, dry_run=dry_run, **options
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
    mapping: Mapping[str, str] | None = None,
    kind: str = OrganisationKind.COOPERATIVE,
    mapping_name: str = "",
    task: str | None = None,
) -> Iterator[Progress | ImportReport]:
    """The import as it goes: rows checked, then rows written, and last the report.

    `country_fixes` are countries chosen for cells that name none ({cell: code}). For the columns format,
    `mapping` says which column of the platform's each column of the file holds ({its column: a cicopa column,
    or "" to leave it out}): it overrides what the file's header proposes (import_columns); `kind` is that of
    rows without one (`mapping_name`: the saved mapping it came from, for the record). An import that writes
    is recorded (registry.ImportRun, with what undoing it needs, and `task`, the id of the background task that
    runs it, if any) in its transaction. The writing happens in one transaction inside this generator, after a
    last step that says every row was checked: closing it early rolls everything back.
    """
    if not permissions.can_import_organisations(actor):
        raise PermissionDenied(_("Only the secretariat imports organisations."))
    if fmt not in FORMATS:
        raise ImportFileError(_("Unknown format %(fmt)s; use cicopa, essglobal or columns.") % {"fmt": fmt})
    if kind not in OrganisationKind.values:
        raise ImportFileError(
            _("Unknown kind %(kind)s; use one of %(choices)s.")
            % {"kind": kind, "choices": ", ".join(OrganisationKind.values)}
        )
    scheme = scheme or fmt
    report = ImportReport(dry_run=dry_run)
    record = {
        "filename": filename,
        "size": _size(stream),
        "fmt": fmt,
        "scheme": scheme,
        "mapping_name": mapping_name,
        "kind": kind,
        "country_fixes": country_fixes,
        "task": task,
    }
    labels: dict[str, str] = {}  # columns format: field -> the file's column
    if fmt == "columns":
        given = dict(mapping or {})
        table = read_table(stream, filename, header_score=_scorer(given))
        report.mapping = _mapping(table.header, given)
        labels = {f: source for source, f in report.mapping.items() if f}
        required: tuple[str, ...] = ("name", "country")
        missing = [f for f in required if f not in labels]
        positions = [(table.header.index(source), f) for f, source in labels.items()]
        id_key, id_column = ("identifier", labels["identifier"]) if "identifier" in labels else ("", "")
    else:
        required = ESSGLOBAL_REQUIRED if fmt == "essglobal" else CICOPA_REQUIRED
        table = read_table(stream, filename, required)
        missing = [c for c in required if c not in table.header]
        id_key = id_column = "Identifier" if fmt == "essglobal" else "identifier"
    header = table.header
    if missing:
        problem = _("no column of the file is read as this") if fmt == "columns" else _("missing column")
        report.errors.append(RowError(table.header_row, ", ".join(missing), "", problem))
        yield report
        return
    if fmt == "columns":
        report.ignored_columns = [source for source, f in report.mapping.items() if not f]
    else:
        known = set(ESSGLOBAL_COLUMNS.values()) if fmt == "essglobal" else set(CICOPA_COLUMNS)
        report.ignored_columns = [_with_guess(c, known) for c in header if c and c not in known]
    lk = Lookups(country_fixes, labels=labels, default_kind=kind)
    parse = PARSERS[fmt]
    parsed: list[Row] = []
    seen: dict[Any, int] = {}
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
        if fmt == "columns":
            values = {f: cells[i] if i < len(cells) else "" for i, f in positions}
        else:
            values = dict(zip(header, cells, strict=False))
        parse(row, values, lk)
        row.identifier = ident = values.get(id_key, "") if id_key else ""
        if not id_key:  # no identifiers: the row stands for the organisation of its name and country
            name_key = (fold(row.values["name"]), row.values["country_id"])
            if row.values["name"] and row.values["country_id"] and name_key in seen:
                row.error(
                    labels["name"],
                    row.values["name"],
                    _("the same name and country as row %(row)s") % {"row": seen[name_key]},
                )
            seen.setdefault(name_key, number)
        elif not ident:
            row.error(id_column, "", _("an identifier is required"))
        elif len(ident) > IDENTIFIER_LENGTH:
            row.error(id_column, ident, _("an identifier has at most %(n)s characters") % {"n": IDENTIFIER_LENGTH})
        elif ident in seen:
            row.error(id_column, ident, _("duplicate identifier (also on row %(row)s)") % {"row": seen[ident]})
        else:
            seen[ident] = number
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
    by_name = labels.get("name", "") if fmt == "columns" and not id_key else ""
    if report.errors or dry_run or by_name:  # matching on names can find rows wrong (a name two share)
        writes.match(parsed, scheme, by_name=by_name)
    if report.errors or dry_run:
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
    if len(parsed) % 1000:
        yield Progress("checked", len(parsed))  # all of them, before the writing begins
    yield from _write(actor, parsed, scheme, report, by_name, record)
    yield report


def _size(stream: IO[bytes]) -> int:
    """The size of the file being read, in bytes, where its stream can tell."""
    try:
        at = stream.tell()
        size = stream.seek(0, io.SEEK_END)
        stream.seek(at)
        return size
    except (OSError, AttributeError, ValueError):
        return 0


@dataclass(frozen=True)
class ColumnPreview:
    """A file of any layout before it is imported: its columns, how each would be read, samples of each."""

    header_row: int
    mapping: dict[str, str]
    samples: dict[str, list[str]]


SAMPLES = 3  # values shown of each column
SAMPLE_ROWS = 50  # rows looked through for them


def preview_columns(
    *, actor: Any, stream: IO[bytes], filename: str, mapping: Mapping[str, str] | None = None
) -> ColumnPreview:
    """The columns of a file and how the columns format would read them (`mapping` overriding the proposal),
    with the first few values of each: what the import page shows before the file is checked."""
    if not permissions.can_import_organisations(actor):
        raise PermissionDenied(_("Only the secretariat imports organisations."))
    given = {k: v for k, v in (mapping or {}).items()}
    table = read_table(stream, filename, header_score=_scorer(given))
    header = [c for c in table.header if c]
    known = {k: v for k, v in given.items() if k in header}  # a saved mapping may name columns this file lacks
    samples: dict[str, list[str]] = {c: [] for c in header}
    positions = [(i, c) for i, c in enumerate(table.header) if c]
    for _number, cells in itertools.islice(table.rows, SAMPLE_ROWS):
        for i, column in positions:
            if i < len(cells) and cells[i] and len(samples[column]) < SAMPLES and cells[i] not in samples[column]:
                samples[column].append(cells[i])
    return ColumnPreview(table.header_row, import_columns.combine(header, known), samples)


def _scorer(given: Mapping[str, str]) -> Any:
    """How much a row looks like the header: the columns the mapping names count most, then known names."""
    named = set(given)
    return lambda cells: 100 * len(named.intersection(cells)) + import_columns.header_score(cells)


def _mapping(header: list[str], given: dict[str, str]) -> dict[str, str]:
    """The mapping of the file's columns: proposed from the header, `given` overriding it; refused if it names a
    column the file does not have or a field the platform does not, or reads two columns as one field."""
    for source, target in given.items():
        if source not in header:
            raise ImportFileError(
                _('The file has no column "%(column)s" to read as %(field)s.') % {"column": source, "field": target}
            )
        if target and target not in CICOPA_COLUMNS:
            raise ImportFileError(
                _("%(field)s is not a column of the cicopa format; use one of: %(fields)s.")
                % {"field": target, "fields": ", ".join(CICOPA_COLUMNS)}
            )
    mapping = import_columns.combine(header, given)
    if doubled := import_columns.twice(mapping):
        target, sources = next(iter(doubled.items()))
        raise ImportFileError(
            _("More than one column is read as %(field)s: %(columns)s. Read one of them as something else.")
            % {"field": target, "columns": ", ".join(sources)}
        )
    return mapping


def _with_guess(column: str, known: set[str]) -> str:
    """A column the format does not have, with the one it may be a misspelling of: 'sectros (sectors?)'."""
    close = difflib.get_close_matches(column, sorted(known), n=1, cutoff=0.75)
    return f"{column} ({close[0]}?)" if close else column


def _write(
    actor: Any, parsed: list[Row], scheme: str, report: ImportReport, by_name: str, record: dict[str, Any]
) -> Iterator[Progress]:
    through = Organisation.sectors.through._meta.db_table
    with bulk_indexing() as index:
        # In the import's transaction, which no other import shares (again, for names: checked before).
        writes.match(parsed, scheme, by_name=by_name, quiet=bool(by_name))
        record["audit_after"] = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
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
            updates, diffs = writes.update_known(known, scheme, index) if known else ([], {})
            report.created_ids += [r.pk for r in fresh if r.pk is not None]
            for pk, diff in diffs.items():
                report.changed.setdefault(pk, diff)
            report.added_identifiers += [(r.pk, s, v) for r in known if r.pk is not None for s, v in r.new_identifiers]
            audit.record_many(
                actor=actor,
                action="registry.organisation.import",
                object_type="registry.organisation",
                entries=((r.pk, r.values["name"], change) for r, change in changes + updates),
            )
            report.created += len(fresh)
            report.updated += len(updates)
            report.unchanged += len(known) - len(updates)
            yield Progress("written", start + len(chunk))
        report.run_id = import_services.record_run(actor=actor, report=report, options=record).pk
    if len(parsed) >= STATISTICS_AFTER:
        refresh_statistics(["registry_organisation", "registry_organisation_sectors"])
