"""The fields of an organisation, once: the import columns, the export columns, the API's input schema and
representations, and which fields a profile form or the secretariat may change are all derived from this list.
A new field is added here (and to the model), and every way in and out takes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "code", "codes", "float", "int", "bool"]
Editor = Literal["profile", "secretariat", ""]


@dataclass(frozen=True)
class OrganisationField:
    name: str  # as the API, exports and imports call it
    kind: Kind  # text; a code of a reference list (stored as <name>_id); codes (sectors); numbers
    editor: Editor  # who changes it: anyone who edits the profile, only the secretariat, or nobody directly
    summary: bool = False  # in the directory's list results too, not only in an organisation's detail
    imported: bool = True  # a column of the platform's own import format

    @property
    def attribute(self) -> str:
        """The model attribute that holds the value as the outside world writes it (a code for a reference)."""
        return f"{self.name}_id" if self.kind == "code" else self.name


FIELDS: tuple[OrganisationField, ...] = (
    OrganisationField("slug", "text", "secretariat", summary=True),
    OrganisationField("name", "text", "profile", summary=True),
    OrganisationField("acronym", "text", "profile", summary=True),
    OrganisationField("kind", "text", "secretariat", summary=True),
    OrganisationField("status", "text", "secretariat", summary=True),
    OrganisationField("country", "code", "profile", summary=True),
    # An ISO 3166-2 code of a subdivision of the country ('FR-ARA'), checked against it by the services.
    OrganisationField("subdivision", "text", "profile", summary=True),
    OrganisationField("city", "text", "profile", summary=True),
    OrganisationField("postcode", "text", "profile"),
    OrganisationField("address", "text", "profile"),
    OrganisationField("latitude", "float", "profile", summary=True),
    OrganisationField("longitude", "float", "profile", summary=True),
    # The coordinates show an area (a postcode's centre, as open data often give), not the address. Set by imports
    # from such data; coordinates set by hand are taken as exact unless this is said with them.
    OrganisationField("location_approximate", "bool", "profile", summary=True, imported=False),
    OrganisationField("phone", "text", "profile"),
    OrganisationField("fax", "text", "profile"),
    OrganisationField("email", "text", "profile"),
    OrganisationField("website", "text", "profile"),
    OrganisationField("sectors", "codes", "profile", summary=True),
    OrganisationField("membership_type", "code", "profile", summary=True),
    OrganisationField("legal_form", "code", "profile", summary=True),
    OrganisationField("legal_form_text", "text", "profile"),
    OrganisationField("founded", "int", "profile"),
    OrganisationField("members_count", "int", "profile", summary=True),
    OrganisationField("workers_count", "int", "profile", summary=True),
    OrganisationField("counts_year", "int", "profile"),
    OrganisationField("description", "text", "profile"),
)
BY_NAME = {f.name: f for f in FIELDS}

# Profile fields a form or the API may set (sectors, a many-to-many, are set apart); `kind`, `status` and `slug`
# only the secretariat changes.
PROFILE_FIELDS = tuple(f.name for f in FIELDS if f.editor == "profile" and f.kind != "codes")
SECRETARIAT_FIELDS = tuple(f.name for f in FIELDS if f.editor == "secretariat")
SUMMARY_FIELDS = tuple(f.name for f in FIELDS if f.summary)
# A download holds every field and the profile's address; an import file holds every field but the slug (the
# platform makes it), with the file's own identifier first.
EXPORT_COLUMNS = (*(f.name for f in FIELDS), "url")
IMPORT_COLUMNS = ("identifier", *(f.name for f in FIELDS if f.name != "slug" and f.imported))
