"""The rows of an import file, in each format: the columns, the vocabularies they use, and the checks
that turn a row's cells into an organisation's values or into errors by row, column and value."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from cicopa.core import queries as core_queries
from cicopa.core import subdivisions
from cicopa.core.countries import CountryReader
from cicopa.core.models import Country, LegalForm, MembershipType, Sector
from cicopa.core.text import loose
from cicopa.core.validators import is_email, is_url, too_long_message
from cicopa.registry.import_formats import (
    COMPANIES_HOUSE,
    COMPANY_STRUCTURES,
    COOPERATIVE_MEMBERSHIP,
    ESSGLOBAL_COLUMNS,
    IDENTIFIER_LENGTH,
    LEGAL_FORM_WORDS,
    STRUCTURE_KIND,
    TEXT_FIELDS,
    TEXT_LIMITS,
    UNREGISTERED,
    companies_house_number,
    registrar_scheme,
)
from cicopa.registry.import_tidy import several, with_scheme
from cicopa.registry.models import OrganisationKind, OrganisationStatus


@dataclass(frozen=True)
class RowError:
    """A problem (or, among a report's warnings, a tidy-up) of a row, a column and the cell as the file has it."""

    row: int
    column: str
    value: str
    message: str
    suggestion: str = ""  # of an unknown country: the code of the one it may misspell
    field: str = ""  # "country" for an unknown country, which the import page lets people choose

    def __str__(self) -> str:
        where = _("row %(row)s") % {"row": self.row} if self.row else _("file")
        col = f", {self.column}" if self.column else ""
        val = f" = {self.value!r}" if self.value else ""
        return f"{where}{col}{val}: {self.message}"


class Lookups:
    """The reference data rows are read against, and what the import was told: countries chosen for cells it
    could not read, and for the columns format the file's names of its columns and the kind of rows without one."""

    def __init__(
        self,
        country_fixes: Mapping[str, str] | None = None,
        *,
        labels: Mapping[str, str] | None = None,
        default_kind: str = OrganisationKind.COOPERATIVE,
    ) -> None:
        self.labels = dict(labels or {})  # field -> the file's column
        self.default_kind = default_kind
        countries = dict(Country.objects.values_list("iso2", "iso3"))
        self.countries = set(countries)
        self.countries_read = CountryReader(countries)  # names from CLDR, in every language it has
        self.country_names = core_queries.names_by_code()["country"]
        # Countries chosen on the import page for cells it could not read: {cell: code}.
        self.country_fixes = {k: v for k, v in (country_fixes or {}).items() if v in self.countries}
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.ica_sector = {code: s.code for s in self.sectors.values() for code in s.ica_codes.split()}
        self.membership_types = set(MembershipType.objects.values_list("code", flat=True))
        self.bmt = {code: t.code for t in MembershipType.objects.all() for code in t.essglobal.split()}
        self.legal_forms = set(LegalForm.objects.values_list("code", flat=True))

        self.kinds, self.statuses = _choice_names(OrganisationKind.choices), _choice_names(OrganisationStatus.choices)
        self.membership_names = _record_names(MembershipType.objects.all())
        self.legal_form_names = _record_names(LegalForm.objects.all())
        self.sector_names = _record_names(self.sectors.values())
        # Sector names to find within longer text, longest first ("social care" before "care").
        self.sector_words = sorted(self.sector_names.items(), key=lambda item: -len(item[0]))

    def name(self, country: str) -> str:
        return self.country_names.get(country, country)


def _choice_names(choices: list[tuple[str, Any]]) -> dict[str, str]:
    """Loose names of choices in the platform's languages, and their codes -> the codes."""
    out: dict[str, str] = {}
    for language in ("en", "fr", "es"):
        with translation.override(language):
            out.update({loose(str(label)): value for value, label in choices})
    return out | {loose(value): value for value, _label in choices}


def _record_names(records: Any) -> dict[str, str]:
    """Loose names of reference records in English, French and Spanish, and their codes -> the codes."""
    out: dict[str, str] = {}
    for r in records:
        for name in (r.name_en, r.name_fr, r.name_es, r.code):
            out.setdefault(loose(name), r.code)
    return out


def _code(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1].strip()


class Row:
    """Collects a row's values and its problems."""

    def __init__(self, number: int, errors: list[RowError], warnings: list[RowError]) -> None:
        self.number = number
        self.errors = errors
        self.warnings = warnings
        self.values: dict[str, Any] = {}
        self.sectors: list[str] = []
        self.identifier = ""
        # Numbers given by registers: (column, scheme, value). An organisation that has one already is matched on it.
        self.registrations: list[tuple[str, str, str]] = []
        self.pk: int | None = None  # the organisation's id: the one it matched, or once written the new one
        self.matched_by_identifier = False
        self.new_identifiers: list[tuple[str, str]] = []  # (scheme, value) the organisation gains

    def error(self, column: str, value: str, message: str) -> None:
        self.errors.append(RowError(self.number, column, value, message))

    def warn(self, column: str, value: str, message: str) -> None:
        """A tidy-up made to a cell, said in the report (not a problem: the row imports)."""
        self.warnings.append(RowError(self.number, column, value, message))

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


def _common_checks(row: Row, cols: dict[str, str], lk: Lookups, cells: dict[str, str]) -> None:
    """Checks both formats share; errors quote the cells as the file has them (`cells`), not as cleaned."""
    v = row.values
    if not v.get("name"):
        row.error(cols["name"], "", _("a name is required"))
    v["country_id"] = _country(row, cols["country"], v.get("country_id") or "", lk)
    if (v.get("latitude") is None) != (v.get("longitude") is None):
        row.error(cols["longitude"], "", _("give both latitude and longitude, or neither"))
    if v.get("email"):
        given = v["email"]
        v["email"] = _first_address(row, cols["email"], given, email=True)
        if not is_email(v["email"]):
            row.error(cols["email"], given, _("not a valid e-mail address"))
    if v.get("website"):
        given = v["website"]
        v["website"] = _first_address(row, cols["website"], given, email=False)
        if full := with_scheme(v["website"]):
            row.warn(cols["website"], v["website"], _("read as %(address)s") % {"address": full})
            v["website"] = full
        if not is_url(v["website"]):
            row.error(cols["website"], given, _("not a valid web address"))
    for field, column in cols.items():
        value = v.get(field)
        if isinstance(value, str) and (message := too_long_message(value, TEXT_LIMITS.get(field))):
            row.error(column, value[:40] + "…", message)


def _country(row: Row, column: str, given: str, lk: Lookups) -> str | None:
    """The country code of a cell: an ISO code (alpha-2 or alpha-3) or a name; an unknown one is an error that
    suggests the country it may misspell (`suggestion`, for the import page to offer)."""
    if given in lk.countries:  # the usual case, first: a code as the format asks for it
        return given
    if not given:
        row.error(column, "", _("a country is required: its ISO code, such as FR, or its name"))
        return None
    if given in lk.country_fixes:
        chosen = lk.country_fixes[given]
        row.warn(column, given, _("read as %(country)s, as chosen on the import page") % {"country": lk.name(chosen)})
        return chosen
    if read := lk.countries_read.read(given):
        return read
    if suggestion := lk.countries_read.suggest(given):
        message = _("unknown country; did you mean %(country)s?") % {"country": lk.name(suggestion)}
    else:
        message = _("unknown country; write its ISO code, such as FR, or its name")
    row.errors.append(RowError(row.number, column, given, message, suggestion or "", "country"))
    return None


def _first_address(row: Row, column: str, given: str, *, email: bool) -> str:
    """The first of several e-mail or web addresses in a cell; the others are named in a warning."""
    parts = several(given, email=email)
    if parts is None:
        return given
    row.warn(
        column,
        given,
        _("several addresses: the first is kept, %(others)s left out") % {"others": ", ".join(parts[1:])},
    )
    return parts[0]


def parse_essglobal(row: Row, cells: dict[str, str], lk: Lookups) -> None:
    c = ESSGLOBAL_COLUMNS
    v = row.values
    v["name"] = cells.get(c["name"], "")[:255]
    v["description"] = cells.get(c["description"], "")
    v["address"] = cells.get(c["address"], "")
    v["city"] = cells.get(c["city"], "")[:120]
    v["postcode"] = cells.get(c["postcode"], "")[:20]
    v["country_id"] = cells.get(c["country"], "")
    v["website"] = cells.get(c["website"], "")
    v["phone"] = cells.get(c["phone"], "")[:40]
    v["email"] = cells.get(c["email"], "")
    v["latitude"] = row.number_value(c["latitude"], cells.get(c["latitude"], ""), integer=False, low=-90, high=90)
    v["longitude"] = row.number_value(c["longitude"], cells.get(c["longitude"], ""), integer=False, low=-180, high=180)
    v["location_approximate"] = False
    if v["latitude"] is None and v["longitude"] is None and cells.get(c["area_latitude"]):
        _area_location(row, cells)
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
    if structure and (company := COMPANY_STRUCTURES.get(_code(structure))):
        # A company owned by its workers (or producers, users, ...) is a co-operative registered as a company.
        if _code(bmt) in COOPERATIVE_MEMBERSHIP:
            v["kind"] = OrganisationKind.COOPERATIVE
        if not legal:
            v["legal_form_id"] = company
    if cells.get(c["companies_house"]) or cells.get(c["registered_number"]):
        _registrations(row, cells)
    cols = {f: c[f] for f in ("name", "country", "longitude", "email", "website", "description", "address")}
    _common_checks(row, cols, lk, cells)
    if region := cells.get(c["region"], ""):
        _essglobal_region(row, region, lk)


def _essglobal_region(row: Row, region: str, lk: Lookups) -> None:
    """ESSGlobal's Region is any region its maker names (a statistical region, 'North West'), not always one of
    ISO 3166-2: kept as the organisation's subdivision where it is one of its country's, said and left out where
    it is not. A row without it keeps the subdivision it has."""
    country = row.values.get("country_id")
    if not country:
        return
    found = subdivisions.recognise(region, country)
    if len(found) == 1:
        row.values["subdivision"] = found[0]
    else:
        row.warn(
            ESSGLOBAL_COLUMNS["region"],
            region,
            _("not one subdivision of %(country)s (ISO 3166-2): left out") % {"country": lk.name(country)},
        )


def _area_location(row: Row, cells: dict[str, str]) -> None:
    """No coordinates of its own: the centre of the row's postcode area stands for them, marked approximate."""
    c = ESSGLOBAL_COLUMNS
    v = row.values
    lat = row.number_value(c["area_latitude"], cells.get(c["area_latitude"], ""), integer=False, low=-90, high=90)
    lon = row.number_value(c["area_longitude"], cells.get(c["area_longitude"], ""), integer=False, low=-180, high=180)
    if lat is not None and lon is not None:
        v["latitude"], v["longitude"], v["location_approximate"] = lat, lon, True


def _registrations(row: Row, cells: dict[str, str]) -> None:
    """The row's numbers in company and mutual registers, with the scheme of each."""
    c = ESSGLOBAL_COLUMNS
    found: list[tuple[str, str, str]] = []
    if given := cells.get(c["companies_house"], ""):
        number = companies_house_number(given)
        if number != given:
            row.warn(
                c["companies_house"],
                given,
                _("read as %(number)s: Companies House numbers have eight characters") % {"number": number},
            )
        found.append((c["companies_house"], COMPANIES_HOUSE, number))
    registrar = cells.get(c["registrar"], "")
    if (given := cells.get(c["registered_number"], "")) and registrar.lower() not in UNREGISTERED:
        found.append((c["registered_number"], registrar_scheme(registrar), given))
    for column, scheme, number in found:
        if len(number) > IDENTIFIER_LENGTH:
            row.error(
                column, number, _("a registration number has at most %(n)s characters") % {"n": IDENTIFIER_LENGTH}
            )
        else:
            row.registrations.append((column, scheme, number))


def _legal_form(text: str, lk: Lookups) -> tuple[str | None, str]:
    if not text:
        return None, ""
    key = " ".join(text.lower().replace("-", " - ").replace(" - ", "-").split())
    code = LEGAL_FORM_WORDS.get(key) or (key.replace(" ", "_") if key.replace(" ", "_") in lk.legal_forms else None)
    if code:
        return code, ""
    return "other", text[:120]


def parse_cicopa(row: Row, cells: dict[str, str], lk: Lookups) -> None:
    """A row of the platform's own columns: codes as the registry has them."""
    _parse_platform(row, cells, lk, lenient=False)


def parse_columns(row: Row, cells: dict[str, str], lk: Lookups) -> None:
    """A row of a file of any layout, its cells already under the platform's column names: kinds, statuses,
    membership types, legal forms and sectors also by their names in English, French or Spanish, and a kind
    for rows without one."""
    _parse_platform(row, cells, lk, lenient=True)


def _parse_platform(row: Row, cells: dict[str, str], lk: Lookups, *, lenient: bool) -> None:
    v = row.values
    label = lk.labels.get  # the file's name of a column, to quote in the report (columns format)
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
    v["country_id"] = cells.get("country", "")
    kind = cells.get("kind", "")
    if lenient:
        kind = lk.kinds.get(loose(kind), kind) if kind else lk.default_kind
    if kind not in OrganisationKind.values:
        row.error(
            label("kind", "kind"),
            kind,
            _("must be one of %(choices)s") % {"choices": ", ".join(OrganisationKind.values)},
        )
    v["kind"] = kind
    status = cells.get("status", "")
    status = (lk.statuses.get(loose(status), status) if lenient else status) or OrganisationStatus.ACTIVE
    if status not in OrganisationStatus.values:
        row.error(label("status", "status"), status, _("must be active or dissolved"))
    v["status"] = status
    for col in ("membership_type", "legal_form"):
        value = cells.get(col, "")
        known = lk.membership_types if col == "membership_type" else lk.legal_forms
        code: str | None = value
        if lenient and value:
            code = (lk.membership_names if col == "membership_type" else lk.legal_form_names).get(loose(value))
            if code is None and col == "legal_form":
                code, text = _legal_form(value, lk)  # free text, as the ESSGlobal format's: else "other", kept
                v["legal_form_text"] = text or v["legal_form_text"]
        if value and code not in known:
            row.error(
                label(col, col),
                value,
                _("unknown code; see the list in the API at /api/v1/%(path)s") % {"path": col.replace("_", "-") + "s"},
            )
        v[col + "_id"] = code or None
    if lenient:
        _sectors_from_text(row, label("sectors", "sectors"), cells.get("sectors", ""), lk)
    for code in (s for s in cells.get("sectors", "").replace(",", ";").split(";") if s.strip() and not lenient):
        code = code.strip()
        if code not in lk.sectors:
            row.error("sectors", code, _("unknown sector code"))
        elif code not in row.sectors:
            row.sectors.append(code)
    for col, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        v[col] = row.number_value(label(col, col), cells.get(col, ""), integer=False, low=low, high=high)
    v["location_approximate"] = False
    for col, low, high in (
        ("founded", 1800, 2100),
        ("counts_year", 1800, 2100),
        ("members_count", 0, 2**31 - 1),
        ("workers_count", 0, 2**31 - 1),
    ):
        v[col] = row.number_value(label(col, col), cells.get(col, ""), integer=True, low=low, high=high)
    cols = {k: label(k, k) for k in ("country", "longitude", *TEXT_FIELDS, "legal_form_text")}
    _common_checks(row, cols, lk, cells)
    v["subdivision"] = _subdivision(row, label("subdivision", "subdivision"), cells.get("subdivision", ""), lk)


def _subdivision(row: Row, column: str, given: str, lk: Lookups) -> str:
    """The ISO 3166-2 code of the row's subdivision, from its code ('FR-ARA', or 'ARA') or its name in any form
    (core.subdivisions.recognise); one that is not of the row's country is an error that says why."""
    country = row.values.get("country_id")
    if not given or not country:  # no country: its own error is reported
        return ""
    found = subdivisions.recognise(given, country)
    if len(found) == 1:
        return found[0]
    name = lk.name(country)
    if found:
        choices = ", ".join(f"{code} ({subdivisions.label(code)})" for code in found)
        message = _("names more than one subdivision of %(country)s: %(choices)s; write the code of the one meant") % {
            "country": name,
            "choices": choices,
        }
    elif (other := subdivisions.country_of(given.strip().upper())) is not None:
        message = _("%(name)s is a subdivision of %(other)s, not of %(country)s") % {
            "name": subdivisions.name(given.strip()),
            "other": lk.name(other),
            "country": name,
        }
    elif example := next(iter(subdivisions.subdivisions(country)), None):
        message = _("not a subdivision of %(country)s: write its ISO 3166-2 code, such as %(example)s, or its name") % {
            "country": name,
            "example": example.code,
        }
    else:
        message = _("ISO 3166-2 lists no subdivisions of %(country)s: leave this empty") % {"country": name}
    row.error(column, given, message)
    return ""


def _sectors_from_text(row: Row, column: str, text: str, lk: Lookups) -> None:
    """Sectors written in free text ("Construcción; Santé, fishing"): each part that names one of the
    registry's sectors (its code, or its name in English, French or Spanish, alone or within the part) is
    that sector; any other part is "other", its text said in a warning."""
    for part in (p.strip() for p in _SECTOR_SEPARATORS.split(text)):
        if not part:
            continue
        key = loose(part)
        code = lk.sector_names.get(key) or next(
            (code for name, code in lk.sector_words if f" {name} " in f" {key} "), None
        )
        if code is None:
            code = "other"
            row.warn(column, part, _("none of the registry's sectors: read as Other"))
        if code not in row.sectors:
            row.sectors.append(code)


_SECTOR_SEPARATORS = re.compile(r"[;,/|+\n]")


PARSERS = {"essglobal": parse_essglobal, "cicopa": parse_cicopa, "columns": parse_columns}
