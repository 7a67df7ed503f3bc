"""Files of any layout: which of the platform's columns (the `cicopa` format's) each column of a file holds,
proposed from its header by the names people give such columns in English, French and Spanish.

No Django here: a mapping is {the file's header: a cicopa column, or "" to leave it out}.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping

from cicopa.core.text import loose

# The names a column of each field goes by, folded and loose as `loose()` makes them; the field's own name too.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "identifier": (
        "id",
        "identifier",
        "reference",
        "ref",
        "code",
        "identifiant",
        "numero",
        "identificador",
        "referencia",
        "codigo",
    ),
    "name": (
        "name",
        "organisation",
        "organization",
        "organisation name",
        "organization name",
        "company name",
        "co operative",
        "cooperative",
        "nom",
        "raison sociale",
        "denomination",
        "nom de l organisation",
        "cooperative name",
        "nombre",
        "razon social",
        "denominacion",
        "entidad",
        "nombre de la entidad",
        "cooperativa",
    ),
    "acronym": ("acronym", "abbreviation", "short name", "sigle", "acronyme", "sigla", "siglas", "acronimo"),
    "kind": (
        "kind",
        "type",
        "organisation type",
        "organization type",
        "type of organisation",
        "category",
        "type d organisation",
        "categorie",
        "tipo",
        "tipo de entidad",
        "tipo de organizacion",
        "categoria",
    ),
    "status": ("status", "statut", "etat", "estado", "situacion"),
    "country": ("country", "country code", "country id", "nation", "pays", "code pays", "pais", "codigo de pais"),
    # A region, province or state of the country ("état" and "estado" are statuses' names).
    "subdivision": (
        "subdivision",
        "subdivision code",
        "iso 3166 2",
        "region",
        "province",
        "state",
        "county",
        "canton",
        "land",
        "bundesland",
        "departement",
        "region administrative",
        "provincia",
        "comunidad autonoma",
        "comunidad",
        "departamento",
    ),
    "city": (
        "city",
        "town",
        "locality",
        "municipality",
        "ville",
        "commune",
        "localite",
        "ciudad",
        "localidad",
        "municipio",
        "poblacion",
    ),
    "postcode": ("postcode", "post code", "postal code", "zip", "zip code", "code postal", "cp", "codigo postal"),
    "address": (
        "address",
        "street address",
        "street",
        "adresse",
        "rue",
        "adresse postale",
        "direccion",
        "domicilio",
        "calle",
    ),
    "latitude": ("latitude", "lat", "latitud"),
    "longitude": ("longitude", "lon", "lng", "long", "longitud"),
    "phone": ("phone", "telephone", "tel", "phone number", "numero de telephone", "telefono", "tfno"),
    "fax": ("fax", "telecopie", "telefax"),
    "email": (
        "email",
        "e mail",
        "mail",
        "email address",
        "courriel",
        "adresse electronique",
        "mel",
        "correo",
        "correo electronico",
        "correo e",
    ),
    "website": (
        "website",
        "web site",
        "web",
        "site",
        "url",
        "homepage",
        "internet",
        "site web",
        "site internet",
        "sitio web",
        "pagina web",
    ),
    "sectors": (
        "sectors",
        "sector",
        "activity",
        "activities",
        "area of activity",
        "industry",
        "field",
        "secteur",
        "secteurs",
        "secteur d activite",
        "secteurs d activite",
        "activite",
        "activite principale",
        "domaine",
        "sectores",
        "sector de actividad",
        "actividad",
        "rama",
    ),
    "membership_type": (
        "membership type",
        "membership",
        "type of members",
        "members type",
        "type de societariat",
        "societariat",
        "type de membres",
        "tipo de socios",
        "tipo de membresia",
        "tipo de asociados",
    ),
    "legal_form": (
        "legal form",
        "legal status",
        "forme juridique",
        "statut juridique",
        "forma juridica",
        "forma legal",
        "figura juridica",
    ),
    "legal_form_text": (),
    "founded": (
        "founded",
        "year founded",
        "founding year",
        "established",
        "year of foundation",
        "annee de creation",
        "date de creation",
        "creation",
        "fondee en",
        "ano de fundacion",
        "fundacion",
        "ano de creacion",
        "fecha de constitucion",
    ),
    "members_count": (
        "members",
        "number of members",
        "members count",
        "membres",
        "nombre de membres",
        "societaires",
        "nombre d associes",
        "socios",
        "numero de socios",
        "miembros",
        "asociados",
    ),
    "workers_count": (
        "workers",
        "employees",
        "staff",
        "number of workers",
        "number of employees",
        "salaries",
        "travailleurs",
        "effectif",
        "nombre de salaries",
        "trabajadores",
        "empleados",
        "numero de trabajadores",
        "plantilla",
    ),
    "counts_year": ("counts year", "year of the counts", "annee des effectifs", "ano de los datos"),
    "description": (
        "description",
        "about",
        "presentation",
        "descriptif",
        "descripcion",
        "presentacion",
    ),
}
_NAMES = {name: field for field, names in SYNONYMS.items() for name in (loose(field), *map(loose, names))}
CLOSE_ENOUGH = 0.85  # a header this close to a known name (a typo, a plural) is proposed too


def propose(header: Iterable[str]) -> dict[str, str]:
    """For each column of the header, the field it most likely holds ("" if none), each field once: the first
    column named exactly as the field goes by wins, then columns named nearly so."""
    columns = [c for c in header if c]
    out = dict.fromkeys(columns, "")
    taken: set[str] = set()
    for column in columns:
        field = _NAMES.get(loose(column))
        if field and field not in taken:
            out[column] = field
            taken.add(field)
    for column in columns:
        if out[column]:
            continue
        close = difflib.get_close_matches(loose(column), list(_NAMES), n=1, cutoff=CLOSE_ENOUGH)
        if close and _NAMES[close[0]] not in taken:
            out[column] = _NAMES[close[0]]
            taken.add(out[column])
    return out


def header_score(cells: Iterable[str]) -> int:
    """How many cells of a row name a field: the file's header is the row of its first few with most."""
    return sum(1 for cell in cells if cell and loose(cell) in _NAMES)


def combine(header: Iterable[str], *mappings: Mapping[str, str]) -> dict[str, str]:
    """The proposal for `header`, each of `mappings` then overriding it for the columns it names."""
    out = propose(header)
    for mapping in mappings:
        out.update({source: field for source, field in mapping.items() if source in out})
    return out


def twice(mapping: Mapping[str, str]) -> dict[str, list[str]]:
    """Fields that more than one column is read as, with those columns."""
    by_field: dict[str, list[str]] = {}
    for source, field in mapping.items():
        if field:
            by_field.setdefault(field, []).append(source)
    return {field: sources for field, sources in by_field.items() if len(sources) > 1}
