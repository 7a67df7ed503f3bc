"""The import formats: their columns, and the vocabularies of the ESSGlobal "standard" CSV mapped to the
registry's kinds, legal forms and identifier schemes (the README lists the whole mapping)."""

from __future__ import annotations

from cicopa.core.text import fold
from cicopa.registry.fields import IMPORT_COLUMNS
from cicopa.registry.models import ExternalIdentifier, Organisation, OrganisationKind

# cicopa: the platform's own columns; essglobal: the open-data "standard" CSV; columns: any layout, its
# headers mapped onto the cicopa columns (import_columns).
FORMATS = ("cicopa", "essglobal", "columns")
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
    # The centre of the postcode area: Co-ops UK gives it, and no Latitude/Longitude, for most records.
    "area_latitude": "Geo Container Latitude",
    "area_longitude": "Geo Container Longitude",
    "legal_form": "Legal Form",
    "companies_house": "Companies House Number",
    "registered_number": "Registered Number",
    "registrar": "Registrar",
}
ESSGLOBAL_REQUIRED = ("Identifier", "Name", "Country ID")
CICOPA_COLUMNS = IMPORT_COLUMNS  # registry.fields: the one list of an organisation's fields
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
# Companies (OS50 "Company (Other)", OS120 "Community Interest Company"): a company whose members are its
# workers, producers, consumers or users, several of these, or residents is a co-operative registered as a
# company (as many worker co-operatives in the United Kingdom are). It is a co-operative, with the company
# as its legal form; a company without such members stays an "other associative enterprise".
COMPANY_STRUCTURES = {"OS50": "company", "OS120": "company"}
COOPERATIVE_MEMBERSHIP = {"BMT10", "BMT20", "BMT30", "BMT40", "BMT50"}
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
    "company": "company",
    "limited company": "company",
    "private limited company": "company",
    "company limited by shares": "company",
    "company limited by guarantee": "company",
    "private company limited by guarantee": "company",
    "private company limited by shares": "company",
    "public limited company": "company",
    "plc": "company",
    "ltd": "company",
}

# Registers that give organisations their numbers, by the names data files use for them -> the register's code
# on org-id.guide (the scheme of the external identifier). Another registrar's numbers are kept under
# "registrar-<its name>"; a number with no registrar under "registered-number".
COMPANIES_HOUSE = "GB-COH"
REGISTRARS = {
    "fca": "GB-MPR",
    "financial conduct authority": "GB-MPR",
    "fsa": "GB-MPR",
    "financial services authority": "GB-MPR",
    "mutuals public register": "GB-MPR",
    "registry of friendly societies": "GB-MPR",
    "companies house": COMPANIES_HOUSE,
    "charity commission": "GB-CHC",
    "charity commission for england and wales": "GB-CHC",
    "oscr": "GB-SC",
    "scottish charity regulator": "GB-SC",
}
UNREGISTERED = {"unregistered", "not registered", "none"}
SCHEME_LENGTH = ExternalIdentifier._meta.get_field("scheme").max_length or 60


def registrar_scheme(registrar: str) -> str:
    """The identifier scheme of a registrar as a data file names it."""
    key = " ".join(fold(registrar).replace(".", " ").split())
    if not key:
        return "registered-number"
    if key in REGISTRARS:
        return REGISTRARS[key]
    return ("registrar-" + "-".join("".join(c if c.isalnum() else " " for c in key).split()))[:SCHEME_LENGTH]


def companies_house_number(value: str) -> str:
    """A Companies House number as the register writes it: eight characters, the leading zeros a spreadsheet
    drops put back ('1673378' -> '01673378')."""
    value = value.replace(" ", "").upper()
    return value.zfill(8) if value.isdigit() and len(value) < 8 else value


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
                "",
                "",
                "Society",
                "",
                "21345R",
                "FCA",
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
                "53.7997",
                "-1.5492",
                "Company",
                "01772005",
                "",
                "",
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
            "FR-ARA",
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
            "Nairobi City",  # a subdivision by its name, as well as by its code
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
