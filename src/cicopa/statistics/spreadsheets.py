"""The platform's own return template (XLSX, pre-filled), reading it back, and the secretariat's bulk import
of returns (`cicopa import statistics PATH`)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from cicopa.core import subdivisions
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.exports import sheet_row
from cicopa.core.models import MembershipType, Sector
from cicopa.core.tabular import ImportFileError, read_table
from cicopa.registry.models import Organisation
from cicopa.statistics import permissions, queries, services
from cicopa.statistics.models import MEASURE_NAMES, StatisticalReturn, estimated_names

# "subdivision" is optional: an ISO 3166-2 code of the reporter's country (or its name), empty for the whole country.
LINE_COLUMNS = (
    "sector",
    "membership_type",
    "subdivision",
    *MEASURE_NAMES,
    "currency",
    "source",
    "estimated",
    "explanation",
)
IMPORT_COLUMNS = ("reporter", "year", *LINE_COLUMNS)


def template_xlsx(ret: StatisticalReturn) -> bytes:
    """A workbook to fill in: the return's lines, or else last year's validated figures, and the codes."""
    lines, _last_year = queries.starting_lines(ret)
    wb = Workbook()
    ws = wb.active
    ws.title = "return"
    ws.append(sheet_row(ws, LINE_COLUMNS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for line in lines:
        ws.append(
            sheet_row(
                ws,
                [
                    line.sector_id,
                    line.membership_type_id,
                    line.subdivision,
                    *(
                        float(v) if (v := getattr(line, m)) is not None and m == "turnover" else v
                        for m in MEASURE_NAMES
                    ),
                    line.currency,
                    line.source,
                    ", ".join(estimated_names(line.estimated_mask)),
                    line.explanation,
                ],
            )
        )
    ws.freeze_panes = "A2"
    codes = wb.create_sheet("codes")
    codes.append(sheet_row(codes, [_("column"), _("code"), _("meaning")]))
    for s in Sector.objects.all():
        codes.append(sheet_row(codes, ["sector", s.code, s.name]))
    for t in MembershipType.objects.all():
        codes.append(sheet_row(codes, ["membership_type", t.code, t.name]))
    country = ret.reporter.country_id
    if subdivisions.has_subdivisions(country):
        codes.append(sheet_row(codes, ["subdivision", "", _("empty: the whole country, or not given")]))
        for sub in subdivisions.subdivisions(country):
            codes.append(sheet_row(codes, ["subdivision", sub.code, sub.label]))
    codes.append(
        sheet_row(codes, ["estimated", ", ".join(MEASURE_NAMES), _("figures that are estimates, separated by commas")])
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def read_lines(stream: IO[bytes], filename: str) -> list[dict[str, Any]]:
    """The lines of a filled-in template (checks are the service's)."""
    required = ("sector", "membership_type")
    table = read_table(stream, filename, required)
    missing = [c for c in required if c not in table.header]
    if missing:
        raise ImportFileError(_("Missing column: %(cols)s") % {"cols": ", ".join(missing)})
    return [dict(zip(table.header, row, strict=False)) for _number, row in table.rows]


@dataclass
class StatisticsImportReport:
    rows: int = 0
    returns: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_returns(
    *, actor: Any, stream: IO[bytes], filename: str, progress: Callable[[int], None] | None = None
) -> StatisticsImportReport:
    """Create validated returns from a CSV/XLSX file of lines (one row per reporter, year, sector and type).

    All or nothing: every row is checked, and any problem leaves the database unchanged.
    """
    if not permissions.can_import_statistics(actor):
        raise PermissionDenied(_("Only the secretariat imports statistics."))
    required = ("reporter", "year", "sector", "membership_type")
    table = read_table(stream, filename, required)
    report = StatisticsImportReport()
    missing = [c for c in required if c not in table.header]
    if missing:
        where = _("row %(row)s") % {"row": table.header_row}
        report.errors.append(f"{where}: {_('missing column')} {', '.join(missing)}")
        return report
    groups: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
    for number, cells in table.rows:
        record = dict(zip(table.header, cells, strict=False))
        groups.setdefault((record.get("reporter", ""), record.get("year", "")), []).append((number, record))
        report.rows += 1
    reporters = {o.slug: o for o in Organisation.objects.filter(slug__in={k[0] for k in groups})}
    done = 0
    try:
        with transaction.atomic():
            for (slug, year_text), items in groups.items():
                first = items[0][0]
                reporter = reporters.get(slug)
                if reporter is None:
                    report.errors.append(
                        _("row %(row)s, reporter = %(v)r: no organisation has this slug") % {"row": first, "v": slug}
                    )
                    continue
                try:
                    year = int(year_text)
                except ValueError:
                    report.errors.append(_("row %(row)s, year = %(v)r: not a year") % {"row": first, "v": year_text})
                    continue
                try:
                    ret = services.return_create(actor=actor, reporter=reporter, year=year)
                    services.return_save_lines(actor=actor, statistical_return=ret, lines=[r for _n, r in items])
                    services.return_submit(actor=actor, statistical_return=ret)
                    services.return_validate(actor=actor, statistical_return=ret)
                except ValidationError as exc:
                    for where, messages in exc.message_dict.items():
                        row = items[int(where.split()[-1]) - 1][0] if where.startswith("line ") else first
                        report.errors.extend(f"{_('row %(row)s') % {'row': row}}: {m}" for m in messages)
                    continue
                report.returns += 1
                done += len(items)
                if progress:
                    progress(done)
            if report.errors:
                raise _Rollback
    except _Rollback:
        report.returns = 0
    return report


class _Rollback(Exception):
    """Undo every return of an import that had a problem."""
