"""The rows of an import file, in each format: the columns, the vocabularies they use, and the checks
that turn a row's cells into an organisation's values or into errors by row, column and value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cicopa.core.models import Country, LegalForm, MembershipType, Sector
from cicopa.core.validators import is_email, is_url, too_long_message
from cicopa.registry.fields import IMPORT_COLUMNS
from cicopa.registry.models import ExternalIdentifier, Organisation, OrganisationKind, OrganisationStatus

FORMATS = ("cicopa", "essglobal")
IDENTIFIER_LENGTH = ExternalIdentifier._meta.get_field("value").max_length or 120
TEXT_FIELDS = ("name", "acronym", "description", "address", "city", "postcode", "phone", "fax", "email", "website")
TEXT_LIMITS = {
    f: getattr(Organisation._meta.get_field(f), "max_length", None) for f in (*TEXT_FIELDS, "legal_form_text")
}

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
CICOPA_COLUMNS = IMPORT_COLUMNS
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


class Lookups:
    def __init__(self) -> None:
        self.countries = set(Country.objects.values_list("iso2", flat=True))
        self.sectors = {s.code: s for s in Sector.objects.all()}
        self.ica_sector = {code: s.code for s in self.sectors.values() for code in s.ica_codes.split()}
        self.membership_types = set(MembershipType.objects.values_list("code", flat=True))
        self.bmt = {code: t.code for t in MembershipType.objects.all() for code in t.essglobal.split()}
        self.legal_forms = set(LegalForm.objects.values_list("code", flat=True))


def _code(uri: str) -> str:
    return uri.rstrip("/").rsplit("/", 1)[-1].strip()


class Row:
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


def _common_checks(row: Row, cols: dict[str, str], lk: Lookups, cells: dict[str, str]) -> None:
    """Checks both formats share; errors quote the cells as the file has them (`cells`), not as cleaned."""
    v = row.values
    if not v.get("name"):
        row.error(cols["name"], "", _("a name is required"))
    country = v.get("country_id", "")
    if not country:
        row.error(cols["country"], "", _("a country (ISO 3166-1 two-letter code) is required"))
    elif country not in lk.countries:
        row.error(
            cols["country"],
            cells.get(cols["country"], country),
            _("unknown country; use an ISO 3166-1 two-letter code such as FR"),
        )
        v["country_id"] = None
    if (v.get("latitude") is None) != (v.get("longitude") is None):
        row.error(cols["longitude"], "", _("give both latitude and longitude, or neither"))
    if v.get("email") and not is_email(v["email"]):
        row.error(cols["email"], cells.get(cols["email"], v["email"]), _("not a valid e-mail address"))
    for field, column in cols.items():
        value = v.get(field)
        if isinstance(value, str) and (message := too_long_message(value, TEXT_LIMITS.get(field))):
            row.error(column, value[:40] + "…", message)
    if v.get("website"):
        if "://" not in v["website"]:
            v["website"] = "http://" + v["website"]
        if not is_url(v["website"]):
            row.error(cols["website"], cells.get(cols["website"], v["website"]), _("not a valid web address"))


def parse_essglobal(row: Row, cells: dict[str, str], lk: Lookups) -> None:
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
    cols = {f: c[f] for f in ("name", "country", "longitude", "email", "website", "description", "address")}
    _common_checks(row, cols, lk, cells)


def _legal_form(text: str, lk: Lookups) -> tuple[str | None, str]:
    if not text:
        return None, ""
    key = " ".join(text.lower().replace("-", " - ").replace(" - ", "-").split())
    code = LEGAL_FORM_WORDS.get(key) or (key.replace(" ", "_") if key.replace(" ", "_") in lk.legal_forms else None)
    if code:
        return code, ""
    return "other", text[:120]


def parse_cicopa(row: Row, cells: dict[str, str], lk: Lookups) -> None:
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
    cols = {k: k for k in ("country", "longitude", *TEXT_FIELDS, "legal_form_text")}
    _common_checks(row, cols, lk, cells)


PARSERS = {"essglobal": parse_essglobal, "cicopa": parse_cicopa}
